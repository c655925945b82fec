/** Drills (README "Drills"): a script is checked before it runs, its errors named by line and field; a run is scored from its record. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stepDueAt } from '../../src/domain/drills/script.js';
import { parseDrillScript } from '../../src/config/drill-script.js';
import { scoreDrill } from '../../src/domain/drills/scorecard.js';
import { DomainError } from '../../src/domain/model/errors.js';
import { declared, minutes, record, T0 } from './given.js';

const MINI = `name: mini
title: Mini
people:
  - { handle: lee, voice: sme, specialty: database }
  - { handle: vp, voice: stakeholder }
expectedRuledOut: [deploy, payment provider]
steps:
  - at: 0s
    alert: { summary: 5xx, dedupKey: a }
  - at: 2m
    as: lee
    ruledOut: the deploy
`;

const refusal = (text: string) => {
  try {
    parseDrillScript(text, 'mini.yaml');
  } catch (error) {
    if (error instanceof DomainError) return { message: error.message, details: error.details };
    throw error;
  }
  throw new Error('the script was accepted');
};

describe('drill scripts', () => {
  it('the shipped checkout script reads: alerts, SME lines and the stakeholder in order', () => {
    const script = parseDrillScript(readFileSync('drills/checkout.yaml', 'utf8'), 'checkout.yaml');
    expect(script.name).toBe('checkout');
    expect(script.steps[0]).toMatchObject({ kind: 'alert', atMs: 0, dedupKey: 'checkout-5xx', severity: 'critical', component: 'checkout' });
    expect(script.steps.map((s) => s.kind)).toEqual(['alert', 'alert', 'finding', 'ruled_out', 'finding', 'asks', 'finding', 'ruled_out', 'finding', 'asks']);
    expect(script.expectedRuledOut).toEqual(['deploy', 'payment provider']);
  });

  it('given a speed, each step falls due that many times sooner', () => {
    const script = parseDrillScript(MINI);
    expect(stepDueAt(script, 1, T0, 1)).toBe(minutes(2));
    expect(stepDueAt(script, 1, T0, 10)).toBe(minutes(0, 12));
  });

  it('names the line and field of a mistake', () => {
    expect(refusal(MINI.replace('voice: stakeholder', 'voice: boss'))).toEqual({
      message: 'mini.yaml:5: people.1.voice: must be sme or stakeholder',
      details: { field: 'people.1.voice', line: 5 },
    });
    expect(refusal(MINI.replace('as: lee', 'as: dana')).message).toBe('mini.yaml:11: steps.1.as: @dana is not in people');
    expect(refusal(MINI.replace('at: 2m', 'at: soon')).message).toBe('mini.yaml:10: steps.1.at: must be a duration from the start, such as 0s, 90s, 4m');
    expect(refusal(MINI.replace('ruledOut: the deploy', 'asks: news?')).message).toBe("mini.yaml:11: steps.1.as: @lee is an SME; asks is a stakeholder's line");
    expect(refusal(MINI.replace('title: Mini\n', '')).message).toBe('mini.yaml:1: (document): title is required');
    expect(refusal(MINI.replace('at: 2m', 'at: 0s').replace('at: 0s\n    alert', 'at: 3m\n    alert')).message).toBe(
      'mini.yaml:10: steps.1.at: steps run in order: this one is earlier than the one before',
    );
    expect(refusal('steps: [').message).toMatch(/^mini\.yaml:1: not valid YAML/);
  });
});

describe('a drill scored from its record', () => {
  const script = parseDrillScript(MINI);
  const update = (nextUpdateBy: string | null) => ({ type: 'StatusUpdatePosted' as const, status: 'investigating' as const, impact: 'i', whatWeKnow: 'w', nextStep: 'n', nextUpdateBy, audience: 'public' as const });

  it('given the first alert at 14:10, declared at 14:14 with roles named at +2 and +5, one update kept and one late, the IC hands-on once, the deploy ruled out', () => {
    const events = record([
      { event: declared({ nextUpdateBy: minutes(10) }), at: T0 },
      { event: { type: 'RoleAssigned', role: 'comms_lead', person: 'priya', previous: null }, at: minutes(2) },
      { event: { type: 'RoleAssigned', role: 'scribe', person: 'sam', previous: null }, at: minutes(5) },
      { event: update(minutes(30)), at: minutes(8), by: 'priya' },
      { event: { type: 'TimelineEntryAdded', kind: 'ruled_out', text: 'The 14:00 DEPLOY: rolled back, no change', occurredAt: minutes(12), corrects: null }, at: minutes(12), by: 'drill:lee' },
      { event: { type: 'CommanderWentHandsOn', commander: 'alex', via: 'action' }, at: minutes(15) },
      { event: update(minutes(60)), at: minutes(33), by: 'priya' },
    ]);
    const card = scoreDrill({ script, firstAlertAt: minutes(-4), endedAt: minutes(40), events });
    expect(card.declared).toBe(true);
    expect(card.timeToDeclareSeconds).toBe(240);
    expect(card.roles).toEqual([
      { role: 'incident_commander', person: 'alex', afterDeclareSeconds: 0 },
      { role: 'comms_lead', person: 'priya', afterDeclareSeconds: 120 },
      { role: 'scribe', person: 'sam', afterDeclareSeconds: 300 },
    ]);
    expect(card.handsOff).toEqual({ kept: false, lapses: [{ at: minutes(15), commander: 'alex', via: 'action' }] });
    expect(card.updates.promises).toEqual([
      { promisedBy: minutes(10), postedAt: minutes(8), onTime: true, lateSeconds: 0 },
      { promisedBy: minutes(30), postedAt: minutes(33), onTime: false, lateSeconds: 180 },
    ]);
    expect(card.ruledOut).toMatchObject({ found: ['deploy'], missed: ['payment provider'] });
    expect(card.resolved).toBe(false);
  });

  it('a promise past when the drill ended counts as late; one still ahead does not count yet', () => {
    const events = record([{ event: declared({ nextUpdateBy: minutes(10) }), at: T0 }]);
    expect(scoreDrill({ script, firstAlertAt: T0, endedAt: minutes(25), events }).updates.promises).toEqual([
      { promisedBy: minutes(10), postedAt: null, onTime: false, lateSeconds: 900 },
    ]);
    expect(scoreDrill({ script, firstAlertAt: T0, endedAt: minutes(5), events }).updates.promises).toEqual([]);
  });

  it('never declared: no time to declare and no roles', () => {
    const card = scoreDrill({ script, firstAlertAt: T0, endedAt: minutes(5), events: [] });
    expect(card).toMatchObject({ declared: false, timeToDeclareSeconds: null, resolved: false });
    expect(card.roles.every((r) => r.person === null)).toBe(true);
  });
});
