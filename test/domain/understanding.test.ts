/**
 * Understanding evolves: details corrected with who and why, an incident resolved too early
 * reopened, two incidents declared for one failure merged. Pure: fixed times, no store.
 */
import { describe, expect, it } from 'vitest';
import { ALEX, INCIDENT, T0, ctx, declared, given, minutes, record, refusal, type Incident } from './given.js';
import { decideMerge, MERGE_CARRY_LIMIT } from '../../src/domain/incidents/merge.js';
import { dueMoments } from '../../src/domain/reminders/rules.js';
import { assessRoles } from '../../src/domain/roles/rules.js';
import { fold } from '../../src/domain/model/state.js';
import type { CommandOf } from '../../src/domain/model/commands.js';
import type { IncidentEvent } from '../../src/domain/model/events.js';
import { DEFAULT_SEVERITIES } from '../../src/domain/model/policy.js';

const policy = { levels: DEFAULT_SEVERITIES };
const REMINDERS = { dueSoonMs: 5 * 60_000, escalateAfterMs: null, roleGapMs: 5 * 60_000, postmortemOwedMs: 24 * 3_600_000 };

const edit = (changes: CommandOf<'EditIncident'>['changes'], reason = 'Learned more', configuredComponents: string[] = []): CommandOf<'EditIncident'> => ({
  type: 'EditIncident',
  changes,
  reason,
  configuredComponents,
});

const update = (status: 'identified' | 'monitoring'): IncidentEvent[] => [
  { type: 'StatusUpdatePosted', status, impact: 'Checkout failing.', whatWeKnow: 'Pool exhausted.', nextStep: 'Throttle.', nextUpdateBy: minutes(60), audience: 'public' },
  { type: 'StatusChanged', from: status === 'identified' ? 'investigating' : 'identified', to: status },
];

const resolve = { type: 'Resolve', impact: 'Checkout failed for 20 minutes.', whatWeKnow: 'A batch job exhausted the pool.' } as const;

describe('Understanding evolves: editing the details', () => {
  const open = given(declared({ severity: 'SEV2', summary: null, components: ['checkout'] }));

  it('each changed field is one event with from, to and the reason; the state follows', () => {
    const decision = open.when(edit({ title: ' Checkout 500s for EU cards ', summary: 'A batch job holds the pool', startedAt: '2026-06-06T15:40:00+02:00' }, 'Found the cause'));
    expect(decision.events).toEqual([
      { type: 'IncidentEdited', field: 'title', from: 'Checkout errors', to: 'Checkout 500s for EU cards', reason: 'Found the cause' },
      { type: 'IncidentEdited', field: 'summary', from: null, to: 'A batch job holds the pool', reason: 'Found the cause' },
      { type: 'IncidentEdited', field: 'startedAt', from: T0, to: '2026-06-06T13:40:00.000Z', reason: 'Found the cause' },
    ]);
    const after = open.after(edit({ title: 'Checkout 500s for EU cards', startedAt: '2026-06-06T13:40:00Z' })).state;
    expect(after).toMatchObject({ title: 'Checkout 500s for EU cards', startedAt: '2026-06-06T13:40:00.000Z', channel: 'inc-2026-06-06-checkout-errors' });
  });

  it('links change one by one (null removes one); the others stay', () => {
    const linked = given(declared({ links: { statusPage: null, dashboard: 'https://grafana.example.com/d/1', runbook: null } }));
    const after = linked.after(edit({ links: { runbook: 'https://runbooks.example.com/pool', dashboard: null } })).state;
    expect(after.links).toEqual({ statusPage: null, dashboard: null, runbook: 'https://runbooks.example.com/pool' });
  });

  it('components: configured ones only, duplicates dropped; a component no longer affected loses its status', () => {
    expect(refusal(() => open.when(edit({ components: ['checkout', 'warp'] }, 'x', ['checkout', 'search']))).code).toBe('UNKNOWN_COMPONENT');
    const withStatus = open.with({ type: 'ComponentStatusSet', component: 'checkout', status: 'major_outage', from: null });
    const after = withStatus.after(edit({ components: ['search', 'search'] }, 'Search, not checkout', ['checkout', 'search'])).state;
    expect(after.components).toEqual(['search']);
    expect(after.componentStatuses).toEqual({});
  });

  it('unchanged fields record nothing: a repeated edit is a no-op', () => {
    expect(open.when(edit({ title: 'Checkout errors', components: ['checkout'] })).events).toEqual([]);
  });

  it('refusals: no field, no reason, blank title, impact starting after the declaration, a startedAt that is not a time', () => {
    expect(refusal(() => open.when(edit({}))).details).toEqual({ field: 'body' });
    expect(refusal(() => open.when(edit({ title: 'x' }, '  '))).details).toEqual({ field: 'reason' });
    expect(refusal(() => open.when(edit({ title: '  ' }))).details).toEqual({ field: 'title' });
    const late = refusal(() => open.when(edit({ startedAt: minutes(1) })));
    expect([late.code, late.details]).toEqual(['STARTED_AFTER_DECLARED', { field: 'startedAt' }]);
    expect(refusal(() => open.when(edit({ startedAt: 'yesterday' }))).details).toEqual({ field: 'startedAt' });
  });

  it('a resolved incident still takes corrections for the record, but its affected components stay what the status page said', () => {
    const resolved = open.after(resolve);
    expect(resolved.after(edit({ startedAt: minutes(-30), summary: 'Pool exhausted' }, 'From the postmortem')).state).toMatchObject({
      phase: 'resolved',
      startedAt: minutes(-30),
      summary: 'Pool exhausted',
    });
    const refused = refusal(() => resolved.when(edit({ components: [] })));
    expect([refused.code, refused.details?.field]).toEqual(['INCIDENT_NOT_OPEN', 'components']);
  });
});

describe('Understanding evolves: reopening', () => {
  const sev1 = given(declared({ severity: 'SEV1' }), ...update('identified'), ...update('monitoring'));

  it('back to the last open status, owing an update within the first-update window, reminders restored', () => {
    const resolved = sev1.after(resolve, { at: minutes(40) });
    expect(dueMoments(resolved.state, policy, REMINDERS).map((m) => m.kind)).toEqual(['postmortem_owed']);
    const decision = resolved.when({ type: 'Reopen', reason: ' Errors are back ' }, { at: minutes(50) });
    expect(decision.events).toEqual([{ type: 'IncidentReopened', reason: 'Errors are back', status: 'monitoring', nextUpdateBy: minutes(60) }]);
    const reopened = resolved.after({ type: 'Reopen', reason: 'Errors are back' }, { at: minutes(50) }).state;
    expect(reopened).toMatchObject({ phase: 'active', status: 'monitoring', nextUpdateBy: minutes(60), promisedAt: minutes(50) });
    expect('resolvedAt' in reopened).toBe(false);
    expect(dueMoments(reopened, policy, REMINDERS).map((m) => [m.kind, m.dueAt])).toEqual([
      ['role_gap', minutes(55)],
      ['update_due_soon', minutes(55)],
      ['update_overdue', minutes(60)],
      ['overdue_escalation', minutes(75)],
    ]);
  });

  it('R3/R4 hold after reopening: the same one IC, the same roles and SMEs, their tenures open again, the role gap still a gap', () => {
    const staffed = sev1
      .with({ type: 'RoleAssigned', role: 'comms_lead', person: 'priya', previous: null }, { type: 'SmeAdded', person: 'lee', specialty: 'database' })
      .after(resolve, { at: minutes(40) })
      .after({ type: 'Reopen', reason: 'Back' }, { at: minutes(50) }).state;
    expect(staffed.roles).toEqual({ incident_commander: ALEX, comms_lead: 'priya', scribe: null });
    expect(staffed.smes).toEqual([{ person: 'lee', specialty: 'database' }]);
    expect(staffed.roleHistory.filter((t) => t.to === null).map((t) => [t.role, t.person, t.from])).toEqual([
      ['incident_commander', ALEX, minutes(50)],
      ['comms_lead', 'priya', minutes(50)],
      ['sme', 'lee', minutes(50)],
    ]);
    expect(assessRoles(staffed, policy).roleGaps.map((g) => g.code)).toEqual(['SCRIBE_MISSING']);
  });

  it('R11 holds after reopening: the postmortem owner and date are kept; resolving again takes a final update and closes it', () => {
    const assigned = sev1
      .after(resolve, { at: minutes(40) })
      .after({ type: 'AssignPostmortem', owner: 'lee', scheduledFor: '2026-06-09T15:00:00Z' }, { at: minutes(41) })
      .after({ type: 'Reopen', reason: 'Back' }, { at: minutes(50) });
    expect(assigned.state.postmortem).toEqual({ owner: 'lee', scheduledFor: '2026-06-09T15:00:00.000Z' });
    expect(refusal(() => assigned.when({ type: 'Resolve', impact: '', whatWeKnow: 'x' })).details).toEqual({ field: 'impact' });
    expect(assigned.after(resolve, { at: minutes(70) }).state).toMatchObject({ phase: 'closed', resolvedAt: minutes(70), postmortem: { owner: 'lee' } });
    // Without an owner yet, it is owed again after the second resolution.
    const owed = sev1.after(resolve, { at: minutes(40) }).after({ type: 'Reopen', reason: 'Back' }).after(resolve);
    expect(owed.state.phase).toBe('resolved');
  });

  it('refusals: reopening an open incident, or without a reason', () => {
    expect(refusal(() => sev1.when({ type: 'Reopen', reason: 'x' })).code).toBe('INCIDENT_ALREADY_OPEN');
    expect(refusal(() => sev1.after(resolve).when({ type: 'Reopen', reason: ' ' })).details).toEqual({ field: 'reason' });
  });
});

describe('Understanding evolves: merging', () => {
  const other = (n: number, steps: IncidentEvent[] = [], privateIncident = false): Incident =>
    given(declared({ number: n, title: 'Payments failing', private: privateIncident }), ...steps);
  const into = other(9);
  const duplicate = given(
    declared({ title: 'Checkout errors' }),
    { event: { type: 'TimelineEntryAdded', kind: 'hypothesis', text: 'Pool exhausted', occurredAt: minutes(2), corrects: null }, by: 'lee' },
    { event: { type: 'MoreAlertsObserved', group: 4, count: 3 }, by: 'alerts:prom' },
    { event: { type: 'SmeAdded', person: 'lee', specialty: 'database' } },
  );
  const merge = (merged: Incident, target: Incident | null, options: { by?: string; admin?: boolean } = {}) =>
    decideMerge(merged.state, target?.state ?? null, merged.events, { reason: 'Same failure', alertGroups: [4] }, ctx({ at: minutes(20), ...options }));

  it('the merged one is closed with a pointer; the other gets its entries (saying where from and whom) and alert observations', () => {
    const decision = merge(duplicate, into);
    expect(decision.merged.events).toEqual([{ type: 'IncidentMerged', into: 9, reason: 'Same failure' }]);
    expect(decision.into.events).toEqual([
      { type: 'IncidentMergedIn', from: INCIDENT, title: 'Checkout errors', reason: 'Same failure', alertGroups: [4], carried: 2, notCarried: 0 },
      { type: 'TimelineEntryAdded', kind: 'hypothesis', text: 'INC-7 · @lee: Pool exhausted', occurredAt: minutes(2), corrects: null },
      { type: 'MoreAlertsObserved', group: 4, count: 3 },
    ]);
    const closed = fold(record(decision.merged.events.map((event) => ({ event, at: minutes(20) })), INCIDENT, duplicate.events));
    expect(closed).toMatchObject({ phase: 'closed', mergedInto: 9, nextUpdateBy: null, postmortemRequired: false, resolvedAt: minutes(20) });
    expect(dueMoments(closed, policy, REMINDERS)).toEqual([]);
  });

  it(`carries at most ${MERGE_CARRY_LIMIT} entries and counts the rest`, () => {
    const busy = duplicate.with(
      ...Array.from({ length: MERGE_CARRY_LIMIT + 5 }, (_, i): IncidentEvent => ({ type: 'TimelineEntryAdded', kind: 'note', text: `n${i}`, occurredAt: minutes(3), corrects: null })),
    );
    expect(merge(busy, into).into.events[0]).toMatchObject({ carried: MERGE_CARRY_LIMIT, notCarried: 7 });
  });

  it('refusals: into itself, into an unknown or resolved one, a resolved or already merged one, by someone not its IC, private into public', () => {
    expect(refusal(() => merge(duplicate, duplicate)).code).toBe('MERGE_INTO_SELF');
    expect(refusal(() => merge(duplicate, null)).details).toEqual({ field: 'into' });
    const resolvedTarget = into.after(resolve);
    expect(refusal(() => merge(duplicate, resolvedTarget)).code).toBe('MERGE_TARGET_NOT_OPEN');
    expect(refusal(() => merge(duplicate.after(resolve), into)).code).toBe('INCIDENT_NOT_OPEN');
    const merged = duplicate.with({ type: 'IncidentMerged', into: 9, reason: null });
    expect(refusal(() => merge(merged, into)).code).toBe('INCIDENT_MERGED');
    expect(refusal(() => merge(duplicate, into, { by: 'lee' })).code).toBe('ONLY_COMMANDER');
    expect(merge(duplicate, into, { by: 'root', admin: true }).merged.events).toHaveLength(1);
    const secret = given(declared({ private: true }));
    expect(refusal(() => merge(secret, into)).code).toBe('PRIVATE_INCIDENT');
    expect(merge(secret, other(9, [], true)).merged.events).toHaveLength(1);
  });

  it('a merged incident is not reopened or edited: it is followed in the other one', () => {
    const merged = duplicate.with({ type: 'IncidentMerged', into: 9, reason: null });
    expect(refusal(() => merged.when({ type: 'Reopen', reason: 'x' })).code).toBe('INCIDENT_MERGED');
    expect(refusal(() => merged.when(edit({ title: 'x' }))).code).toBe('INCIDENT_MERGED');
  });
});
