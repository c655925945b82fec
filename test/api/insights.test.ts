import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, MINUTE, UPDATE, declare, expectError, ok } from './helpers.js';
import { amAlert, webhook } from './alert-payloads.js';

const T0 = '2026-06-06T14:14:00.000Z';
const DAY = 24 * 60 * MINUTE;
const at = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();

describe.each(STORE_KINDS)('GET /insights (%s)', (kind) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await testApp(kind);
    for (const handle of ['alex', 'priya', 'dana']) await t.person(handle);
    await t.person('vic', 'viewer');
    // A: SEV1, impact 12 minutes before declaring; priya is Comms Lead; the first update (due
    // within 10 minutes of declaring) 21 minutes late; resolved in time for the next one.
    t.clock.set(T0);
    const a = await declare(t, { title: 'Checkout errors', severity: 'SEV1', startedAt: at(-12 * MINUTE) }, 'alex');
    t.clock.set(at(2 * MINUTE));
    await ok(t, 200, 'POST', `${API}/incidents/${a.id}/roles`, { role: 'comms_lead', person: 'priya' }, 'alex');
    t.clock.set(at(31 * MINUTE));
    await ok(t, 201, 'POST', `${API}/incidents/${a.id}/updates`, UPDATE, 'priya');
    t.clock.set(at(50 * MINUTE));
    await ok(t, 200, 'POST', `${API}/incidents/${a.id}/resolve`, { impact: 'Checkout failed for 38 minutes.', whatWeKnow: 'A bad deploy.' }, 'alex');
    // B (private, dana's) and C: SEV2 a week later, still open, their first update (due within
    // 15 minutes) 75 and 70 minutes overdue.
    t.clock.set(at(7 * DAY));
    await declare(t, { title: 'Credential leak', severity: 'SEV2', private: true }, 'dana');
    t.clock.set(at(7 * DAY + 5 * MINUTE));
    await declare(t, { title: 'Search slow', severity: 'SEV2' }, 'alex');
    t.clock.set(at(7 * DAY + 90 * MINUTE));
  });
  afterEach(() => t.close());

  it('answers the figures of the period, number by number', async () => {
    const report = await ok(t, 200, 'GET', `${API}/insights?from=${at(-DAY)}&to=${at(8 * DAY)}`);
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
    expect(report.durations).toEqual({
      timeToAcknowledge: { count: 0, medianSeconds: null, p90Seconds: null },
      timeToDeclare: { count: 3, medianSeconds: 0, p90Seconds: 720 },
      timeToFirstUpdate: { count: 1, medianSeconds: 31 * 60, p90Seconds: 31 * 60 },
      timeToResolve: { count: 1, medianSeconds: 50 * 60, p90Seconds: 50 * 60 },
    });
    expect(report.updatePromises.overall).toEqual({ judged: 4, kept: 1, share: 0.25, medianLatenessSeconds: 70 * 60, worstLatenessSeconds: 75 * 60 });
    expect(report.updatePromises.byCommsLead).toEqual([
      { commsLead: 'priya', judged: 2, kept: 1, share: 0.5, medianLatenessSeconds: 21 * 60, worstLatenessSeconds: 21 * 60 },
      { commsLead: null, judged: 2, kept: 0, share: 0, medianLatenessSeconds: 70 * 60, worstLatenessSeconds: 75 * 60 },
    ]);
    expect(report.overdue).toEqual([
      { incident: 'INC-2', severity: 'SEV2', overdueMinutes: 75 },
      { incident: 'INC-3', severity: 'SEV2', overdueMinutes: 70 },
      { incident: 'INC-1', severity: 'SEV1', overdueMinutes: 21 },
    ]);
    expect(report.postmortems).toEqual({ required: 1, published: 0, afterResolve: { count: 0, medianSeconds: null, p90Seconds: null } });
    expect(report.timeInStatus.identified).toEqual({ count: 3, medianSeconds: 0, p90Seconds: 19 * 60 });
    expect(report.definitions.updatePromises).toContain('kept');
  });

  it('counts only what the reader may see, and narrows by period and severity', async () => {
    const seen = await ok(t, 200, 'GET', `${API}/insights?from=${at(-DAY)}&to=${at(8 * DAY)}`, undefined, 'vic');
    expect(seen.incidents.total).toBe(2);
    expect(seen.overdue.map((o: { incident: string }) => o.incident)).toEqual(['INC-3', 'INC-1']);
    const sev1 = await ok(t, 200, 'GET', `${API}/insights?from=${at(-DAY)}&to=${at(8 * DAY)}&severity=SEV1`);
    expect(sev1.incidents.total).toBe(1);
    expect(sev1.severity).toBe('SEV1');
    // The default period is the 90 days before now; `to` is exclusive.
    const recent = await ok(t, 200, 'GET', `${API}/insights`);
    expect(recent.incidents.total).toBe(3);
    expect(recent.to).toBe(at(7 * DAY + 90 * MINUTE));
    expect((await ok(t, 200, 'GET', `${API}/insights?from=${at(-DAY)}&to=${at(7 * DAY)}`)).incidents.total).toBe(1);
  });

  it('times alert groups from their first alert to their acknowledgement', async () => {
    const key = (await ok(t, 201, 'POST', `${API}/alert-sources`, { name: 'prometheus-prod', type: 'alertmanager' })).key;
    t.clock.set(at(DAY));
    await t.app.inject({ method: 'POST', url: `${API}/alerts/alertmanager`, headers: { authorization: `Bearer ${key}` }, payload: webhook([amAlert('checkout-1:9090')]) });
    await t.app.alertInbox.idle();
    const [group] = await ok(t, 200, 'GET', `${API}/alerts?state=open`);
    t.clock.set(at(DAY + 4 * MINUTE));
    await ok(t, 200, 'POST', `${API}/alerts/${group.id}/ack`, {}, 'alex');
    const report = await ok(t, 200, 'GET', `${API}/insights?from=${at(-DAY)}&to=${at(8 * DAY)}`);
    expect(report.durations.timeToAcknowledge).toEqual({ count: 1, medianSeconds: 240, p90Seconds: 240 });
    // Narrowed to a severity, only groups declared as one of its incidents count: this one was not declared.
    expect((await ok(t, 200, 'GET', `${API}/insights?from=${at(-DAY)}&to=${at(8 * DAY)}&severity=SEV1`)).durations.timeToAcknowledge.count).toBe(0);
  });

  it('exports the same figures as CSV', async () => {
    const res = await t.call('GET', `${API}/insights.csv?from=${at(-DAY)}&to=${at(8 * DAY)}`, undefined, { as: 'admin' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toContain('insights.csv');
    const rows = res.body.trimEnd().split('\r\n');
    expect(rows[0]).toBe('section,metric,group,value');
    expect(rows).toEqual(
      expect.arrayContaining([
        'incidents,total,all,3',
        'incidents_by_week,2026-W24,SEV2,2',
        'durations,time_to_declare,p90_seconds,720',
        'durations,time_to_acknowledge,median_seconds,',
        'update_promises,share_kept,all,0.25',
        'update_promises,kept,comms_lead:priya,1',
        'overdue_minutes,INC-2,SEV2,75',
      ]),
    );
  });

  it('counts follow-ups opened, done, dropped and overdue, per period, severity and what the reader may see', async () => {
    // Now 13 June 15:44. INC-1 (SEV1) leaves two, INC-3 (SEV2) one due today, private INC-2 (dana's) one.
    const open = async (inc: string, title: string, due: string, as = 'alex'): Promise<string> =>
      (await ok(t, 201, 'POST', `${API}/incidents/${inc}/follow-ups`, { title, owner: 'priya', due }, as)).id;
    await open('INC-1', 'Alert on checkout error rate', '2026-06-14');
    const f2 = await open('INC-1', 'Canary for payments', '2026-06-20');
    await open('INC-3', 'Index for search', '2026-06-13');
    const f4 = await open('INC-2', 'Rotate the leaked key', '2026-06-30', 'dana');
    t.clock.set('2026-06-15T10:00:00.000Z');
    await ok(t, 200, 'PATCH', `${API}/follow-ups/${f2}`, { state: 'done' }, 'priya');
    t.clock.set('2026-06-16T10:00:00.000Z');
    await ok(t, 200, 'PATCH', `${API}/follow-ups/${f4}`, { state: 'wont_do', reason: 'The key was never used' }, 'dana');
    const period = `from=${at(-DAY)}&to=2026-06-17T00:00:00.000Z`;
    // The period is still running: overdue as of now (f1 due 14 June, f3 due 13 June).
    const all = await ok(t, 200, 'GET', `${API}/insights?${period}`);
    expect(all.followUps).toEqual({ opened: 4, done: 1, wontDo: 1, overdue: 2, overdueAt: '2026-06-16T10:00:00.000Z' });
    expect((await ok(t, 200, 'GET', `${API}/insights?${period}`, undefined, 'vic')).followUps).toEqual({ opened: 3, done: 1, wontDo: 0, overdue: 2, overdueAt: '2026-06-16T10:00:00.000Z' });
    expect((await ok(t, 200, 'GET', `${API}/insights?${period}&severity=SEV1`)).followUps).toEqual({ opened: 2, done: 1, wontDo: 0, overdue: 1, overdueAt: '2026-06-16T10:00:00.000Z' });
    // 14 June alone: nothing opened or closed; at its last moment f1 is due that day (not overdue), f3 is overdue.
    const day = await ok(t, 200, 'GET', `${API}/insights?from=2026-06-14T00:00:00.000Z&to=2026-06-15T00:00:00.000Z`);
    expect(day.followUps).toEqual({ opened: 0, done: 0, wontDo: 0, overdue: 1, overdueAt: '2026-06-14T23:59:59.999Z' });
    expect(all.definitions.followUps).toContain('overdue');
    const csv = (await t.call('GET', `${API}/insights.csv?${period}`)).body.trimEnd().split('\r\n');
    expect(csv).toEqual(expect.arrayContaining(['follow_ups,opened,all,4', 'follow_ups,done,all,1', 'follow_ups,wont_do,all,1', 'follow_ups,overdue,2026-06-16T10:00:00.000Z,2']));
  });

  it('refuses a period that ends before it starts, and a time that is not one, naming the field', async () => {
    expectError(await t.call('GET', `${API}/insights?from=${at(DAY)}&to=${at(0)}`, undefined, { as: 'admin' }), 400, 'VALIDATION_FAILED', 'from');
    expectError(await t.call('GET', `${API}/insights?to=yesterday`, undefined, { as: 'admin' }), 400, 'VALIDATION_FAILED', 'to');
    expectError(await t.call('GET', `${API}/insights?week=1`, undefined, { as: 'admin' }), 400, 'VALIDATION_FAILED');
  });
});
