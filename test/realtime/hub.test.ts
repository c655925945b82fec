import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { declare } from '../api/helpers.js';
import { RealtimeHub, type Subscriber } from '../../src/processors/realtime-hub.js';

/** A subscriber that keeps what it was sent. */
function recorder(person: Subscriber['person'], incident: number | null = null) {
  const chunks: string[] = [];
  let ended = false;
  const subscriber: Subscriber = { person, incident, open: () => undefined, send: (chunk) => chunks.push(chunk), end: () => (ended = true) };
  return { subscriber, chunks, ended: () => ended };
}

async function until(check: () => boolean, timeoutMs = 3000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.each(STORE_KINDS)('the realtime hub (%s)', (kind) => {
  let t: TestApp;
  let hub: RealtimeHub;
  beforeEach(async () => {
    t = await testApp(kind);
    hub = new RealtimeHub(t.store.feed, (listener) => t.store.onIncidentsChanged(listener), pino({ level: 'silent' }), { heartbeatMs: 50 });
  });
  afterEach(async () => {
    await hub.stop();
    await t.close();
  });

  it('sends every stream a comment heartbeat, so an idle stream stays open through proxies', async () => {
    const idle = recorder({ handle: 'admin', role: 'admin' });
    await hub.attach(idle.subscriber, null);
    await until(() => idle.chunks.filter((c) => c === ': keepalive\n\n').length >= 2);
  });

  it('each event reaches every attached client; a detached client gets nothing more; close ends the rest', async () => {
    const a = recorder({ handle: 'admin', role: 'admin' });
    const b = recorder({ handle: 'admin', role: 'admin' });
    const detachA = await hub.attach(a.subscriber, null);
    await hub.attach(b.subscriber, null);
    expect(hub.size).toBe(2);
    await declare(t, { title: 'Checkout failing', severity: 'SEV3' });
    const events = (c: string[]) => c.filter((chunk) => chunk.includes('event: incident'));
    await until(() => events(a.chunks).length === 1 && events(b.chunks).length === 1);
    detachA();
    await declare(t, { title: 'Search slow', severity: 'SEV3' });
    await until(() => events(b.chunks).length === 2);
    expect(events(a.chunks)).toHaveLength(1);
    await hub.stop();
    expect(b.ended()).toBe(true);
    expect(hub.size).toBe(0);
  });
});
