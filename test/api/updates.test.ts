import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, UPDATE, declare, expectError, ok } from './helpers.js';

describe.each(STORE_KINDS)('R7 status updates over HTTP (%s)', (kind) => {
  let t: TestApp;
  let id: string;
  beforeAll(async () => {
    t = await testApp(kind);
    await t.person('alex');
    await t.person('priya');
    id = (await declare(t, { title: 'Checkout errors', severity: 'SEV2' }, 'alex')).id;
  });
  afterAll(() => t.close());

  it('R7: every field is required; a missing one is a 400 naming it', async () => {
    for (const field of ['status', 'impact', 'whatWeKnow', 'nextStep'] as const) {
      const body: Record<string, string> = { ...UPDATE };
      delete body[field];
      expectError(await t.call('POST', `${API}/incidents/${id}/updates`, body, { as: 'priya' }), 400, 'VALIDATION_FAILED', field);
      expectError(await t.call('POST', `${API}/incidents/${id}/updates`, { ...UPDATE, [field]: '' }, { as: 'priya' }), 400, 'VALIDATION_FAILED', field);
    }
    expectError(await t.call('POST', `${API}/incidents/${id}/updates`, { ...UPDATE, whatWeKnow: '   ' }, { as: 'priya' }), 400, 'VALIDATION_FAILED', 'whatWeKnow');
    expectError(await t.call('POST', `${API}/incidents/${id}/updates`, { ...UPDATE, status: 'on-fire' }, { as: 'priya' }), 400, 'VALIDATION_FAILED', 'status');
    expectError(await t.call('POST', `${API}/incidents/${id}/updates`, { ...UPDATE, audience: 'everyone' }, { as: 'priya' }), 400, 'VALIDATION_FAILED', 'audience');
    expectError(await t.call('POST', `${API}/incidents/${id}/updates`, { ...UPDATE, status: 'resolved' }, { as: 'priya' }), 400, 'USE_RESOLVE', 'status');
    expect(await ok(t, 200, 'GET', `${API}/incidents/${id}/updates`)).toEqual([]);
  });

  it('R7: a nextUpdateBy in the past (or now) is refused with NEXT_UPDATE_IN_PAST', async () => {
    expectError(await t.call('POST', `${API}/incidents/${id}/updates`, { ...UPDATE, nextUpdateBy: '2026-06-06T14:00:00Z' }, { as: 'priya' }), 400, 'NEXT_UPDATE_IN_PAST', 'nextUpdateBy');
    expectError(await t.call('POST', `${API}/incidents/${id}/updates`, { ...UPDATE, nextUpdateBy: '2026-06-06T14:14:00Z' }, { as: 'priya' }), 400, 'NEXT_UPDATE_IN_PAST', 'nextUpdateBy');
    expectError(await t.call('POST', `${API}/incidents/${id}/updates`, { ...UPDATE, nextUpdateBy: 'soon' }, { as: 'priya' }), 400, 'VALIDATION_FAILED', 'nextUpdateBy');
  });

  it('R7: nextUpdateBy defaults to now + the severity cadence; the markdown has the template shape', async () => {
    t.clock.set('2026-06-06T14:32:00.000Z');
    const res = await t.call('POST', `${API}/incidents/${id}/updates`, { ...UPDATE, status: 'investigating' }, { as: 'priya' });
    expect(res.statusCode, res.body).toBe(201);
    const update = res.json();
    expect(update).toMatchObject({
      incident: id,
      status: 'investigating',
      impact: UPDATE.impact,
      whatWeKnow: UPDATE.whatWeKnow,
      nextStep: UPDATE.nextStep,
      nextUpdateBy: '2026-06-06T15:32:00.000Z',
      audience: 'public',
      severity: 'SEV2',
      final: false,
      postedAt: '2026-06-06T14:32:00.000Z',
      postedBy: 'priya',
      warnings: [],
    });
    expect(update.markdown).toBe(
      [
        '**[SEV2] Checkout errors, UPDATE 14:32 UTC**',
        'Status: Investigating',
        `Impact: ${UPDATE.impact}`,
        'What we know:',
        UPDATE.whatWeKnow,
        `Next step: ${UPDATE.nextStep}`,
        'Next update: by 15:32 UTC (or sooner if status changes).',
        '',
      ].join('\n'),
    );
    expect(update.text.split('\n')[0]).toBe('[SEV2] Checkout errors, UPDATE 14:32 UTC');
  });

  it('R7: a nextUpdateBy beyond the cadence is accepted with a warning', async () => {
    t.clock.set('2026-06-06T14:40:00.000Z');
    const update = await ok(t, 201, 'POST', `${API}/incidents/${id}/updates`, { ...UPDATE, nextUpdateBy: '2026-06-06T16:00:00Z' }, 'priya');
    expect(update.nextUpdateBy).toBe('2026-06-06T16:00:00.000Z');
    expect(update.warnings.map((w: { code: string }) => w.code)).toEqual(['NEXT_UPDATE_BEYOND_CADENCE']);
    const within = await ok(t, 201, 'POST', `${API}/incidents/${id}/updates`, { ...UPDATE, nextUpdateBy: '2026-06-06T15:00:00+00:00', audience: 'internal' }, 'priya');
    expect(within).toMatchObject({ nextUpdateBy: '2026-06-06T15:00:00.000Z', audience: 'internal', warnings: [] });
    expect(within.markdown).toContain('Next update: by 15:00 UTC (or sooner if status changes).');
  });

  it('R7: the incident shows the last update, the promised time and the status', async () => {
    const incident = await ok(t, 200, 'GET', `${API}/incidents/${id}`);
    expect(incident.status).toBe('identified');
    expect(incident.nextUpdateBy).toBe('2026-06-06T15:00:00.000Z');
    expect(incident.lastUpdate).toMatchObject({ status: 'identified', audience: 'internal', nextUpdateBy: '2026-06-06T15:00:00.000Z', postedBy: 'priya' });
    expect(incident.overdue).toBe(false);
    const updates = await ok(t, 200, 'GET', `${API}/incidents/${id}/updates`);
    expect(updates.map((u: { status: string; postedAt: string }) => [u.status, u.postedAt])).toEqual([
      ['investigating', '2026-06-06T14:32:00.000Z'],
      ['identified', '2026-06-06T14:40:00.000Z'],
      ['identified', '2026-06-06T14:40:00.000Z'],
    ]);
    const timeline = await ok(t, 200, 'GET', `${API}/incidents/${id}/timeline?kind=update_posted,status_changed`);
    expect(timeline.map((e: { kind: string }) => e.kind)).toEqual(['update_posted', 'update_posted', 'status_changed', 'update_posted']);
    expect(timeline[2].text).toBe('Status Investigating → Identified.');
  });

  it('R8: once nextUpdateBy passes the incident is overdue and ?overdue=true lists it', async () => {
    const other = await declare(t, { title: 'Not overdue', severity: 'SEV3' }, 'alex');
    t.clock.set('2026-06-06T15:00:00.000Z');
    expect((await ok(t, 200, 'GET', `${API}/incidents/${id}`)).overdue).toBe(false);
    t.clock.advance(1000);
    const incident = await ok(t, 200, 'GET', `${API}/incidents/${id}`);
    expect(incident).toMatchObject({ overdue: true, overdueSince: '2026-06-06T15:00:00.000Z' });
    const overdue = await ok(t, 200, 'GET', `${API}/incidents?overdue=true`);
    expect(overdue.map((i: { id: string }) => i.id)).toEqual([id]);
    const notOverdue = await ok(t, 200, 'GET', `${API}/incidents?overdue=false`);
    expect(notOverdue.map((i: { id: string }) => i.id)).toEqual([other.id]);

    // A new update clears it.
    await ok(t, 201, 'POST', `${API}/incidents/${id}/updates`, UPDATE, 'priya');
    expect((await ok(t, 200, 'GET', `${API}/incidents/${id}`)).overdue).toBe(false);
    expect(await ok(t, 200, 'GET', `${API}/incidents?overdue=true`)).toEqual([]);
  });

  it('R8: the first update is owed within firstUpdateWithin of declaring (SEV1: 10 minutes)', async () => {
    t.clock.set('2026-06-06T16:21:00.000Z');
    const sev1 = await declare(t, { title: 'Silence', severity: 'SEV1' }, 'alex');
    expect(sev1.nextUpdateBy).toBe('2026-06-06T16:31:00.000Z');
    t.clock.set('2026-06-06T16:31:01.000Z');
    const overdue = await ok(t, 200, 'GET', `${API}/incidents?overdue=true&severity=SEV1`);
    expect(overdue.map((i: { id: string }) => i.id)).toEqual([sev1.id]);
  });

  it('R7: SEV3 has no cadence: no nextUpdateBy by default, and the audience defaults to internal', async () => {
    const sev3 = await declare(t, { title: 'Minor', severity: 'SEV3' }, 'alex');
    const update = await ok(t, 201, 'POST', `${API}/incidents/${sev3.id}/updates`, UPDATE, 'alex');
    expect(update).toMatchObject({ nextUpdateBy: null, audience: 'internal', warnings: [] });
    expect(update.markdown).toContain('Next update: at resolution (or sooner if status changes).');
    const later = await ok(t, 201, 'POST', `${API}/incidents/${sev3.id}/updates`, { ...UPDATE, nextUpdateBy: '2026-06-07T09:00:00Z' }, 'alex');
    expect(later).toMatchObject({ nextUpdateBy: '2026-06-07T09:00:00.000Z', warnings: [] });
  });

  it('R7: a private incident’s updates default to internal', async () => {
    const secret = await declare(t, { title: 'Secret', severity: 'SEV1', private: true }, 'alex');
    const update = await ok(t, 201, 'POST', `${API}/incidents/${secret.id}/updates`, UPDATE, 'alex');
    expect(update.audience).toBe('internal');
    expect(update.nextUpdateBy).toBe('2026-06-06T17:01:01.000Z');
  });
});
