/**
 * Outbound webhooks on both stores, driven in-process with the test clock (`tick()`):
 * subscriptions, signed deliveries to a real local receiver, retries with backoff and the
 * delivery log, redelivery, private incidents, and exactly-once fan-out across processors
 * and a reopened store. Each test subscribes its own receiver path and looks only at it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, UPDATE, declare, expectError, ok } from '../api/helpers.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { NotificationProcessor, type AttemptOutcome } from '../../src/processors/notifications/processor.js';
import { httpWebhookSender } from '../../src/integrations/webhook.js';
import { WebhookTargets } from '../../src/integrations/webhook-targets.js';
import { Store } from '../../src/store/store.js';

const T = '2026-06-06T14:14:00.000Z';
const BACKOFF = 10_000;

describe.each(STORE_KINDS)('Outbound webhooks (%s)', (kind) => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  const processor = (store: Store = t.store, maxAttempts = 4) =>
    new NotificationProcessor({ store, config: t.config, clock: t.clock, webhooks: httpWebhookSender({ timeoutMs: 2_000, targets: new WebhookTargets(['127.0.0.1']) }), backoffMs: BACKOFF, maxAttempts });
  /** A webhook to the receiver's path `name`, whose secret the receiver then checks signatures with. */
  const subscribe = async (name: string, events: string[], extra: Record<string, unknown> = {}) => {
    const created = (await ok(t, 201, 'POST', `${API}/webhooks`, { url: receiver.url(name), events, ...extra })) as { id: string; secret: string };
    receiver.secrets.set(`/hook/${name}`, created.secret);
    return created;
  };
  const deliveries = (id: string) =>
    ok(t, 200, 'GET', `${API}/webhooks/${id}/deliveries`) as Promise<
      { id: string; messageId: string; type: string; status: string; nextAttemptAt: string | null; attempts: { attempt: number; statusCode: number | null; error: string | null }[] }[]
    >;
  const of = (outcomes: AttemptOutcome[], hook: { id: string }) => outcomes.filter((o) => o.delivery.webhookId === hook.id);

  beforeAll(async () => {
    t = await testApp(kind);
    receiver = await new WebhookReceiver().start();
    await t.person('rhea', 'responder');
  });
  beforeEach(() => t.clock.set(T));
  afterAll(async () => {
    await receiver.stop();
    await t.close();
  });

  it('subscribing is for admins, names known event types and an http(s) URL, and answers the whsec_ secret once', async () => {
    expectError(await t.call('POST', `${API}/webhooks`, { url: receiver.url('x'), events: ['incident.declared'] }, { as: 'rhea' }), 403, 'FORBIDDEN');
    expectError(await t.call('POST', `${API}/webhooks`, { url: 'ftp://example.com/x', events: ['incident.declared'] }), 400, 'VALIDATION_FAILED', 'url');
    expectError(await t.call('POST', `${API}/webhooks`, { url: receiver.url('x'), events: ['incident.exploded'] }), 400, 'VALIDATION_FAILED');
    expectError(await t.call('POST', `${API}/webhooks`, { url: receiver.url('x'), events: [] }), 400, 'VALIDATION_FAILED');
    const headers = { 'idempotency-key': 'hook-1' };
    const body = { url: receiver.url('unused'), events: ['incident.postmortem_owed'] };
    const first = await ok(t, 201, 'POST', `${API}/webhooks`, body, 'admin', headers);
    expect(first.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{32}$/);
    expect(await ok(t, 201, 'POST', `${API}/webhooks`, body, 'admin', headers)).toEqual({ ...first, secret: null });
    const listed = await ok(t, 200, 'GET', `${API}/webhooks`);
    expect(listed).toContainEqual({ id: first.id, url: body.url, events: body.events, includePrivate: false, enabled: true, createdBy: 'admin', createdAt: T });
    expect(JSON.stringify(listed)).not.toContain('whsec_');
    expectError(await t.call('GET', `${API}/webhooks`, undefined, { as: 'rhea' }), 403, 'FORBIDDEN');
    expectError(await t.call('GET', `${API}/webhooks/wh_0000000000000000/deliveries`), 404, 'WEBHOOK_NOT_FOUND');
  });

  it('an event is delivered once per subscription, signed per Standard Webhooks, with the presented incident', async () => {
    const hook = await subscribe('basic', ['incident.declared', 'incident.update_posted']);
    const incident = await declare(t, { title: 'Checkout errors', severity: 'SEV2' });
    await ok(t, 201, 'POST', `${API}/incidents/${incident.id}/updates`, UPDATE);
    expect(of(await processor().tick(), hook).map((o) => o.statusCode)).toEqual([204, 204]);
    // Sent concurrently: put them back in event order.
    const got = receiver.on('basic').sort((a, b) => (a.body.data.event as { sequence: number }).sequence - (b.body.data.event as { sequence: number }).sequence);
    expect(got.map((r) => r.body.type)).toEqual(['incident.declared', 'incident.update_posted']);
    expect(got.every((r) => r.signatureValid)).toBe(true);
    expect(got[0]!.body.timestamp).toBe(T);
    expect(got[0]!.body.data.incident).toMatchObject({ id: incident.id, title: 'Checkout errors', severity: 'SEV2', state: 'open' });
    expect(got[0]!.body.data.event).toMatchObject({ kind: 'IncidentDeclared', actor: 'admin', sequence: 1 });
    expect(got[1]!.body.data.update).toMatchObject({ impact: UPDATE.impact, status: 'identified' });
    expect(got[0]!.id).toMatch(new RegExp(`^msg_\\d+_${hook.id}$`));
    expect(Math.abs(got[0]!.timestamp - Date.parse(T) / 1000)).toBeLessThan(5);
    // A second pass finds nothing more to do.
    expect(of(await processor().tick(), hook)).toEqual([]);
    expect(receiver.on('basic')).toHaveLength(2);
    const log = await deliveries(hook.id);
    expect(log.map((d) => [d.type, d.status, d.attempts.map((a) => a.statusCode)])).toEqual([
      ['incident.update_posted', 'delivered', [204]],
      ['incident.declared', 'delivered', [204]],
    ]);
  });

  it('a failing receiver is retried with exponential backoff, each attempt in the log; attempts are bounded; redelivery sends again', async () => {
    const hook = await subscribe('flaky', ['incident.severity_changed']);
    const incident = await declare(t, { title: 'Search slow', severity: 'SEV3' });
    await ok(t, 200, 'POST', `${API}/incidents/${incident.id}/severity`, { severity: 'SEV2', reason: 'More users affected.' });
    receiver.failures.set('/hook/flaky', 2);
    const p = processor(t.store, 3);
    expect(of(await p.tick(), hook).map((o) => [o.statusCode, o.retryAt])).toEqual([[500, new Date(Date.parse(T) + BACKOFF).toISOString()]]);
    expect(of(await p.tick(), hook)).toEqual([]); // not due yet
    t.clock.advance(BACKOFF);
    expect(of(await p.tick(), hook).map((o) => [o.statusCode, o.retryAt])).toEqual([[500, new Date(Date.parse(T) + 3 * BACKOFF).toISOString()]]);
    t.clock.advance(2 * BACKOFF);
    expect(of(await p.tick(), hook).map((o) => o.statusCode)).toEqual([204]);
    const [delivery] = await deliveries(hook.id);
    expect(delivery).toMatchObject({ type: 'incident.severity_changed', status: 'delivered', nextAttemptAt: null });
    expect(delivery!.attempts.map((a) => [a.attempt, a.statusCode, a.error])).toEqual([
      [1, 500, 'HTTP 500'],
      [2, 500, 'HTTP 500'],
      [3, 204, null],
    ]);
    // Every attempt carried the same webhook-id, each validly signed.
    expect(receiver.on('flaky').map((r) => r.id)).toEqual([delivery!.messageId, delivery!.messageId, delivery!.messageId]);
    expect(receiver.on('flaky').every((r) => r.signatureValid)).toBe(true);

    // Always failing: three attempts, then failed, and no more.
    await ok(t, 200, 'POST', `${API}/incidents/${incident.id}/severity`, { severity: 'SEV1', reason: 'Revenue stopped.' });
    receiver.failures.set('/hook/flaky', 100);
    for (let i = 0; i < 5; i++) {
      await p.tick();
      t.clock.advance(10 * BACKOFF);
    }
    const [failed] = await deliveries(hook.id);
    expect(failed).toMatchObject({ status: 'failed', nextAttemptAt: null });
    expect(failed!.attempts.map((a) => a.statusCode)).toEqual([500, 500, 500]);

    // Redelivery: attempted once more, now, and logged.
    receiver.failures.set('/hook/flaky', 0);
    expectError(await t.call('POST', `${API}/webhooks/${hook.id}/deliveries/999999/redeliver`), 404, 'DELIVERY_NOT_FOUND');
    expectError(await t.call('POST', `${API}/webhooks/${hook.id}/deliveries/${failed!.id}/redeliver`, undefined, { as: 'rhea' }), 403, 'FORBIDDEN');
    expect(await ok(t, 202, 'POST', `${API}/webhooks/${hook.id}/deliveries/${failed!.id}/redeliver`)).toMatchObject({ id: failed!.id, status: 'pending' });
    expect(of(await p.tick(), hook).map((o) => o.statusCode)).toEqual([204]);
    const [redelivered] = await deliveries(hook.id);
    expect(redelivered).toMatchObject({ status: 'delivered' });
    expect(redelivered!.attempts.map((a) => a.statusCode)).toEqual([500, 500, 500, 204]);
  });

  it('an admin switches a webhook off and on: nothing is queued while off, a pending retry waits, and goes at once when on again', async () => {
    const hook = await subscribe('switch', ['incident.declared', 'incident.severity_changed']);
    expectError(await t.call('PATCH', `${API}/webhooks/${hook.id}`, { enabled: false }, { as: 'rhea' }), 403, 'FORBIDDEN');
    expectError(await t.call('PATCH', `${API}/webhooks/${hook.id}`, { enabled: 'no' }), 400, 'VALIDATION_FAILED', 'enabled');
    expectError(await t.call('PATCH', `${API}/webhooks/wh_0000000000000000`, { enabled: false }), 404, 'WEBHOOK_NOT_FOUND', 'id');
    const incident = await declare(t, { title: 'Switch off', severity: 'SEV3' });
    receiver.failures.set('/hook/switch', 1);
    const p = processor();
    expect(of(await p.tick(), hook).map((o) => o.statusCode)).toEqual([500]);

    const off = await ok(t, 200, 'PATCH', `${API}/webhooks/${hook.id}`, { enabled: false });
    expect(off).toMatchObject({ id: hook.id, enabled: false });
    // Switching off what is off changes nothing.
    expect(await ok(t, 200, 'PATCH', `${API}/webhooks/${hook.id}`, { enabled: false })).toEqual(off);
    expect((await ok(t, 200, 'GET', `${API}/webhooks`)).find((w: { id: string }) => w.id === hook.id)).toMatchObject({ enabled: false });
    await ok(t, 200, 'POST', `${API}/incidents/${incident.id}/severity`, { severity: 'SEV2', reason: 'More users affected.' });
    t.clock.advance(10 * BACKOFF);
    expect(of(await p.tick(), hook)).toEqual([]);
    expect(receiver.on('switch')).toHaveLength(1);
    expect((await deliveries(hook.id)).map((d) => [d.type, d.status, d.nextAttemptAt])).toEqual([['incident.declared', 'pending', null]]);

    await ok(t, 200, 'PATCH', `${API}/webhooks/${hook.id}`, { enabled: true });
    expect(of(await p.tick(), hook).map((o) => o.statusCode)).toEqual([204]);
    expect(receiver.on('switch').map((r) => r.body.type)).toEqual(['incident.declared', 'incident.declared']);
    const [delivery] = await deliveries(hook.id);
    expect(delivery).toMatchObject({ status: 'delivered' });
    expect(delivery!.attempts.map((a) => a.statusCode)).toEqual([500, 204]);

    // Switched off between being claimed and being sent: not sent, no attempt counted; it waits.
    await ok(t, 200, 'POST', `${API}/incidents/${incident.id}/severity`, { severity: 'SEV1', reason: 'Revenue stopped.' });
    await p.fanOut();
    const [claimed] = (await t.store.webhooks.claimDue(t.clock.now().toISOString(), new Date(t.clock.now().getTime() + 60_000).toISOString(), 50)).filter(
      (d) => d.webhookId === hook.id,
    );
    await ok(t, 200, 'PATCH', `${API}/webhooks/${hook.id}`, { enabled: false });
    expect(await p.attempt(claimed!)).toMatchObject({ statusCode: null, error: 'the webhook is switched off', retryAt: null });
    expect((await deliveries(hook.id))[0]).toMatchObject({ type: 'incident.severity_changed', status: 'pending', nextAttemptAt: null, attempts: [] });
    expect(receiver.on('switch')).toHaveLength(2);
  });

  it('an admin deletes a webhook with its log: nothing more is sent to it; a retry with the same Idempotency-Key gets the same answer', async () => {
    const hook = await subscribe('gone', ['incident.declared']);
    await declare(t, { title: 'Going away', severity: 'SEV3' });
    receiver.failures.set('/hook/gone', 1);
    const p = processor();
    expect(of(await p.tick(), hook).map((o) => o.statusCode)).toEqual([500]);
    expectError(await t.call('DELETE', `${API}/webhooks/${hook.id}`, undefined, { as: 'rhea' }), 403, 'FORBIDDEN');
    const headers = { 'idempotency-key': `delete-${hook.id}` };
    const deleted = await t.call('DELETE', `${API}/webhooks/${hook.id}`, undefined, { headers });
    expect(deleted.statusCode, deleted.body).toBe(204);
    expect(deleted.body).toBe('');
    const replayed = await t.call('DELETE', `${API}/webhooks/${hook.id}`, undefined, { headers });
    expect([replayed.statusCode, replayed.headers['idempotent-replayed']]).toEqual([204, 'true']);
    expectError(await t.call('DELETE', `${API}/webhooks/${hook.id}`), 404, 'WEBHOOK_NOT_FOUND', 'id');
    expectError(await t.call('GET', `${API}/webhooks/${hook.id}/deliveries`), 404, 'WEBHOOK_NOT_FOUND');
    expect((await ok(t, 200, 'GET', `${API}/webhooks`)).map((w: { id: string }) => w.id)).not.toContain(hook.id);
    t.clock.advance(10 * BACKOFF);
    expect(of(await p.tick(), hook)).toEqual([]);
    expect(receiver.on('gone')).toHaveLength(1);
  });

  it('a receiver that cannot be reached is an attempt with an error, retried later', async () => {
    // Nothing listens on port 9 (discard) of 127.0.0.1: the connection is refused.
    const hook = (await ok(t, 201, 'POST', `${API}/webhooks`, { url: 'http://127.0.0.1:9/hook', events: ['incident.resolved'] })) as { id: string };
    const incident = await declare(t, { title: 'Queue stuck', severity: 'SEV3' });
    await ok(t, 200, 'POST', `${API}/incidents/${incident.id}/resolve`, { impact: 'Delayed e-mails.', whatWeKnow: 'A stuck consumer.' });
    const [outcome] = of(await processor().tick(), hook);
    expect(outcome).toMatchObject({ statusCode: null, retryAt: new Date(Date.parse(T) + BACKOFF).toISOString() });
    expect(outcome!.error).toBeTruthy();
    const [delivery] = await deliveries(hook.id);
    expect(delivery).toMatchObject({ status: 'pending', attempts: [{ attempt: 1, statusCode: null, error: outcome!.error }] });
  });

  it('private incidents reach only subscriptions that opted in (includePrivate) and whose creator may see them', async () => {
    const plain = await subscribe('public-only', ['incident.declared']);
    const opted = await subscribe('with-private', ['incident.declared'], { includePrivate: true });
    const incident = await declare(t, { title: 'Credential leak', severity: 'SEV2', private: true });
    await processor().tick();
    expect(receiver.on('with-private').map((r) => r.body.data.incident)).toEqual([expect.objectContaining({ id: incident.id, private: true })]);
    expect(receiver.on('public-only')).toEqual([]);
    expect(JSON.stringify(await deliveries(plain.id))).not.toContain('Credential leak');
    expect(await deliveries(opted.id)).toHaveLength(1);
  });

  it('exactly once: concurrent processors and a reopened store never deliver an event twice', async () => {
    const hook = await subscribe('once', ['incident.declared', 'incident.resolved']);
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push((await declare(t, { title: `Batch ${i}`, severity: 'SEV3' })).id as string);
    // Two processors (as two instances would) race over the same outbox.
    await Promise.all([processor().tick(), processor().tick()]);
    // A restart: a second store on the same database, a new processor.
    const reopened = await Store.open({ databaseUrl: t.db.env.DATABASE_URL, dataDir: t.db.dataDir });
    try {
      expect(of(await processor(reopened).tick(), hook)).toEqual([]);
      await ok(t, 200, 'POST', `${API}/incidents/${ids[0]}/resolve`, { impact: 'None left.', whatWeKnow: 'Batch test.' });
      // PostgreSQL: both at once, as two instances. SQLite serves one instance: one after the other.
      if (kind === 'postgres') await Promise.all([processor(reopened).tick(), processor().tick()]);
      else for (const store of [reopened, t.store]) await processor(store).tick();
    } finally {
      await reopened.close();
    }
    const got = receiver.on('once');
    expect(got).toHaveLength(9);
    expect(new Set(got.map((r) => r.id)).size).toBe(9);
    expect(got.every((r) => r.signatureValid)).toBe(true);
    const log = await deliveries(hook.id);
    expect(log).toHaveLength(9);
    expect(log.every((d) => d.status === 'delivered' && d.attempts.length === 1)).toBe(true);
  });
});
