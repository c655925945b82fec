import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, UPDATE, declare, expectError, ok } from './helpers.js';

describe.each(STORE_KINDS)('idempotent and conditional writes over HTTP (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(kind);
    await t.person('alex');
    await t.person('priya');
  });
  afterAll(() => t.close());

  const key = (k: string) => ({ 'idempotency-key': k });

  it('Idempotency-Key: a retried declare gets the first answer, marked replayed, and opens nothing new', async () => {
    const body = { title: 'Retry me', severity: 'SEV2' };
    const first = await t.call('POST', `${API}/incidents`, body, { as: 'alex', headers: key('declare-1') });
    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const before = await ok(t, 200, 'GET', `${API}/incidents`);

    const retry = await t.call('POST', `${API}/incidents`, body, { as: 'alex', headers: key('declare-1') });
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
    expect(await ok(t, 200, 'GET', `${API}/incidents`)).toEqual(before);
  });

  it('Idempotency-Key: a retried incident write changes nothing: version and timeline stay put', async () => {
    const { id } = await declare(t, { title: 'Timeline retry', severity: 'SEV2' }, 'alex');
    const entry = { kind: 'note', text: 'Only once, please' };
    const first = await t.call('POST', `${API}/incidents/${id}/timeline`, entry, { as: 'alex', headers: key('note-1') });
    expect(first.statusCode).toBe(201);
    const incident = await ok(t, 200, 'GET', `${API}/incidents/${id}`);
    const timeline = await ok(t, 200, 'GET', `${API}/incidents/${id}/timeline`);

    t.clock.advance(60_000);
    for (let i = 0; i < 3; i++) {
      const retry = await t.call('POST', `${API}/incidents/${id}/timeline`, entry, { as: 'alex', headers: key('note-1') });
      expect(retry.statusCode).toBe(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body).toBe(first.body);
    }
    expect((await ok(t, 200, 'GET', `${API}/incidents/${id}`)).version).toBe(incident.version);
    expect(await ok(t, 200, 'GET', `${API}/incidents/${id}/timeline`)).toEqual(timeline);

    const update = await t.call('POST', `${API}/incidents/${id}/updates`, UPDATE, { as: 'alex', headers: key('update-1') });
    const again = await t.call('POST', `${API}/incidents/${id}/updates`, UPDATE, { as: 'alex', headers: key('update-1') });
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(update.json());
    expect(await ok(t, 200, 'GET', `${API}/incidents/${id}/updates`)).toHaveLength(1);
  });

  it('Idempotency-Key: the same key with a different body is 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const { id } = await declare(t, { title: 'Key reuse', severity: 'SEV3' }, 'alex');
    await ok(t, 201, 'POST', `${API}/incidents/${id}/timeline`, { kind: 'note', text: 'one' }, 'alex', key('reuse-1'));
    const version = (await ok(t, 200, 'GET', `${API}/incidents/${id}`)).version;
    expectError(await t.call('POST', `${API}/incidents/${id}/timeline`, { kind: 'note', text: 'two' }, { as: 'alex', headers: key('reuse-1') }), 422, 'IDEMPOTENCY_KEY_REUSED', 'idempotency-key');
    expectError(await t.call('POST', `${API}/incidents`, { title: 'Other', severity: 'SEV3' }, { as: 'alex', headers: key('reuse-1') }), 422, 'IDEMPOTENCY_KEY_REUSED');
    expect((await ok(t, 200, 'GET', `${API}/incidents/${id}`)).version).toBe(version);
  });

  it('Idempotency-Key: keys belong to the caller; a refused write does not burn the key; a bad key is 400', async () => {
    const { id } = await declare(t, { title: 'Per person', severity: 'SEV3' }, 'alex');
    await ok(t, 201, 'POST', `${API}/incidents/${id}/timeline`, { kind: 'note', text: 'alex' }, 'alex', key('shared-key'));
    const priya = await t.call('POST', `${API}/incidents/${id}/timeline`, { kind: 'note', text: 'priya' }, { as: 'priya', headers: key('shared-key') });
    expect(priya.statusCode).toBe(201);
    expect(priya.headers['idempotent-replayed']).toBeUndefined();

    expectError(await t.call('POST', `${API}/incidents/${id}/severity`, { severity: 'SEV3', reason: 'same' }, { as: 'alex', headers: key('sev-1') }), 409, 'SEVERITY_UNCHANGED');
    const changed = await t.call('POST', `${API}/incidents/${id}/severity`, { severity: 'SEV2', reason: 'worse' }, { as: 'alex', headers: key('sev-1') });
    expect(changed.statusCode).toBe(200);

    expectError(await t.call('POST', `${API}/incidents/${id}/timeline`, { kind: 'note', text: 'x' }, { as: 'alex', headers: key('x'.repeat(201)) }), 400, 'VALIDATION_FAILED', 'idempotency-key');
    expectError(await t.call('POST', `${API}/incidents/${id}/timeline`, { kind: 'note', text: 'x' }, { as: 'alex', headers: key('has space') }), 400, 'VALIDATION_FAILED', 'idempotency-key');
  });

  it('Idempotency-Key: two simultaneous requests with one key make one change', async () => {
    const body = { title: 'Double click', severity: 'SEV3' };
    const before = (await ok(t, 200, 'GET', `${API}/incidents`)).length;
    const [a, b] = await Promise.all([
      t.call('POST', `${API}/incidents`, body, { as: 'alex', headers: key('double-1') }),
      t.call('POST', `${API}/incidents`, body, { as: 'alex', headers: key('double-1') }),
    ]);
    expect([a!.statusCode, b!.statusCode]).toEqual([201, 201]);
    expect(a!.json()).toEqual(b!.json());
    expect((await ok(t, 200, 'GET', `${API}/incidents`)).length).toBe(before + 1);
  });

  it('If-Match: a stale version is refused with 409 VERSION_CONFLICT; the current one goes through', async () => {
    const incident = await declare(t, { title: 'Conditional', severity: 'SEV2' }, 'alex');
    const res = await t.call('GET', `${API}/incidents/${incident.id}`);
    const etag = res.headers.etag as string;
    expect(etag).toBe(`"${incident.version}"`);
    await ok(t, 201, 'POST', `${API}/incidents/${incident.id}/timeline`, { kind: 'note', text: 'someone else' }, 'priya');

    const stale = { 'if-match': etag };
    const current = (await ok(t, 200, 'GET', `${API}/incidents/${incident.id}`)).version;
    const attempts: [string, string, unknown][] = [
      ['POST', '/severity', { severity: 'SEV1', reason: 'worse' }],
      ['POST', '/roles', { role: 'comms_lead', person: 'priya' }],
      ['POST', '/smes', { person: 'priya', specialty: 'database' }],
      ['POST', '/updates', UPDATE],
      ['POST', '/resolve', { impact: 'x', whatWeKnow: 'y' }],
    ];
    for (const [method, path, body] of attempts) {
      const err = expectError(await t.call(method, `${API}/incidents/${incident.id}${path}`, body, { as: 'alex', headers: stale }), 409, 'VERSION_CONFLICT');
      expect(err.details?.currentVersion).toBe(current);
    }
    expect((await ok(t, 200, 'GET', `${API}/incidents/${incident.id}`)).version).toBe(current);

    const body = await ok(t, 200, 'POST', `${API}/incidents/${incident.id}/severity`, { severity: 'SEV1', reason: 'worse' }, 'alex', { 'if-match': `"${current}"` });
    expect(body.version).toBeGreaterThan(current);
    await ok(t, 200, 'POST', `${API}/incidents/${incident.id}/roles`, { role: 'comms_lead', person: 'priya' }, 'alex', { 'if-match': `W/"${body.version}"` });
    expectError(await t.call('POST', `${API}/incidents/${incident.id}/roles`, { role: 'scribe', person: 'priya' }, { as: 'alex', headers: { 'if-match': 'banana' } }), 400, 'VALIDATION_FAILED', 'if-match');
  });

  it('concurrency: simultaneous writes to one incident are serialized, so all land and none is lost', async () => {
    const { id } = await declare(t, { title: 'Busy', severity: 'SEV2' }, 'alex');
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => t.call('POST', `${API}/incidents/${id}/timeline`, { kind: 'note', text: `note ${i}` }, { as: i % 2 ? 'alex' : 'priya' })),
    );
    for (const r of results) expect(r.statusCode, r.body).toBe(201);
    const landed = results.filter((r) => r.statusCode === 201).map((r) => r.json().text);
    const timeline = await ok(t, 200, 'GET', `${API}/incidents/${id}/timeline?kind=note`);
    expect(timeline.map((e: { text: string }) => e.text).sort()).toEqual(landed.sort());
    expect(new Set(results.filter((r) => r.statusCode === 201).map((r) => r.json().id)).size).toBe(landed.length);
  });
});
