import { describe, expect, it } from 'vitest';
import { DEFAULT_SEVERITIES, findSeverity, severityRank, type SeverityPolicy } from '../../src/domain/model/policy.js';
import { declared, given, minutes, refusal, T0 } from './given.js';

describe('R2: the default severity policy is the playbook table', () => {
  it('R2: three levels, most severe first', () => {
    expect(DEFAULT_SEVERITIES.map((l) => l.id)).toEqual(['SEV1', 'SEV2', 'SEV3']);
    const policy = { levels: DEFAULT_SEVERITIES };
    expect(severityRank(policy, 'SEV1')).toBe(0);
    expect(severityRank(policy, 'SEV3')).toBe(2);
    expect(severityRank(policy, 'SEV9')).toBe(-1);
    expect(findSeverity(policy, 'SEV9')).toBeUndefined();
  });

  it('R2: SEV1 is critical: 30-minute cadence, public, three different people, postmortem required', () => {
    expect(DEFAULT_SEVERITIES[0]).toMatchObject({
      id: 'SEV1',
      name: 'Critical',
      updateEveryMs: 30 * 60_000,
      firstUpdateWithinMs: 10 * 60_000,
      audience: 'public',
      roles: 'separate',
      postmortem: 'required',
    });
  });

  it('R2: SEV2 is major: 60-minute cadence, public, Comms distinct from IC, postmortem required', () => {
    expect(DEFAULT_SEVERITIES[1]).toMatchObject({
      id: 'SEV2',
      name: 'Major',
      updateEveryMs: 60 * 60_000,
      firstUpdateWithinMs: 15 * 60_000,
      audience: 'public',
      roles: 'comms-separate',
      postmortem: 'required',
    });
  });

  it('R2: SEV3 is minor: no cadence, internal only, roles combined, postmortem optional', () => {
    expect(DEFAULT_SEVERITIES[2]).toMatchObject({
      id: 'SEV3',
      name: 'Minor',
      updateEveryMs: null,
      firstUpdateWithinMs: 30 * 60_000,
      audience: 'internal',
      roles: 'combined',
      postmortem: 'optional',
    });
  });
});

/** The first status update, posted at `at`, promising the next by `nextUpdateBy`. */
const firstUpdate = (at: string, nextUpdateBy: string | null) => ({
  event: {
    type: 'StatusUpdatePosted' as const,
    status: 'investigating' as const,
    impact: 'Checkout failing',
    whatWeKnow: 'Pool exhausted',
    nextStep: 'Throttle',
    nextUpdateBy,
    audience: 'public' as const,
  },
  at,
});

describe('R2: changing severity takes a reason and is recorded', () => {
  it('R2: downgrading is one step, with a reason, and the promised update time is kept', () => {
    const incident = given(declared({ severity: 'SEV1' }));
    const decision = incident.when({ type: 'ChangeSeverity', severity: 'SEV2', reason: 'Only EU customers affected' }, { at: minutes(5) });
    expect(decision).toEqual({
      events: [{ type: 'SeverityChanged', from: 'SEV1', to: 'SEV2', reason: 'Only EU customers affected', nextUpdateBy: minutes(10) }],
      warnings: [],
    });
  });

  it('R2/R8: before the first update, upgrading pulls it in to the new severity\'s first-update window', () => {
    // SEV2 declared at 14:14 owes its first update by 14:29; at 14:16 it becomes SEV1, whose window is 10 minutes.
    const incident = given(declared({ severity: 'SEV2' }));
    const decision = incident.when({ type: 'ChangeSeverity', severity: 'SEV1', reason: 'Payments down too' }, { at: minutes(2) });
    expect(decision.events[0]).toMatchObject({ nextUpdateBy: minutes(12) });
    expect(incident.when({ type: 'ChangeSeverity', severity: 'SEV1', reason: 'Worse' }, { at: minutes(8) }).events[0]).toMatchObject({
      nextUpdateBy: minutes(15),
    });
  });

  it('R2: upgrading pulls the promised update in to the faster cadence', () => {
    // SEV2's first update at 14:16 promised the next by 15:16; at 14:24 it becomes SEV1, whose cadence is 30 minutes.
    const incident = given(declared({ severity: 'SEV2' }), firstUpdate(minutes(2), minutes(62)));
    const decision = incident.when({ type: 'ChangeSeverity', severity: 'SEV1', reason: 'Payments down too' }, { at: minutes(10) });
    expect(decision.events).toEqual([
      { type: 'SeverityChanged', from: 'SEV2', to: 'SEV1', reason: 'Payments down too', nextUpdateBy: minutes(40) },
    ]);
  });

  it('R2: upgrading keeps an earlier promise than the new cadence would set', () => {
    // An update at 14:20 promised the next by 14:35; SEV1's cadence from 14:30 would allow 15:00.
    const incident = given(declared({ severity: 'SEV2' })).with({
      event: {
        type: 'StatusUpdatePosted',
        status: 'investigating',
        impact: 'Checkout failing',
        whatWeKnow: 'Pool exhausted',
        nextStep: 'Throttle',
        nextUpdateBy: minutes(21),
        audience: 'public',
      },
      at: minutes(6),
    });
    const decision = incident.when({ type: 'ChangeSeverity', severity: 'SEV1', reason: 'Worse' }, { at: minutes(16) });
    expect(decision.events[0]).toMatchObject({ nextUpdateBy: minutes(21) });
  });

  it('R2: upgrading from SEV3 (no cadence) starts one', () => {
    const incident = given(declared({ severity: 'SEV3' }), firstUpdate(minutes(1), null));
    expect(incident.state.nextUpdateBy).toBeNull();
    const decision = incident.when({ type: 'ChangeSeverity', severity: 'SEV2', reason: 'Spreading' }, { at: minutes(5) });
    expect(decision.events[0]).toMatchObject({ from: 'SEV3', to: 'SEV2', nextUpdateBy: minutes(65) });
  });

  it('R2: downgrading to SEV3 keeps the update already promised', () => {
    const incident = given(declared({ severity: 'SEV2' }));
    const decision = incident.when({ type: 'ChangeSeverity', severity: 'SEV3', reason: 'Workaround in place' }, { at: minutes(5) });
    expect(decision.events[0]).toMatchObject({ from: 'SEV2', to: 'SEV3', nextUpdateBy: minutes(15) });
  });

  it('R2: an overdue promise stays overdue on upgrade (the change does not hide silence)', () => {
    const incident = given(declared({ severity: 'SEV2' }));
    const decision = incident.when({ type: 'ChangeSeverity', severity: 'SEV1', reason: 'Worse' }, { at: minutes(90) });
    expect(decision.events[0]).toMatchObject({ nextUpdateBy: minutes(15) });
  });

  it('R2: the change is recorded in the severity history with who, when and why', () => {
    const incident = given(declared({ severity: 'SEV2' }), firstUpdate(minutes(2), minutes(62)))
      .after({ type: 'ChangeSeverity', severity: 'SEV1', reason: 'Payments down too' }, { by: 'alex', at: minutes(10) })
      .after({ type: 'ChangeSeverity', severity: 'SEV2', reason: 'Payments recovered' }, { by: 'alex', at: minutes(40) });
    const state = incident.state;
    expect(state.severity).toBe('SEV2');
    expect(state.severityHistory).toEqual([
      { severity: 'SEV2', from: T0, reason: null, by: 'alex' },
      { severity: 'SEV1', from: minutes(10), reason: 'Payments down too', by: 'alex' },
      { severity: 'SEV2', from: minutes(40), reason: 'Payments recovered', by: 'alex' },
    ]);
    expect(state.nextUpdateBy).toBe(minutes(40));
  });

  it('R2: the reason is trimmed', () => {
    const decision = given(declared()).when({ type: 'ChangeSeverity', severity: 'SEV1', reason: '  Worse  ' });
    expect(decision.events[0]).toMatchObject({ reason: 'Worse' });
  });

  it('R2: a reason is required', () => {
    const error = refusal(() => given(declared()).when({ type: 'ChangeSeverity', severity: 'SEV1', reason: '' }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details).toEqual({ field: 'reason' });
  });

  it('R2: a reason of only whitespace is no reason', () => {
    expect(refusal(() => given(declared()).when({ type: 'ChangeSeverity', severity: 'SEV1', reason: ' \n ' })).code).toBe(
      'VALIDATION_FAILED',
    );
  });

  it('R2: changing to the same severity is refused', () => {
    const error = refusal(() => given(declared({ severity: 'SEV2' })).when({ type: 'ChangeSeverity', severity: 'SEV2', reason: 'Still bad' }));
    expect(error.code).toBe('SEVERITY_UNCHANGED');
    expect(error.details).toEqual({ field: 'severity' });
  });

  it('R2: an unknown severity is refused, naming the allowed ones', () => {
    const error = refusal(() => given(declared()).when({ type: 'ChangeSeverity', severity: 'SEV0', reason: 'Apocalypse' }));
    expect(error.code).toBe('UNKNOWN_SEVERITY');
    expect(error.details).toEqual({ field: 'severity', allowed: ['SEV1', 'SEV2', 'SEV3'] });
  });

  it('R2: a resolved incident no longer changes severity', () => {
    const incident = given(declared({ severity: 'SEV3' }), { type: 'IncidentResolved', postmortemRequired: false });
    expect(refusal(() => incident.when({ type: 'ChangeSeverity', severity: 'SEV1', reason: 'Late' })).code).toBe('INCIDENT_NOT_OPEN');
  });

  it('R2: the levels come from configuration: a team policy with its own names and cadences', () => {
    const custom: SeverityPolicy = {
      levels: [
        { ...DEFAULT_SEVERITIES[0]!, id: 'P0', updateEveryMs: 15 * 60_000 },
        { ...DEFAULT_SEVERITIES[1]!, id: 'P1', updateEveryMs: 45 * 60_000 },
        { ...DEFAULT_SEVERITIES[1]!, id: 'P2', updateEveryMs: 120 * 60_000 },
        { ...DEFAULT_SEVERITIES[2]!, id: 'P3' },
      ],
    };
    const incident = given(declared({ severity: 'P2', nextUpdateBy: minutes(120) }), firstUpdate(minutes(1), minutes(120)));
    const decision = incident.when({ type: 'ChangeSeverity', severity: 'P0', reason: 'Revenue stopped' }, { at: minutes(5), policy: custom });
    expect(decision.events[0]).toMatchObject({ from: 'P2', to: 'P0', nextUpdateBy: minutes(20) });
    expect(refusal(() => incident.when({ type: 'ChangeSeverity', severity: 'SEV1', reason: 'x' }, { policy: custom })).code).toBe(
      'UNKNOWN_SEVERITY',
    );
  });
});
