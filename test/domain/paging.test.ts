/** Who is told, by severity (issue 15, item 1): the pure decision and its configuration. */
import { describe, expect, it } from 'vitest';
import { ALEX, declared, policy, record } from './given.js';
import { fold } from '../../src/domain/model/state.js';
import type { IncidentEvent, RecordedEvent } from '../../src/domain/model/events.js';
import { whoIsTold, type PagingPolicy } from '../../src/domain/notifications/paging.js';
import { buildConfig, ConfigError } from '../../src/config/load.js';
import { renderToldEmail } from '../../src/presenters/told-mail.js';

const paging: PagingPolicy = {
  bySeverity: {
    SEV1: [
      { handle: 'ana', group: 'leadership' },
      { handle: 'raj', group: 'leadership' },
      { handle: 'oncall-lead', group: null },
    ],
    SEV2: [{ handle: 'oncall-lead', group: null }],
  },
};

/** Who the last of `steps` tells, as `handle: reason kind`. */
function told(steps: (IncidentEvent | { event: IncidentEvent; by?: string })[]) {
  const events = record(steps);
  const last = events[events.length - 1]!;
  return whoIsTold(last, fold(events), policy, paging, events);
}
const names = (list: { handle: string }[]) => list.map((t) => t.handle);

describe('Who is told, by severity', () => {
  it('declaring tells the severity page list, with the group that put each person there', () => {
    expect(told([declared({ severity: 'SEV1' })])).toEqual([
      { handle: 'ana', reason: { kind: 'paged', severity: 'SEV1', group: 'leadership', upgradedFrom: null } },
      { handle: 'raj', reason: { kind: 'paged', severity: 'SEV1', group: 'leadership', upgradedFrom: null } },
      { handle: 'oncall-lead', reason: { kind: 'paged', severity: 'SEV1', group: null, upgradedFrom: null } },
    ]);
    expect(names(told([declared({ severity: 'SEV2' })]))).toEqual(['oncall-lead']);
    expect(told([declared({ severity: 'SEV3' })])).toEqual([]);
  });

  it('an upgrade tells the new severity list, less those already paged; a downgrade tells nobody', () => {
    const upgrade: IncidentEvent = { type: 'SeverityChanged', from: 'SEV2', to: 'SEV1', reason: 'worse', nextUpdateBy: null };
    const upgraded = told([declared({ severity: 'SEV2' }), upgrade]);
    expect(upgraded.map((t) => [t.handle, t.reason])).toEqual([
      ['ana', { kind: 'paged', severity: 'SEV1', group: 'leadership', upgradedFrom: 'SEV2' }],
      ['raj', { kind: 'paged', severity: 'SEV1', group: 'leadership', upgradedFrom: 'SEV2' }],
    ]);
    const down: IncidentEvent = { type: 'SeverityChanged', from: 'SEV1', to: 'SEV2', reason: 'better', nextUpdateBy: null };
    expect(told([declared({ severity: 'SEV2' }), upgrade, down])).toEqual([]);
    // Up again: leadership already heard of this incident.
    expect(told([declared({ severity: 'SEV2' }), upgrade, down, upgrade])).toEqual([]);
  });

  it('people named to a role, offered IC or pulled in as SME are told what is asked of them; the one who did it is not', () => {
    expect(told([declared(), { type: 'RoleAssigned', role: 'comms_lead', person: 'priya', previous: null }])).toEqual([
      { handle: 'priya', reason: { kind: 'role', role: 'comms_lead', offered: false, specialty: null } },
    ]);
    expect(told([declared(), { type: 'SmeAdded', person: 'dana', specialty: 'payments' }])).toEqual([
      { handle: 'dana', reason: { kind: 'role', role: 'sme', offered: false, specialty: 'payments' } },
    ]);
    expect(told([declared(), { type: 'CommanderOffered', handoffId: 'h1', from: ALEX, to: 'priya', supersedes: null }])[0]!.reason).toEqual({
      kind: 'role',
      role: 'incident_commander',
      offered: true,
      specialty: null,
    });
    expect(told([declared(), { event: { type: 'RoleAssigned', role: 'scribe', person: 'sam', previous: null }, by: 'sam' }])).toEqual([]);
    // Declared naming another IC: they are told as IC, not paged twice.
    const named = told([{ event: declared({ severity: 'SEV2', commander: 'oncall-lead' }), by: 'dana' }]);
    expect(named).toEqual([{ handle: 'oncall-lead', reason: { kind: 'role', role: 'incident_commander', offered: false, specialty: null } }]);
    expect(told([declared({ severity: 'SEV1' }), { type: 'TimelineEntryAdded', kind: 'note', text: 'x', occurredAt: '2026-06-06T14:15:00.000Z', corrects: null }])).toEqual([]);
  });

  it('a drill pages nobody unless it asked to notify', () => {
    expect(told([declared({ severity: 'SEV1', drill: { id: 'd1', notify: false } })])).toEqual([]);
    expect(names(told([declared({ severity: 'SEV1', drill: { id: 'd1', notify: true } })]))).toEqual(['ana', 'raj', 'oncall-lead']);
  });

  it('the notice says why, what is asked and where the room is', () => {
    const events: RecordedEvent[] = record([declared(), { type: 'RoleAssigned', role: 'comms_lead', person: 'priya', previous: null }]);
    const [notice] = whoIsTold(events[1]!, fold(events), policy, paging, events);
    const mail = renderToldEmail(notice!, fold(events), { consoleUrl: 'https://ic.example.com/', response: null });
    expect(mail.subject).toBe('[SEV2] INC-7 Checkout errors: you are Comms Lead');
    expect(mail.text).toContain('Own everything that leaves the room');
    expect(mail.text).toContain('https://ic.example.com/incidents/INC-7');
  });
});

const sev = (id: string, page: string[]) => ({ id, name: id, impact: 'x', response: 'All hands', audience: 'public', roles: 'separate', postmortem: 'required', page });

function problems(raw: unknown): string[] {
  try {
    buildConfig(raw, 'incident.config.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.field}: ${p.problem}`);
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('page lists in configuration', () => {
  it('expands groups, each person once', () => {
    const config = buildConfig({ groups: { leadership: ['ana', 'raj'] }, severities: [sev('SEV1', ['group:leadership', 'ana', 'lee']), sev('SEV2', [])] });
    expect(config.paging.bySeverity).toEqual({
      SEV1: [
        { handle: 'ana', group: 'leadership' },
        { handle: 'raj', group: 'leadership' },
        { handle: 'lee', group: null },
      ],
      SEV2: [],
    });
    expect(buildConfig({}).paging.bySeverity).toEqual({});
  });

  it('refuses an unknown group, a group without its prefix and a malformed handle, naming the key', () => {
    expect(problems({ groups: { leadership: ['ana'] }, severities: [sev('SEV1', ['group:leaders'])] })).toEqual([
      'severities[0].page[0]: leaders is not a group in groups (known: leadership)',
    ]);
    expect(problems({ groups: { leadership: ['ana'] }, severities: [sev('SEV1', ['ana', 'leadership'])] })).toEqual([
      'severities[0].page[1]: leadership is a group: write group:leadership',
    ]);
    expect(problems({ severities: [sev('SEV1', ['Not A Handle'])] })[0]).toMatch(/^severities\[0\]\.page\[0\]: /);
    expect(problems({ groups: { leadership: ['Ana!'] } })[0]).toMatch(/^groups\.leadership\[0\]: /);
    expect(problems({ groups: { leadership: [] } })[0]).toMatch(/^groups\.leadership: /);
  });
});
