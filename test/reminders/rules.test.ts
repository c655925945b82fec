/**
 * R8 (and the reminders of R4 and R11): the due moments an incident's state derives,
 * and what firing one records. Pure: fixed times, no clock, no store.
 */
import { describe, expect, it } from 'vitest';
import { ALEX, T0, declared, given, minutes, policy, type Incident } from '../domain/given.js';
import { decideFireReminder, dueMoments, isUpdateDueSoon, updateDueSoonAt, type DueMoment } from '../../src/domain/reminders/rules.js';
import type { ReminderSettings } from '../../src/domain/model/policy.js';
import type { IncidentEvent } from '../../src/domain/model/events.js';
import { addMs } from '../../src/domain/model/time.js';
import { DEFAULT_SEVERITIES } from '../../src/domain/model/policy.js';

const DEFAULTS: ReminderSettings = { dueSoonMs: 5 * 60_000, escalateAfterMs: null, roleGapMs: 5 * 60_000, postmortemOwedMs: 24 * 3_600_000 };
const HOUR = 3_600_000;

function due(incident: Incident, settings: ReminderSettings = DEFAULTS, p = policy): Pick<DueMoment, 'key' | 'kind' | 'dueAt'>[] {
  return dueMoments(incident.state, p, settings).map(({ key, kind, dueAt }) => ({ key, kind, dueAt }));
}

function keys(incident: Incident, settings: ReminderSettings = DEFAULTS): string[] {
  return due(incident, settings).map((d) => d.key);
}

function fire(incident: Incident, key: string, at: string, settings: ReminderSettings = DEFAULTS, p = policy): IncidentEvent[] {
  return decideFireReminder(incident.state, { type: 'FireReminder', key, settings }, { now: at, actor: { handle: 'system', admin: true }, policy: p }).events;
}

/** Fires `key` at `at` and records what it decided, as the scheduler does. */
function fired(incident: Incident, key: string, at: string, settings: ReminderSettings = DEFAULTS): Incident {
  return incident.with(...fire(incident, key, at, settings).map((event) => ({ event, by: 'system', at })));
}

const update = (nextUpdateBy: string | null, status: 'investigating' | 'identified' | 'monitoring' = 'identified'): IncidentEvent => ({
  type: 'StatusUpdatePosted',
  status,
  impact: 'Checkout failing for 30%.',
  whatWeKnow: 'Pool exhausted.',
  nextStep: 'Throttle.',
  nextUpdateBy,
  audience: 'public',
});

const SEV2_PROMISE = minutes(15); // 14:29: declared at 14:14, the first update due within 15m
const SEV1_PROMISE = minutes(10); // 14:24

describe('R8: update deadlines from the cadence', () => {
  it('R8: a SEV2 owes its update due-soon 5m before, overdue at, and escalated half a cadence after nextUpdateBy', () => {
    expect(due(given(declared({ severity: 'SEV2' })))).toEqual([
      { key: `INC-7:update_due_soon:${SEV2_PROMISE}`, kind: 'update_due_soon', dueAt: minutes(10) },
      { key: `INC-7:update_overdue:${SEV2_PROMISE}`, kind: 'update_overdue', dueAt: SEV2_PROMISE },
      { key: `INC-7:overdue_escalation:${SEV2_PROMISE}:1`, kind: 'overdue_escalation', dueAt: minutes(45) },
    ]);
  });

  it('R8: a SEV1 escalates 15m (half its 30m cadence) after its deadline', () => {
    const moments = due(given(declared({ severity: 'SEV1' })));
    expect(moments.find((m) => m.kind === 'update_overdue')?.dueAt).toBe(SEV1_PROMISE);
    expect(moments.find((m) => m.kind === 'overdue_escalation')?.dueAt).toBe(minutes(25));
  });

  it('R8: reminders.dueSoon and reminders.escalateAfter set the lead time and the escalation delay', () => {
    const settings = { ...DEFAULTS, dueSoonMs: 10 * 60_000, escalateAfterMs: 5 * 60_000 };
    const incident = given(declared({ severity: 'SEV2' }), { event: update(minutes(60)), at: minutes(2) });
    expect(due(incident, settings).map((m) => m.dueAt)).toEqual([minutes(50), minutes(60), minutes(65)]);
  });

  it('R8: a dueSoon of 0 sends no due-soon reminder', () => {
    expect(keys(given(declared({ severity: 'SEV2' })), { ...DEFAULTS, dueSoonMs: 0 })).not.toContain(`INC-7:update_due_soon:${SEV2_PROMISE}`);
  });

  it('R8: a severity without a cadence (SEV3) is reminded of its first update, escalated half its first-update window after', () => {
    expect(due(given(declared({ severity: 'SEV3' })))).toEqual([
      { key: `INC-7:update_due_soon:${minutes(30)}`, kind: 'update_due_soon', dueAt: minutes(25) },
      { key: `INC-7:update_overdue:${minutes(30)}`, kind: 'update_overdue', dueAt: minutes(30) },
      { key: `INC-7:overdue_escalation:${minutes(30)}:1`, kind: 'overdue_escalation', dueAt: minutes(45) },
    ]);
  });

  it('R8: without a cadence, nothing more is owed after the first update until the status says monitoring', () => {
    expect(due(given(declared({ severity: 'SEV3' }), { event: update(null), at: minutes(5) }))).toEqual([]);
  });

  it('R8: without a cadence, a monitoring update owes the final one, reminded like any promise', () => {
    const monitoring = given(
      declared({ severity: 'SEV3' }),
      { event: update(minutes(65), 'monitoring'), at: minutes(5) },
      { event: { type: 'StatusChanged', from: 'investigating', to: 'monitoring' }, at: minutes(5) },
    );
    expect(due(monitoring).map((m) => [m.kind, m.dueAt])).toEqual([
      ['update_due_soon', minutes(60)],
      ['update_overdue', minutes(65)],
      ['overdue_escalation', minutes(80)],
    ]);
    expect(fire(monitoring, `INC-7:update_overdue:${minutes(65)}`, minutes(65))).toEqual([
      { type: 'UpdateOverdue', promisedBy: minutes(65), lastUpdateAt: minutes(5), owed: 'final' },
    ]);
  });

  it('R8: without a cadence, a time promised explicitly is reminded', () => {
    expect(due(given(declared({ severity: 'SEV3' }), { event: update(minutes(40)), at: minutes(5) })).map((m) => m.dueAt)).toEqual([
      minutes(35),
      minutes(40),
      minutes(55),
    ]);
  });

  it('R8: a promise made less than dueSoon ahead gets no due-soon reminder (it would fire at once)', () => {
    const incident = given(declared({ severity: 'SEV2' }), { event: update(minutes(9)), at: minutes(6) });
    expect(keys(incident)).toEqual([`INC-7:update_overdue:${minutes(9)}`, `INC-7:overdue_escalation:${minutes(9)}:1`]);
  });

  it('R8: posting an update moves every update deadline to the new promise (new keys)', () => {
    const before = given(declared({ severity: 'SEV2' }));
    const after = before.with({ event: update(minutes(40)), at: minutes(10) });
    expect(due(after)).toEqual([
      { key: `INC-7:update_due_soon:${minutes(40)}`, kind: 'update_due_soon', dueAt: minutes(35) },
      { key: `INC-7:update_overdue:${minutes(40)}`, kind: 'update_overdue', dueAt: minutes(40) },
      { key: `INC-7:overdue_escalation:${minutes(40)}:1`, kind: 'overdue_escalation', dueAt: minutes(70) },
    ]);
    expect(keys(after).some((k) => keys(before).includes(k))).toBe(false);
  });

  it('R8: an update that keeps the same promised time keeps the same keys (one reminder per promised time)', () => {
    const incident = given(declared({ severity: 'SEV2' }), { event: update(SEV2_PROMISE), at: minutes(4) });
    expect(keys(incident)).toEqual(keys(given(declared({ severity: 'SEV2' }))));
  });

  it('R2/R8: raising severity to a faster cadence pulls the deadlines in', () => {
    const incident = given(declared({ severity: 'SEV2' }), {
      event: { type: 'SeverityChanged', from: 'SEV2', to: 'SEV1', reason: 'Payments down', nextUpdateBy: minutes(40) },
      at: minutes(10),
    });
    const moments = due(incident).filter((m) => m.kind !== 'role_gap');
    expect(moments.map((m) => m.dueAt)).toEqual([minutes(35), minutes(40), minutes(55)]);
  });

  it('R2/R8: lowering severity to SEV3 (no cadence) keeps the promise made, escalated on SEV3\'s terms', () => {
    const incident = given(declared({ severity: 'SEV2' }), {
      event: { type: 'SeverityChanged', from: 'SEV2', to: 'SEV3', reason: 'Workaround found', nextUpdateBy: SEV2_PROMISE },
      at: minutes(3),
    });
    expect(due(incident).map((m) => m.dueAt)).toEqual([minutes(10), SEV2_PROMISE, minutes(30)]);
  });

  it('R8: lowering severity to a slower cadence keeps the promise, and its due-soon reminder', () => {
    const slow = { levels: DEFAULT_SEVERITIES.map((l) => (l.id === 'SEV3' ? { ...l, updateEveryMs: 2 * HOUR } : l)) };
    const incident = given(declared({ severity: 'SEV2' }), {
      event: { type: 'SeverityChanged', from: 'SEV2', to: 'SEV3', reason: 'Contained', nextUpdateBy: SEV2_PROMISE },
      at: minutes(10),
    });
    expect(due(incident, DEFAULTS, slow).map((m) => [m.kind, m.dueAt])).toEqual([
      ['update_due_soon', minutes(10)],
      ['update_overdue', SEV2_PROMISE],
      ['overdue_escalation', minutes(75)],
    ]);
  });

  it('R8/R11: resolving cancels every update deadline', () => {
    const incident = given(declared({ severity: 'SEV3' }), { type: 'IncidentResolved', postmortemRequired: false });
    expect(due(incident)).toEqual([]);
    const sev2 = given(declared({ severity: 'SEV2' }), { event: { type: 'IncidentResolved', postmortemRequired: true }, at: minutes(20) });
    expect(due(sev2).map((m) => m.kind)).toEqual(['postmortem_owed']);
  });
});

describe('R8: firing the update reminders', () => {
  const sev2 = given(declared({ severity: 'SEV2' }), { event: update(minutes(40)), at: minutes(18) });

  it('R8: due soon records the promise and the last update', () => {
    expect(fire(sev2, `INC-7:update_due_soon:${minutes(40)}`, minutes(35))).toEqual([
      { type: 'UpdateDueSoon', promisedBy: minutes(40), lastUpdateAt: minutes(18), owed: 'next' },
    ]);
  });

  it('R8: overdue records the promise and when the last update was posted', () => {
    expect(fire(sev2, `INC-7:update_overdue:${minutes(40)}`, minutes(40))).toEqual([
      { type: 'UpdateOverdue', promisedBy: minutes(40), lastUpdateAt: minutes(18), owed: 'next' },
    ]);
  });

  it('R8: overdue with no update posted yet says it is the first update (lastUpdateAt null)', () => {
    expect(fire(given(declared({ severity: 'SEV2' })), `INC-7:update_overdue:${SEV2_PROMISE}`, SEV2_PROMISE)).toEqual([
      { type: 'UpdateOverdue', promisedBy: SEV2_PROMISE, lastUpdateAt: null, owed: 'first' },
    ]);
  });

  it('R8: nothing fires before its time', () => {
    expect(fire(sev2, `INC-7:update_overdue:${minutes(40)}`, minutes(39, 59))).toEqual([]);
  });

  it('R8: a key the state no longer derives (an update was posted meanwhile) fires nothing', () => {
    const moved = sev2.with({ event: update(minutes(70)), at: minutes(38) });
    expect(fire(moved, `INC-7:update_overdue:${minutes(40)}`, minutes(40))).toEqual([]);
    expect(fire(moved, `INC-7:update_due_soon:${minutes(40)}`, minutes(40))).toEqual([]);
  });

  it('R8: a due-soon reminder fired after the deadline passed (server was down) is dropped; the overdue one says it', () => {
    expect(fire(sev2, `INC-7:update_due_soon:${minutes(40)}`, minutes(41))).toEqual([]);
    expect(fire(sev2, `INC-7:update_overdue:${minutes(40)}`, minutes(41))).toHaveLength(1);
  });

  it('R8: the escalation carries the severity’s escalation list and counts from 1', () => {
    const p = { levels: DEFAULT_SEVERITIES.map((l) => (l.id === 'SEV2' ? { ...l, escalateTo: ['vp-eng', 'cto'] } : l)) };
    expect(fire(sev2, `INC-7:overdue_escalation:${minutes(40)}:1`, minutes(70), DEFAULTS, p)).toEqual([
      { type: 'OverdueEscalated', promisedBy: minutes(40), lastUpdateAt: minutes(18), escalation: 1, escalateTo: ['vp-eng', 'cto'], owed: 'next' },
    ]);
  });

  it('R8: while it stays overdue the escalation repeats every escalateAfter, counted from the last one recorded', () => {
    const once = fired(sev2, `INC-7:overdue_escalation:${minutes(40)}:1`, minutes(72));
    expect(due(once).filter((m) => m.kind === 'overdue_escalation')).toEqual([
      { key: `INC-7:overdue_escalation:${minutes(40)}:2`, kind: 'overdue_escalation', dueAt: minutes(102) },
    ]);
    // The first one can no longer fire: its key is gone.
    expect(fire(once, `INC-7:overdue_escalation:${minutes(40)}:1`, minutes(80))).toEqual([]);
    const twice = fired(once, `INC-7:overdue_escalation:${minutes(40)}:2`, minutes(102));
    expect(twice.state.reminded.escalation).toEqual({ promisedBy: minutes(40), count: 2, at: minutes(102) });
    expect(keys(twice)).toContain(`INC-7:overdue_escalation:${minutes(40)}:3`);
  });

  it('R8: a server down for hours fires one escalation on its return, not a burst', () => {
    const late = fired(sev2, `INC-7:overdue_escalation:${minutes(40)}:1`, minutes(300));
    expect(due(late).find((m) => m.kind === 'overdue_escalation')?.dueAt).toBe(minutes(330));
  });

  it('R8: posting an update stops the escalations; a new promise starts counting from 1', () => {
    const escalated = fired(sev2, `INC-7:overdue_escalation:${minutes(40)}:1`, minutes(70));
    const answered = escalated.with({ event: update(minutes(110)), at: minutes(75) });
    expect(keys(answered)).toEqual([
      `INC-7:update_due_soon:${minutes(110)}`,
      `INC-7:update_overdue:${minutes(110)}`,
      `INC-7:overdue_escalation:${minutes(110)}:1`,
    ]);
  });
});

describe('R4: the SEV1 role-gap nudge', () => {
  const sev1 = given(declared({ severity: 'SEV1' }));
  const gap = (incident: Incident) => due(incident).filter((m) => m.kind === 'role_gap');

  it('R4: a SEV1 with a role gap nudges its IC 5 minutes after declaring', () => {
    expect(gap(sev1)).toEqual([{ key: `INC-7:role_gap:${T0}`, kind: 'role_gap', dueAt: minutes(5) }]);
    expect(fire(sev1, `INC-7:role_gap:${T0}`, minutes(5))).toEqual([
      { type: 'RoleGapNudged', commander: ALEX, gaps: ['COMMS_LEAD_MISSING', 'SCRIBE_MISSING'] },
    ]);
  });

  it('R4: reminders.roleGap sets the delay', () => {
    expect(due(sev1, { ...DEFAULTS, roleGapMs: 2 * 60_000 }).find((m) => m.kind === 'role_gap')?.dueAt).toBe(minutes(2));
  });

  it('R4: SEV2 and SEV3 have no role gap, so no nudge', () => {
    expect(gap(given(declared({ severity: 'SEV2' })))).toEqual([]);
    expect(gap(given(declared({ severity: 'SEV3' })))).toEqual([]);
  });

  it('R4: filling the roles with three different people cancels the nudge', () => {
    const filled = sev1.with(
      { event: { type: 'RoleAssigned', role: 'comms_lead', person: 'priya', previous: null }, at: minutes(2) },
      { event: { type: 'RoleAssigned', role: 'scribe', person: 'sam', previous: null }, at: minutes(3) },
    );
    expect(gap(filled)).toEqual([]);
    expect(fire(filled, `INC-7:role_gap:${T0}`, minutes(5))).toEqual([]);
  });

  it('R4: filling one role while a gap remains moves the nudge to roleGap after that change', () => {
    const partly = sev1.with({ event: { type: 'RoleAssigned', role: 'comms_lead', person: 'priya', previous: null }, at: minutes(3) });
    expect(gap(partly)).toEqual([{ key: `INC-7:role_gap:${minutes(3)}`, kind: 'role_gap', dueAt: minutes(8) }]);
  });

  it('R4: while the gap stays, the nudge repeats every roleGap after the last one', () => {
    const nudged = fired(sev1, `INC-7:role_gap:${T0}`, minutes(5, 2));
    expect(nudged.state.reminded.roleGapAt).toBe(minutes(5, 2));
    expect(gap(nudged)).toEqual([{ key: `INC-7:role_gap:${minutes(5, 2)}`, kind: 'role_gap', dueAt: minutes(10, 2) }]);
  });

  it('R4: raising severity to SEV1 opens a gap: first nudge roleGap after the change', () => {
    const raised = given(declared({ severity: 'SEV2' })).with({
      event: { type: 'SeverityChanged', from: 'SEV2', to: 'SEV1', reason: 'Worse', nextUpdateBy: minutes(40) },
      at: minutes(10),
    });
    expect(gap(raised)).toEqual([{ key: `INC-7:role_gap:${minutes(10)}`, kind: 'role_gap', dueAt: minutes(15) }]);
  });

  it('R4: a released role reopens the gap, nudged roleGap after the release', () => {
    const filled = sev1.with(
      { event: { type: 'RoleAssigned', role: 'comms_lead', person: 'priya', previous: null }, at: minutes(2) },
      { event: { type: 'RoleAssigned', role: 'scribe', person: 'sam', previous: null }, at: minutes(3) },
      { event: { type: 'RoleReleased', role: 'scribe', person: 'sam' }, at: minutes(20) },
    );
    expect(gap(filled)).toEqual([{ key: `INC-7:role_gap:${minutes(20)}`, kind: 'role_gap', dueAt: minutes(25) }]);
  });

  it('R4: resolving cancels the nudge', () => {
    expect(gap(sev1.with({ type: 'IncidentResolved', postmortemRequired: true }))).toEqual([]);
  });
});

describe('R11: the postmortem-owed reminder', () => {
  const resolvedAt = minutes(50);
  const resolved = given(declared({ severity: 'SEV2' }), { event: { type: 'IncidentResolved', postmortemRequired: true }, at: resolvedAt });

  it('R11: a day after resolving without an owner and date, the IC is reminded', () => {
    expect(due(resolved)).toEqual([{ key: `INC-7:postmortem_owed:${resolvedAt}`, kind: 'postmortem_owed', dueAt: addMs(resolvedAt, 24 * HOUR) }]);
    expect(fire(resolved, `INC-7:postmortem_owed:${resolvedAt}`, addMs(resolvedAt, 24 * HOUR))).toEqual([
      { type: 'PostmortemReminded', commander: ALEX, resolvedAt },
    ]);
  });

  it('R11: reminders.postmortemOwed sets the interval', () => {
    expect(due(resolved, { ...DEFAULTS, postmortemOwedMs: HOUR })[0]?.dueAt).toBe(addMs(resolvedAt, HOUR));
  });

  it('R11: the reminder repeats every interval until the postmortem is assigned', () => {
    const day1 = addMs(resolvedAt, 24 * HOUR + 1_000);
    const reminded = fired(resolved, `INC-7:postmortem_owed:${resolvedAt}`, day1);
    expect(due(reminded)).toEqual([{ key: `INC-7:postmortem_owed:${day1}`, kind: 'postmortem_owed', dueAt: addMs(day1, 24 * HOUR) }]);
  });

  it('R11: assigning the postmortem cancels it', () => {
    const assigned = resolved.with({ type: 'PostmortemAssigned', owner: 'lee', scheduledFor: '2026-06-09T15:00:00.000Z' });
    expect(due(assigned)).toEqual([]);
    expect(fire(assigned, `INC-7:postmortem_owed:${resolvedAt}`, addMs(resolvedAt, 24 * HOUR))).toEqual([]);
  });

  it('R11: a postmortem assigned before resolving, or not required, owes no reminder', () => {
    const early = given(
      declared({ severity: 'SEV2' }),
      { type: 'PostmortemAssigned', owner: 'lee', scheduledFor: '2026-06-09T15:00:00.000Z' },
      { type: 'IncidentResolved', postmortemRequired: true },
    );
    expect(due(early)).toEqual([]);
    expect(due(given(declared({ severity: 'SEV3' }), { type: 'IncidentResolved', postmortemRequired: false }))).toEqual([]);
  });
});

describe('R8: updateDue, the "due soon" state of the incident answer', () => {
  const incident = given(declared({ severity: 'SEV2' }), { event: update(minutes(60)), at: minutes(2) }).state;
  it('R8: due soon from dueSoon before the promise until it passes; then overdue instead', () => {
    expect(isUpdateDueSoon(incident, minutes(54, 59), DEFAULTS.dueSoonMs)).toBe(false);
    expect(isUpdateDueSoon(incident, minutes(55), DEFAULTS.dueSoonMs)).toBe(true);
    expect(isUpdateDueSoon(incident, minutes(59, 59), DEFAULTS.dueSoonMs)).toBe(true);
    expect(isUpdateDueSoon(incident, minutes(60), DEFAULTS.dueSoonMs)).toBe(false);
  });
  it('R8: nothing is due on a resolved incident or one without a promise', () => {
    expect(isUpdateDueSoon(given(declared({ severity: 'SEV3' }), { event: update(null), at: minutes(1) }).state, minutes(2), DEFAULTS.dueSoonMs)).toBe(false);
    const resolved = given(declared({ severity: 'SEV2' }), { type: 'IncidentResolved', postmortemRequired: true }).state;
    expect(isUpdateDueSoon(resolved, minutes(58), DEFAULTS.dueSoonMs)).toBe(false);
    expect(updateDueSoonAt(resolved, DEFAULTS.dueSoonMs)).toBeNull();
  });
  it('R8: it turns due soon at the promise less the lead time, which the console counts down to', () => {
    expect(updateDueSoonAt(incident, DEFAULTS.dueSoonMs)).toBe(minutes(55));
    expect(updateDueSoonAt(incident, 30 * 60_000)).toBe(minutes(30));
  });
});

describe('R8: the firing events fold into the state', () => {
  it('R8: due-soon and overdue change nothing but the version; keys stay put so they never fire twice', () => {
    const incident = given(declared({ severity: 'SEV2' }));
    const after = fired(fired(incident, `INC-7:update_due_soon:${SEV2_PROMISE}`, minutes(10)), `INC-7:update_overdue:${SEV2_PROMISE}`, SEV2_PROMISE);
    expect(after.state.version).toBe(3);
    expect(keys(after)).toEqual(keys(incident));
  });

  it('R8: the decision goes through decide() like any command', () => {
    const incident = given(declared({ severity: 'SEV2' }));
    const decision = incident.when({ type: 'FireReminder', key: `INC-7:update_overdue:${SEV2_PROMISE}`, settings: DEFAULTS }, { at: SEV2_PROMISE, by: 'system', admin: true });
    expect(decision.events.map((e) => e.type)).toEqual(['UpdateOverdue']);
  });
});
