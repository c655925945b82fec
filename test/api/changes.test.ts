/** What changed (issue 15, item 5) over HTTP: change-event intake by source key, the list, the room's changes and the one-click hypothesis — on SQLite and PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, MINUTE, declare, expectError, ok } from './helpers.js';

describe.each(STORE_KINDS)('what changed over HTTP (%s)', (kind) => {
  let t: TestApp;
  let key: string;
  let sourceId: string;
  beforeAll(async () => {
    t = await testApp(kind, { components: [{ id: 'checkout', name: 'Checkout' }, { id: 'search', name: 'Search' }] });
    await t.person('alex');
    await t.person('vic', 'viewer');
    const source = await ok(t, 201, 'POST', `${API}/alert-sources`, { name: 'deploys', type: 'changes' });
    key = source.key;
    sourceId = source.id;
  });
  afterAll(() => t.close());

  const send = (body: unknown, headers: Record<string, string> = {}) => t.app.inject({ method: 'POST', url: `${API}/changes`, headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(body) });

  it("takes a PagerDuty change event by its routing_key and answers like PagerDuty, with the change", async () => {
    const res = await send({
      routing_key: key,
      payload: { summary: 'Deployed checkout-api v2.14.0', timestamp: '2026-06-06T13:40:00+00:00', source: 'argocd', custom_details: { build: 812 } },
      links: [{ href: 'https://ci.example.com/812', text: 'Build 812' }],
      kind: 'deploy',
      components: ['checkout'],
    });
    expect(res.statusCode, res.body).toBe(202);
    const body = res.json();
    expect(body).toMatchObject({ status: 'success', message: 'Change event processed' });
    expect(body.change).toEqual({
      id: expect.stringMatching(/^chg_[0-9a-f]{16}$/),
      summary: 'Deployed checkout-api v2.14.0',
      at: '2026-06-06T13:40:00.000Z',
      kind: 'deploy',
      source: 'argocd',
      components: ['checkout'],
      links: [{ href: 'https://ci.example.com/812', text: 'Build 812' }],
      customDetails: { build: 812 },
      sentBy: { source: sourceId, person: null },
      receivedAt: t.clock.now().toISOString(),
    });
  });

  it('takes the key as X-Routing-Key or as the bearer token; refuses an alert source key and an unknown key, naming where it was', async () => {
    expect((await send({ payload: { summary: 'Flag checkout-v2 on' }, kind: 'feature-flag' }, { 'x-routing-key': key })).statusCode).toBe(202);
    expect((await send({ payload: { summary: 'Config push' }, kind: 'config' }, { authorization: `Bearer ${key}` })).statusCode).toBe(202);
    const events = await ok(t, 201, 'POST', `${API}/alert-sources`, { name: 'pd', type: 'events' });
    expectError(await send({ routing_key: events.key, payload: { summary: 'x' } }), 401, 'UNAUTHENTICATED', 'routing_key');
    expectError(await send({ payload: { summary: 'x' } }, { 'x-routing-key': 'nope' }), 401, 'UNAUTHENTICATED', 'x-routing-key');
    expectError(await send({ payload: { summary: 'x' } }), 401, 'UNAUTHENTICATED');
  });

  it('a rotated key keeps working through its overlap, and the new one at once', async () => {
    const rotated = await ok(t, 200, 'POST', `${API}/alert-sources/${sourceId}/rotate-key`, {});
    expect((await send({ routing_key: key, payload: { summary: 'old key still' } })).statusCode).toBe(202);
    expect((await send({ routing_key: rotated.key, payload: { summary: 'new key' } })).statusCode).toBe(202);
    t.clock.advance(25 * 60 * MINUTE);
    expectError(await send({ routing_key: key, payload: { summary: 'old key, too late' } }), 401, 'UNAUTHENTICATED', 'routing_key');
    t.clock.advance(-25 * 60 * MINUTE);
    key = rotated.key;
  });

  it('bad input is a 400 naming the field', async () => {
    expectError(await send({ routing_key: key }), 400, 'VALIDATION_FAILED', 'payload');
    expectError(await send({ routing_key: key, payload: { summary: '' } }), 400, 'VALIDATION_FAILED', 'payload.summary');
    expectError(await send({ routing_key: key, payload: { summary: '   ' } }), 400, 'VALIDATION_FAILED', 'payload.summary');
    expectError(await send({ routing_key: key, payload: { summary: 'x'.repeat(1025) } }), 400, 'VALIDATION_FAILED', 'payload.summary');
    expectError(await send({ routing_key: key, payload: { summary: 'x', timestamp: 'yesterday' } }), 400, 'VALIDATION_FAILED', 'payload.timestamp');
    expectError(await send({ routing_key: key, payload: { summary: 'x', timestamp: '2026-06-06T16:00:00Z' } }), 400, 'VALIDATION_FAILED', 'payload.timestamp');
    expectError(await send({ routing_key: key, payload: { summary: 'x' }, kind: 'rollout' }), 400, 'VALIDATION_FAILED', 'kind');
    expectError(await send({ routing_key: key, payload: { summary: 'x' }, components: ['Not A Component'] }), 400, 'VALIDATION_FAILED', 'components[0]');
    expectError(await send({ routing_key: key, payload: { summary: 'x' }, links: [{ href: 'javascript:alert(1)' }] }), 400, 'VALIDATION_FAILED', 'links[0].href');
  });

  it('is idempotent: a retry with the same Idempotency-Key or dedup_key is the same change; the same key for another event is refused', async () => {
    const event = { routing_key: key, payload: { summary: 'Nightly reconciliation batch started', source: 'cron@batch-01' }, kind: 'batch-job' };
    const first = (await send(event, { 'idempotency-key': 'batch-2026-06-06' })).json();
    t.clock.advance(MINUTE);
    const again = (await send(event, { 'idempotency-key': 'batch-2026-06-06' })).json();
    expect(again.change).toEqual(first.change);
    const byDedup = (await send({ ...event, dedup_key: 'recon-1' })).json();
    expect((await send({ ...event, dedup_key: 'recon-1' })).json().change.id).toBe(byDedup.change.id);
    expectError(await send({ ...event, payload: { summary: 'Another batch' } }, { 'idempotency-key': 'batch-2026-06-06' }), 422, 'IDEMPOTENCY_KEY_REUSED', 'idempotency-key');
    expectError(await send({ ...event, payload: { summary: 'Another batch' }, dedup_key: 'recon-1' }), 422, 'IDEMPOTENCY_KEY_REUSED', 'dedup_key');
    t.clock.advance(-MINUTE);
  });

  it('a person records a change with their token; a viewer may not, but may read', async () => {
    const res = await t.call('POST', `${API}/changes`, { payload: { summary: 'Raised the payments pool to 80' }, kind: 'config', components: ['checkout'] }, { as: 'alex' });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json().change.sentBy).toEqual({ source: null, person: 'alex' });
    expectError(await t.call('POST', `${API}/changes`, { payload: { summary: 'x' } }, { as: 'vic' }), 403, 'FORBIDDEN');
    expect((await t.call('GET', `${API}/changes`, undefined, { as: 'vic' })).statusCode).toBe(200);
  });

  it('lists changes newest first, filtered by from/to/component/kind, paged with x-next-cursor', async () => {
    const all = await ok(t, 200, 'GET', `${API}/changes`);
    expect(all.length).toBeGreaterThan(5);
    expect([...all].sort((a: { at: string }, b: { at: string }) => b.at.localeCompare(a.at)).map((c: { id: string }) => c.id)).toEqual(all.map((c: { id: string }) => c.id));
    const deploys = await ok(t, 200, 'GET', `${API}/changes?kind=deploy`);
    expect(deploys.map((c: { summary: string }) => c.summary)).toEqual(['Deployed checkout-api v2.14.0']);
    const onCheckout = await ok(t, 200, 'GET', `${API}/changes?component=checkout`);
    expect(onCheckout.map((c: { summary: string }) => c.summary).sort()).toEqual(['Deployed checkout-api v2.14.0', 'Raised the payments pool to 80']);
    const early = await ok(t, 200, 'GET', `${API}/changes?to=2026-06-06T14:00:00Z`);
    expect(early.map((c: { summary: string }) => c.summary)).toEqual(['Deployed checkout-api v2.14.0']);
    expect((await ok(t, 200, 'GET', `${API}/changes?from=2026-06-06T14:00:00Z`)).length).toBe(all.length - 1);
    expectError(await t.call('GET', `${API}/changes?from=2026-06-06T15:00:00Z&to=2026-06-06T14:00:00Z`), 400, 'VALIDATION_FAILED', 'from');
    expectError(await t.call('GET', `${API}/changes?kind=rollout`), 400, 'VALIDATION_FAILED', 'kind');
    const seen: string[] = [];
    let url: string | null = `${API}/changes?limit=2`;
    for (let pages = 0; url && pages < 20; pages++) {
      const res = await t.call('GET', url);
      seen.push(...res.json().map((c: { id: string }) => c.id));
      const cursor = res.headers['x-next-cursor'];
      url = cursor ? `${API}/changes?limit=2&cursor=${cursor}` : null;
    }
    expect(seen).toEqual(all.map((c: { id: string }) => c.id));
  });

  it("the room's changes: the hour before startedAt and since, the incident's components first; one click suspects a change, once", async () => {
    const before = (await send({ routing_key: key, payload: { summary: 'Search reindex', timestamp: '2026-06-06T12:50:00Z' }, components: ['search'] })).json().change;
    const incident = await declare(t, { title: 'Checkout errors', severity: 'SEV2', startedAt: '2026-06-06T14:00:00Z', components: ['checkout'] }, 'alex');
    const room = await ok(t, 200, 'GET', `${API}/incidents/${incident.id}/changes`, undefined, 'vic');
    expect(room).toMatchObject({ incident: incident.id, from: '2026-06-06T13:00:00.000Z', to: t.clock.now().toISOString() });
    const ids = room.changes.map((c: { id: string }) => c.id);
    expect(ids).not.toContain(before.id);
    expect(room.changes.slice(0, 2).map((c: { summary: string; touchesIncident: boolean; when: string }) => [c.summary, c.touchesIncident, c.when])).toEqual([
      ['Raised the payments pool to 80', true, 'during'],
      ['Deployed checkout-api v2.14.0', true, 'before'],
    ]);
    expect(room.changes.slice(2).every((c: { touchesIncident: boolean }) => !c.touchesIncident)).toBe(true);
    const deploy = room.changes[1];
    expect(deploy.hypothesis).toBeNull();

    const url = `${API}/incidents/${incident.id}/changes/${deploy.id}/hypothesis`;
    const entry = await ok(t, 201, 'POST', url, undefined, 'alex');
    expect(entry).toMatchObject({ kind: 'hypothesis', change: deploy.id, actor: 'alex', text: 'Suspect deploy at 13:40 UTC on checkout, from argocd: Deployed checkout-api v2.14.0' });
    expect(await ok(t, 200, 'POST', url, undefined, 'alex')).toMatchObject({ id: entry.id });
    const hypotheses = await ok(t, 200, 'GET', `${API}/incidents/${incident.id}/timeline?kind=hypothesis`);
    expect(hypotheses.map((e: { id: number }) => e.id)).toEqual([entry.id]);
    expect((await ok(t, 200, 'GET', `${API}/incidents/${incident.id}/changes`)).changes[1].hypothesis).toBe(entry.id);

    expectError(await t.call('POST', url, undefined, { as: 'vic' }), 403, 'FORBIDDEN');
    expectError(await t.call('POST', `${API}/incidents/${incident.id}/changes/chg_0000000000000000/hypothesis`), 404, 'CHANGE_NOT_FOUND', 'changeId');
    expectError(await t.call('POST', `${API}/incidents/${incident.id}/changes/deploy-1/hypothesis`), 400, 'VALIDATION_FAILED', 'changeId');
    expectError(await t.call('GET', `${API}/incidents/INC-999/changes`), 404, 'INCIDENT_NOT_FOUND');
  });
});
