/** The one lifecycle of the background workers: started with the server, stopped first when it closes, reported by /readyz. */
import { afterEach, describe, expect, it } from 'vitest';
import { WakeLoop } from '../../src/processors/wake-loop.js';
import { Workers } from '../../src/processors/workers.js';
import { MemoryWebhookSender } from '../../src/integrations/webhook.js';
import { buildApp } from '../../src/http/app.js';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(check()).toBe(true);
};

describe('a worker loop', () => {
  it('is unhealthy from a failed pass until the next good one, and not running once stopped', async () => {
    let fail = true;
    const loop = new WakeLoop({ clock: { now: () => new Date('2026-06-06T14:14:00.000Z') }, maxSleepMs: 10, retryMs: 10, name: 'test', pass: async () => {
      if (fail) throw new Error('store unreachable');
      return null;
    } });
    expect(loop.health()).toEqual({ ok: false, problem: 'not running' });
    loop.start();
    await until(() => !loop.health().ok && loop.health().problem === 'store unreachable');
    expect(loop.health().since).toBe('2026-06-06T14:14:00.000Z');
    fail = false;
    await until(() => loop.health().ok);
    await loop.stop();
    expect(loop.health()).toEqual({ ok: false, problem: 'not running' });
  });
});

describe.each(STORE_KINDS)('the workers on %s', (kind) => {
  let t: TestApp;
  afterEach(async () => t?.close());

  it('start with the server, are listed by /readyz, and have all stopped once it has closed', async () => {
    t = await testApp(kind);
    const workers = new Workers({ store: t.store, config: t.config, clock: t.clock, log: t.app.log, deliveries: { webhooks: new MemoryWebhookSender(), mail: null } });
    const app = await buildApp({ store: t.store, config: t.config, clock: t.clock, workers });
    await app.ready();
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(Object.keys(ready.json().workers)).toEqual(['notifications', 'reminders', 'followUpReminders', 'maintenanceNotices', 'statusPage', 'alertInbox', 'realtime', 'retention', 'drills']);
    expect(ready.json().status).toBe('ready');
    await app.close();
    for (const health of Object.values(workers.health())) expect(health).toEqual({ ok: false, problem: 'not running' });
  });
});
