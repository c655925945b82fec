import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { ADMIN_TOKEN, PG_URL, testApp, type TestApp } from '../support/harness.js';
import { API, declare, ok } from '../api/helpers.js';
import { SseClient } from './sse-client.js';
import { Store } from '../../src/store/store.js';
import { buildApp } from '../../src/http/app.js';
import { addTimelineEntry } from '../../src/commands/add-timeline-entry.js';

const bearer = { authorization: `Bearer ${ADMIN_TOKEN}` };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

describe.skipIf(!PG_URL)('PostgreSQL: the realtime stream across transactions and instances', () => {
  let t: TestApp;
  let base: string;
  const clients: SseClient[] = [];
  const open = async (url: string, headers: Record<string, string> = bearer) => {
    const client = await SseClient.open(url, headers);
    clients.push(client);
    await client.until((c) => c.retry !== null);
    return client;
  };

  beforeEach(async () => {
    t = await testApp('postgres');
    base = await listen(t.app);
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await t.close();
  });

  /** Appends a note to `number` in a transaction that stays open until `release()`; `appended` resolves once its event has its id. */
  async function holdOpen(number: number, text: string, outcome: 'commit' | 'rollback' = 'commit') {
    const actor = (await t.store.people.get('admin'))!;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let appended!: () => void;
    const inserted = new Promise<void>((r) => (appended = r));
    const done = t.store
      .transaction(async (tx) => {
        await addTimelineEntry({ tx, config: t.config, now: t.clock.now().toISOString(), actor }, number, { kind: 'note', text });
        appended();
        await gate;
        if (outcome === 'rollback') throw new Error('rolled back on purpose');
      })
      .catch((error: Error) => {
        if (outcome === 'commit') throw error;
      });
    await inserted;
    return { release, done };
  }

  const notes = (client: SseClient, id: string) => client.incidents.filter((e) => e.id === id && e.type === 'TimelineEntryAdded');

  it('an event whose id was drawn first but committed last is delivered, in id order, and nothing after it goes out first', async () => {
    const slow = await declare(t, { title: 'Checkout failing', severity: 'SEV2' });
    const fast = await declare(t, { title: 'Search slow', severity: 'SEV3' });
    const stream = await open(`${base}${API}/events`);

    const held = await holdOpen(slow.number, 'drawn first, committed last');
    try {
      await ok(t, 201, 'POST', `${API}/incidents/${fast.id}/timeline`, { kind: 'note', text: 'drawn second, committed first' });
      // The later id has committed, but the earlier one may still come: it is held back, not skipped.
      await sleep(400);
      expect(notes(stream, fast.id)).toEqual([]);
    } finally {
      held.release();
      await held.done;
    }
    await stream.until((c) => notes(c, fast.id).length === 1 && notes(c, slow.id).length === 1);
    const [first, second] = stream.incidents.filter((e) => e.type === 'TimelineEntryAdded');
    expect(first!.id).toBe(slow.id);
    expect(second!.id).toBe(fast.id);
    expect(first!.eventId).toBeLessThan(second!.eventId);

    // A client resuming from before both gets both, once each.
    const resumed = await open(`${base}${API}/events`, { ...bearer, 'last-event-id': String(first!.eventId - 1) });
    await resumed.untilIncidents(2);
    await sleep(100);
    expect(resumed.incidents.map((e) => e.eventId)).toEqual([first!.eventId, second!.eventId]);
  });

  it('an id drawn by a transaction that rolls back does not stall the stream', async () => {
    const a = await declare(t, { title: 'Checkout failing', severity: 'SEV2' });
    const b = await declare(t, { title: 'Search slow', severity: 'SEV3' });
    const stream = await open(`${base}${API}/events`);
    const held = await holdOpen(a.number, 'never committed', 'rollback');
    try {
      await ok(t, 201, 'POST', `${API}/incidents/${b.id}/timeline`, { kind: 'note', text: 'after the gap' });
    } finally {
      held.release();
      await held.done;
    }
    const started = Date.now();
    // Well before the 30 s give-up: the gap settles as soon as the rolled-back transaction has ended.
    await stream.until((c) => notes(c, b.id).length === 1, 3000);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(notes(stream, a.id)).toEqual([]);
  });

  it('the first stream of a process opens only once writes still committing below the newest event have ended', async () => {
    const slow = await declare(t, { title: 'Checkout failing', severity: 'SEV2' });
    const fast = await declare(t, { title: 'Search slow', severity: 'SEV3' });
    const held = await holdOpen(slow.number, 'committing while the stream starts');
    let opened = false;
    let connecting: Promise<SseClient>;
    try {
      await ok(t, 201, 'POST', `${API}/incidents/${fast.id}/timeline`, { kind: 'note', text: 'newest event' });
      connecting = SseClient.open(`${base}${API}/events`, bearer).then((client) => {
        opened = true;
        clients.push(client);
        return client;
      });
      await sleep(400);
      expect(opened).toBe(false);
    } finally {
      held.release();
      await held.done;
    }
    const stream = await connecting!;
    await ok(t, 201, 'POST', `${API}/incidents/${fast.id}/timeline`, { kind: 'note', text: 'after opening' });
    await stream.until((c) => notes(c, fast.id).length === 1);
  });

  it('an event written through one instance reaches an SSE client of another', async () => {
    const other = await Store.open({ databaseUrl: t.db.env.DATABASE_URL, dataDir: t.db.dataDir });
    const otherApp = await buildApp({ store: other, config: t.config, clock: t.clock });
    try {
      const otherBase = await listen(otherApp);
      const stream = await open(`${otherBase}${API}/events`);
      const incident = await declare(t, { title: 'Checkout failing', severity: 'SEV2' });
      await ok(t, 201, 'POST', `${API}/incidents/${incident.id}/timeline`, { kind: 'note', text: 'from instance one' });
      const count = (await t.store.incidents.events(incident.number)).length;
      await stream.until((c) => c.incidents.filter((e) => e.id === incident.id).length === count);
      expect(stream.incidents.map((e) => e.seq)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    } finally {
      for (const client of clients.splice(0)) client.close();
      await otherApp.close();
      await other.close();
    }
  });

  it('an alert group created through one instance is announced as `event: alerts` to a client of another', async () => {
    const other = await Store.open({ databaseUrl: t.db.env.DATABASE_URL, dataDir: t.db.dataDir });
    const otherApp = await buildApp({ store: other, config: t.config, clock: t.clock });
    try {
      const stream = await open(`${await listen(otherApp)}${API}/events`);
      await stream.until((c) => c.retry !== null);
      const key = (await ok(t, 201, 'POST', `${API}/alert-sources`, { name: 'pagerduty', type: 'events' })).key as string;
      const event = { routing_key: key, event_action: 'trigger', payload: { summary: 'Disk full', source: 'db01', severity: 'error' } };
      const sent = await t.app.inject({ method: 'POST', url: `${API}/alerts/events`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(event) });
      expect(sent.statusCode, sent.body).toBe(202);
      await stream.until((c) => c.messages.some((m) => m.event === 'alerts'));
    } finally {
      for (const client of clients.splice(0)) client.close();
      await otherApp.close();
      await other.close();
    }
  });
});
