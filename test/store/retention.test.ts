/**
 * Retention: what is kept only for a while goes once its time is past, oldest first and a
 * batch at a time; nothing still in use goes, whatever its age.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RetentionWorker } from '../../src/processors/retention.js';
import { Workers } from '../../src/processors/workers.js';
import { DEFAULT_RETENTION, pruneBefore } from '../../src/domain/retention/policy.js';
import { buildConfig } from '../../src/config/load.js';
import type { Repository } from '../../src/store/repository.js';
import type { StatusSubscriber } from '../../src/domain/subscribers/subscription.js';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';

const NOW = '2026-06-06T14:14:00.000Z';
const DAY = 86_400_000;
const ago = (ms: number) => new Date(Date.parse(NOW) - ms).toISOString();
const OLD = ago(31 * DAY);
const RECENT = ago(2 * DAY);

describe('the retention policy', () => {
  it('prunes deliveries after 30 days, idempotency answers after 24 hours and unconfirmed subscriptions after 7 days by default', () => {
    expect(pruneBefore(DEFAULT_RETENTION, NOW)).toEqual({
      idempotencyKeys: '2026-06-05T14:14:00.000Z',
      webhookDeliveries: '2026-05-07T14:14:00.000Z',
      emailDeliveries: '2026-05-07T14:14:00.000Z',
      chatDeliveries: '2026-05-07T14:14:00.000Z',
      chatEventsReceived: '2026-05-07T14:14:00.000Z',
      unconfirmedSubscribers: '2026-05-30T14:14:00.000Z',
    });
  });

  it('is configurable, and refuses a keeping time under an hour, naming the field', () => {
    expect(buildConfig({ retention: { deliveries: '90d', idempotencyKeys: '2h' } }, 't').retention).toEqual({
      idempotencyKeysMs: 2 * 3_600_000,
      deliveriesMs: 90 * DAY,
      unconfirmedSubscribersMs: 7 * DAY,
    });
    expect(() => buildConfig({ retention: { unconfirmedSubscribers: '30m' } }, 't')).toThrow(/retention\.unconfirmedSubscribers: must be at least 1h/);
  });
});

async function webhookDelivery(tx: Repository, eventId: number, at: string, outcome: 'delivered' | 'failed' | 'pending') {
  await tx.webhooks.addDelivery({ webhookId: 'wh1', eventId, type: 'IncidentDeclared', body: '{}', remaining: outcome === 'failed' ? 1 : 5, at });
  if (outcome === 'pending') return;
  const [claimed] = (await tx.webhooks.claimDue(at, ago(0), 10)).filter((d) => d.eventId === eventId);
  await tx.webhooks.recordAttempt(claimed!, { attempt: 1, at, statusCode: outcome === 'delivered' ? 200 : 500, error: outcome === 'delivered' ? null : 'HTTP 500', durationMs: 3 }, null);
}

async function email(tx: Repository, eventId: number, at: string, outcome: 'delivered' | 'pending') {
  await tx.email.add({ eventId, recipient: 'priya', address: 'priya@example.com', type: 'IncidentDeclared', subject: 's', text: 't', html: '<p>t</p>', remaining: 3, at });
  if (outcome === 'pending') return;
  const [claimed] = (await tx.email.claimDue(at, ago(0), 10)).filter((d) => d.eventId === eventId);
  await tx.email.recordAttempt(claimed!, { at, error: null, durationMs: 2 }, null);
}

function subscriber(address: string, state: StatusSubscriber['state'], at: string): StatusSubscriber {
  return {
    id: `sub-${address}`,
    address,
    state,
    confirmTokenHash: state === 'pending' ? `hash-${address}` : null,
    unsubscribeToken: `unsub-${address}`,
    confirmationsSent: 1,
    confirmSentAt: at,
    confirmedAt: state === 'confirmed' ? at : null,
    unsubscribedAt: null,
    createdAt: at,
    updatedAt: at,
    components: null,
  };
}

describe.each(STORE_KINDS)('retention on %s', (kind) => {
  let t: TestApp;
  afterEach(async () => t?.close());

  async function seed() {
    await t.store.transaction(async (tx) => {
      await tx.webhooks.insert({
        id: 'wh1', url: 'https://hooks.example.com/x', events: ['*'], secret: 's', includePrivate: false, createdBy: 'admin', createdAt: OLD,
        audience: 'internal', enabled: true, components: null, previousSecret: null, previousSecretUntil: null,
      });
      for (let e = 1; e <= 5; e++) await webhookDelivery(tx, e, OLD, e === 5 ? 'failed' : 'delivered');
      await webhookDelivery(tx, 6, OLD, 'pending');
      await webhookDelivery(tx, 7, RECENT, 'delivered');
      await email(tx, 1, OLD, 'delivered');
      await email(tx, 2, OLD, 'pending');
      await email(tx, 3, RECENT, 'delivered');
      const post = (eventId: number, at: string) => ({ lane: 'room:1', incident: 1, eventId, step: 0, action: 'post', dueAt: at });
      await tx.chat.addDeliveries([post(1, OLD), post(2, OLD)], OLD);
      await tx.chat.addDeliveries([post(3, RECENT)], RECENT);
      const chat = await tx.chat.deliveries(1);
      await tx.chat.markDone(chat.filter((d) => d.eventId !== 2).map((d) => d.id));
      await tx.chat.receive('Ev-old', 'event', '{}', OLD);
      await tx.chat.receive('Ev-recent', 'event', '{}', RECENT);
      for (const item of await tx.chat.claimInbox(NOW, NOW, 10)) await tx.chat.inboxDone(item.id);
      await tx.statusSubscribers.insert(subscriber('stale@example.com', 'pending', ago(8 * DAY)));
      await tx.statusSubscribers.insert(subscriber('fresh@example.com', 'pending', ago(1 * DAY)));
      await tx.statusSubscribers.insert(subscriber('loyal@example.com', 'confirmed', OLD));
    });
  }

  it('prunes only finished deliveries (with their attempts), stale answers and unconfirmed subscriptions, in batches', async () => {
    t = await testApp(kind);
    const declare = (key: string) => t.call('POST', '/api/v1/incidents', { title: 'Checkout errors', severity: 'SEV2' }, { headers: { 'idempotency-key': key } });
    t.clock.set(ago(2 * DAY));
    const first = await declare('old-key');
    t.clock.set(ago(3_600_000));
    const second = await declare('recent-key');
    t.clock.set(NOW);
    await seed();
    const oldAttempts = (await t.store.webhooks.deliveries('wh1')).filter((d) => d.createdAt === OLD).map((d) => d.id);

    const worker = new RetentionWorker({ store: t.store, policy: DEFAULT_RETENTION, clock: t.clock, batch: 2 });
    const pruned = await worker.pass();
    expect(pruned).toEqual({ idempotencyKeys: 1, webhookDeliveries: 5, emailDeliveries: 1, chatDeliveries: 1, chatEventsReceived: 1, unconfirmedSubscribers: 1 });

    expect((await t.store.webhooks.deliveries('wh1')).map((d) => [d.eventId, d.status]).sort()).toEqual([[6, 'pending'], [7, 'delivered']]);
    expect([...(await t.store.webhooks.attempts(oldAttempts)).values()].flat()).toEqual([]);
    expect((await t.store.email.all()).map((d) => [d.eventId, d.status]).sort()).toEqual([[2, 'pending'], [3, 'delivered']]);
    expect((await t.store.chat.deliveries(1)).map((d) => d.eventId).sort()).toEqual([2, 3]);
    // A chat event id is remembered (Slack retries are answered once) only while its record is kept.
    expect(await t.store.chat.receive('Ev-old', 'event', '{}', NOW)).toBe(true);
    expect(await t.store.chat.receive('Ev-recent', 'event', '{}', NOW)).toBe(false);
    expect(await t.store.statusSubscribers.byAddress('stale@example.com')).toBeNull();
    expect((await t.store.statusSubscribers.byAddress('fresh@example.com'))?.state).toBe('pending');
    expect((await t.store.statusSubscribers.byAddress('loyal@example.com'))?.state).toBe('confirmed');

    // A retry within the day replays its answer; a key past 24 hours is a new request.
    const replay = await declare('recent-key');
    expect(replay.json().id).toBe(second.json().id);
    const again = await declare('old-key');
    expect(again.statusCode).toBe(201);
    expect(again.json().id).not.toBe(first.json().id);

    expect(Object.values(await worker.pass()).every((n) => n === 0)).toBe(true);
  });

  it('runs with the server from its start, and /metrics counts what it pruned', async () => {
    t = await testApp(kind);
    await seed();
    const workers = new Workers({ store: t.store, config: t.config, clock: t.clock, log: t.app.log });
    await workers.start();
    try {
      for (let i = 0; i < 200 && (await t.store.webhooks.deliveries('wh1')).length > 2; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(await t.store.webhooks.deliveries('wh1')).toHaveLength(2);
      const metrics = await workers.metrics.scrape();
      expect(metrics).toContain('incident_retention_pruned_total{record="webhookDeliveries"} 5');
      expect(workers.health().retention).toEqual({ ok: true });
    } finally {
      await workers.stop();
    }
  });
});
