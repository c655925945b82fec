import { describe, expect, it } from 'vitest';
import type { IncidentEvent } from '../../src/domain/model/events.js';
import { measureIncident } from '../../src/domain/insights/incident.js';
import { buildInsights, compliance, distribution, isoWeek } from '../../src/domain/insights/report.js';
import { declared, minutes, record, T0 } from './given.js';

const text = { impact: 'Checkout failing for some', whatWeKnow: 'Pool exhausted', nextStep: 'Throttle the job' };
const update = (nextUpdateBy: string | null, status: 'investigating' | 'identified' | 'monitoring' = 'investigating'): IncidentEvent => ({
  type: 'StatusUpdatePosted',
  status,
  ...text,
  nextUpdateBy,
  audience: 'public',
});
const changed = (from: 'investigating' | 'identified' | 'monitoring', to: 'identified' | 'monitoring' | 'resolved'): IncidentEvent => ({ type: 'StatusChanged', from, to });
const resolved: IncidentEvent[] = [
  { type: 'StatusUpdatePosted', status: 'resolved', ...text, nextUpdateBy: null, audience: 'public' },
  { type: 'IncidentResolved', postmortemRequired: true },
];

describe('insights: one incident measured from its record', () => {
  it('times to declare, to first update and to resolve, and the time in each status', () => {
    const events = record([
      declared({ severity: 'SEV1', startedAt: minutes(-12), nextUpdateBy: minutes(30) }),
      { event: update(minutes(35)), at: minutes(5) },
      { event: update(minutes(60), 'identified'), at: minutes(20) },
      { event: changed('investigating', 'identified'), at: minutes(20) },
      { event: update(minutes(90), 'monitoring'), at: minutes(50) },
      { event: changed('identified', 'monitoring'), at: minutes(50) },
      ...resolved.map((event) => ({ event, at: minutes(80) })),
      { event: { type: 'PostmortemAssigned', owner: 'alex', scheduledFor: minutes(2 * 24 * 60) }, at: minutes(81) },
      { event: { type: 'PostmortemPublished', url: 'https://wiki.example.com/pm/7' }, at: minutes(3 * 24 * 60 + 80) },
    ]);
    const m = measureIncident(events, minutes(10_000));
    expect(m.timeToDeclareMs).toBe(12 * 60_000);
    expect(m.timeToFirstUpdateMs).toBe(5 * 60_000);
    expect(m.timeToResolveMs).toBe(80 * 60_000);
    expect(m.resolvedAt).toBe(minutes(80));
    expect(m.timeInStatusMs).toEqual({ investigating: 20 * 60_000, identified: 30 * 60_000, monitoring: 30 * 60_000 });
    expect(m.postmortemRequired).toBe(true);
    expect(m.postmortemAfterResolveMs).toBe(3 * 24 * 60 * 60_000);
    expect(m.promises.map((p) => p.kept)).toEqual([true, true, true, true]);
    expect(m.overdueMs).toBe(0);
  });

  it('a promise kept early, one kept on the minute, one broken, and an update with no promise before it', () => {
    const events = record([
      declared({ severity: 'SEV3', nextUpdateBy: null }),
      // No promise stood before this one: not judged.
      { event: update(minutes(30)), at: minutes(4) },
      // Early.
      { event: update(minutes(60)), at: minutes(25) },
      // On time to the millisecond.
      { event: update(minutes(90)), at: minutes(60) },
      // Seven and a half minutes late.
      { event: update(null), at: minutes(97, 30) },
    ]);
    const m = measureIncident(events, minutes(200));
    expect(m.promises.map(({ promisedBy, kept, latenessMs }) => ({ promisedBy, kept, latenessMs }))).toEqual([
      { promisedBy: minutes(30), kept: true, latenessMs: 0 },
      { promisedBy: minutes(60), kept: true, latenessMs: 0 },
      { promisedBy: minutes(90), kept: false, latenessMs: 7.5 * 60_000 },
    ]);
    expect(m.overdueMs).toBe(7.5 * 60_000);
    expect(compliance(m.promises)).toEqual({ judged: 3, kept: 2, share: 2 / 3, medianLatenessSeconds: 450, worstLatenessSeconds: 450 });
  });

  it('an open incident past its promise counts as broken so far; a promise still ahead is not judged', () => {
    const events = record([declared({ severity: 'SEV2', nextUpdateBy: minutes(60) })]);
    expect(measureIncident(events, minutes(59)).promises).toEqual([]);
    const late = measureIncident(events, minutes(75)).promises;
    expect(late).toEqual([
      { promisedBy: minutes(60), judgedAt: minutes(75), kept: false, latenessMs: 15 * 60_000, commsLead: null, severity: 'SEV2', outstanding: true },
    ]);
    const open = measureIncident(events, minutes(75));
    expect(open.timeToResolveMs).toBeNull();
    expect(open.timeToFirstUpdateMs).toBeNull();
    expect(open.timeInStatusMs.investigating).toBe(75 * 60_000);
  });

  it('a severity change that replaces a promise already past breaks it; one that replaces it in time does not', () => {
    const inTime = record([
      declared({ severity: 'SEV2', nextUpdateBy: minutes(60) }),
      { event: { type: 'SeverityChanged', from: 'SEV2', to: 'SEV1', reason: 'Spreading', nextUpdateBy: minutes(40) }, at: minutes(10) },
      { event: update(minutes(70)), at: minutes(38) },
    ]);
    expect(measureIncident(inTime, minutes(50)).promises.map((p) => [p.promisedBy, p.kept, p.severity])).toEqual([[minutes(40), true, 'SEV1']]);
    const late = record([
      declared({ severity: 'SEV2', nextUpdateBy: minutes(60) }),
      { event: { type: 'SeverityChanged', from: 'SEV2', to: 'SEV1', reason: 'Spreading', nextUpdateBy: minutes(100) }, at: minutes(70) },
    ]);
    expect(measureIncident(late, minutes(80)).promises.map((p) => [p.promisedBy, p.kept, p.latenessMs, p.severity])).toEqual([
      [minutes(60), false, 10 * 60_000, 'SEV2'],
    ]);
  });

  it('each promise is credited to whoever held Comms Lead when it was judged', () => {
    const events = record([
      declared({ severity: 'SEV1', nextUpdateBy: minutes(30) }),
      { event: update(minutes(60)), at: minutes(20) },
      { event: { type: 'RoleAssigned', role: 'comms_lead', person: 'priya', previous: null }, at: minutes(25) },
      { event: update(minutes(90)), at: minutes(65) },
    ]);
    const m = measureIncident(events, minutes(70));
    expect(m.promises.map((p) => [p.commsLead, p.kept])).toEqual([
      [null, true],
      ['priya', false],
    ]);
  });

  it('impact recorded as starting after the declaration counts as declared at once', () => {
    expect(measureIncident(record([declared({ startedAt: minutes(5) })]), minutes(6)).timeToDeclareMs).toBe(0);
  });
});

describe('insights: the report over many incidents', () => {
  it('median and p90 by nearest rank', () => {
    expect(distribution([])).toEqual({ count: 0, medianSeconds: null, p90Seconds: null });
    expect(distribution([5_000])).toEqual({ count: 1, medianSeconds: 5, p90Seconds: 5 });
    const tenToHundred = [100, 10, 90, 20, 80, 30, 70, 40, 60, 50].map((s) => s * 1000);
    expect(distribution(tenToHundred)).toEqual({ count: 10, medianSeconds: 50, p90Seconds: 90 });
    expect(distribution([1, 2, 3, 4], 1000)).toEqual({ count: 4, medianSeconds: 2, p90Seconds: 4 });
  });

  it('ISO weeks start on Monday, and the first days of January can belong to the year before', () => {
    expect(isoWeek('2026-06-06T14:14:00.000Z')).toEqual({ week: '2026-W23', startsOn: '2026-06-01' });
    expect(isoWeek('2026-06-01T00:00:00.000Z')).toEqual({ week: '2026-W23', startsOn: '2026-06-01' });
    expect(isoWeek('2027-01-01T10:00:00.000Z')).toEqual({ week: '2026-W53', startsOn: '2026-12-28' });
    expect(isoWeek('2025-12-31T10:00:00.000Z')).toEqual({ week: '2026-W01', startsOn: '2025-12-29' });
  });

  it('counts by severity and week, compliance by severity and Comms Lead, overdue incidents and postmortems, number by number', () => {
    const a = record([
      declared({ number: 1, severity: 'SEV1', nextUpdateBy: minutes(30) }),
      { event: { type: 'RoleAssigned', role: 'comms_lead', person: 'priya', previous: null }, at: minutes(2) },
      { event: update(minutes(60)), at: minutes(31) },
      ...resolved.map((event) => ({ event, at: minutes(50) })),
    ], 1);
    const b = record([declared({ number: 2, severity: 'SEV2', declaredAt: minutes(7 * 24 * 60), nextUpdateBy: minutes(7 * 24 * 60 + 60) })], 2);
    const c = record([declared({ number: 3, severity: 'SEV2', declaredAt: minutes(7 * 24 * 60 + 5), nextUpdateBy: minutes(7 * 24 * 60 + 65) })], 3);
    const now = minutes(7 * 24 * 60 + 90);
    const measures = [a, b, c].map((events) => measureIncident(events, now));
    const followUps = { opened: 3, done: 1, wontDo: 0, overdue: 1, overdueAt: now };
    const report = buildInsights({ from: T0, to: now, severity: null }, measures, [30, 90, 600], ['SEV1', 'SEV2', 'SEV3'], now, followUps);
    expect(report.incidents).toEqual({
      total: 3,
      bySeverity: [
        { severity: 'SEV1', count: 1 },
        { severity: 'SEV2', count: 2 },
      ],
      byWeek: [
        { week: '2026-W23', startsOn: '2026-06-01', total: 1, bySeverity: { SEV1: 1 } },
        { week: '2026-W24', startsOn: '2026-06-08', total: 2, bySeverity: { SEV2: 2 } },
      ],
    });
    expect(report.durations.timeToAcknowledge).toEqual({ count: 3, medianSeconds: 90, p90Seconds: 600 });
    expect(report.durations.timeToResolve).toEqual({ count: 1, medianSeconds: 50 * 60, p90Seconds: 50 * 60 });
    expect(report.durations.timeToFirstUpdate).toEqual({ count: 1, medianSeconds: 31 * 60, p90Seconds: 31 * 60 });
    // a: 30 → posted at 31 (1 min late, priya), 60 → resolved at 50 (kept, priya); b: 30 min late so far; c: 25 min late so far.
    expect(report.updatePromises.overall).toEqual({ judged: 4, kept: 1, share: 0.25, medianLatenessSeconds: 25 * 60, worstLatenessSeconds: 30 * 60 });
    expect(report.updatePromises.bySeverity).toEqual([
      { severity: 'SEV1', judged: 2, kept: 1, share: 0.5, medianLatenessSeconds: 60, worstLatenessSeconds: 60 },
      { severity: 'SEV2', judged: 2, kept: 0, share: 0, medianLatenessSeconds: 25 * 60, worstLatenessSeconds: 30 * 60 },
    ]);
    expect(report.updatePromises.byCommsLead).toEqual([
      { commsLead: 'priya', judged: 2, kept: 1, share: 0.5, medianLatenessSeconds: 60, worstLatenessSeconds: 60 },
      { commsLead: null, judged: 2, kept: 0, share: 0, medianLatenessSeconds: 25 * 60, worstLatenessSeconds: 30 * 60 },
    ]);
    expect(report.overdue).toEqual([
      { incident: 2, severity: 'SEV2', overdueMinutes: 30 },
      { incident: 3, severity: 'SEV2', overdueMinutes: 25 },
      { incident: 1, severity: 'SEV1', overdueMinutes: 1 },
    ]);
    expect(report.postmortems).toEqual({ required: 1, published: 0, afterResolve: { count: 0, medianSeconds: null, p90Seconds: null } });
    expect(report.followUps).toEqual(followUps);
    expect(Object.keys(report.definitions)).toEqual(expect.arrayContaining(['updatePromises', 'timeToDeclare', 'percentiles', 'followUps']));
  });
});
