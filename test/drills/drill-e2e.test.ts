/**
 * The checkout drill run end to end at speed 1000 (its 35 scripted minutes in about two
 * seconds), on the real clock and every worker: the scripted alerts arrive through intake,
 * the trainee declares from the alert group and runs the incident with the real API, the
 * scripted SMEs and the stakeholder speak on the timeline, the trainee resolves, and the
 * drill ends with its scorecard. Then the proof that nothing left the building: no webhook,
 * no e-mail, no chat call, nothing on the status page, its JSON or its feed, nothing in
 * insights — while a real incident declared alongside reaches all of them.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { Store } from '../../src/store/store.js';
import { buildApp } from '../../src/http/app.js';
import { buildConfig } from '../../src/config/load.js';
import { bootstrapAdmin } from '../../src/commands/bootstrap-admin.js';
import { Workers } from '../../src/processors/workers.js';
import { MemoryWebhookSender } from '../../src/integrations/webhook.js';
import { MemoryMailSender } from '../../src/integrations/mail.js';
import { SlackChat } from '../../src/integrations/chat/slack/client.js';
import { ADMIN_TOKEN, STORE_KINDS, freshDatabase, type Database } from '../support/harness.js';
import { FakeSlack } from '../support/fake-slack.js';

const API = '/api/v1';

async function until<T>(what: string, check: () => Promise<T | null | undefined | false>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.each(STORE_KINDS)('a drill end to end (%s)', (kind) => {
  let db: Database;
  let store: Store;
  let app: FastifyInstance;
  let slack: FakeSlack;
  let workers: Workers;
  const webhooks = new MemoryWebhookSender();
  const mail = new MemoryMailSender();

  beforeEach(async () => {
    db = await freshDatabase(kind);
    store = await Store.open({ databaseUrl: db.env.DATABASE_URL, dataDir: db.dataDir });
    const clock = { now: () => new Date() };
    const config = buildConfig({ chat: { slack: { announceChannel: 'incidents' } } }, 'test');
    await bootstrapAdmin(store, db.dataDir, clock.now().toISOString(), ADMIN_TOKEN);
    slack = new FakeSlack();
    const chat = new SlackChat({ token: 'xoxb-test', apiUrl: await slack.start() });
    workers = new Workers({ store, config, clock, log: pino({ level: 'silent' }), deliveries: { webhooks, mail }, chat: { port: chat, platform: 'slack' }, mailEnabled: true });
    app = await buildApp({ store, config, clock, workers, mailEnabled: true });
    await app.ready();
  });
  afterEach(async () => {
    await app.close();
    await store.close();
    await slack.close();
    await db.cleanup();
  });

  const call = async (method: string, url: string, body?: unknown, status = 200) => {
    const res = await app.inject({ method: method as 'GET', url, headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, ...(body === undefined ? {} : { payload: body as object }) });
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(status);
    return String(res.headers['content-type'] ?? '').includes('json') ? res.json() : res.body;
  };
  it('the checkout script: declared from its alerts, run, resolved, scored; nothing reached the outside', async () => {
    for (const handle of ['alex', 'priya', 'sam'])
      await call('POST', `${API}/people`, { handle, name: handle, email: `${handle}@example.com`, role: 'responder', chat: { slack: `U${handle.toUpperCase()}` } }, 201);
    await call('POST', `${API}/webhooks`, { url: 'http://127.0.0.1:9/hook', events: ['incident.declared', 'incident.update_posted', 'incident.resolved', 'incident.role_assigned'] }, 201);

    const scripts = (await call('GET', `${API}/drills/scripts`)) as { name: string; steps: number }[];
    expect(scripts.map((s) => s.name)).toContain('checkout');
    const started = await call('POST', `${API}/drills`, { script: 'checkout', speed: 1000 }, 201);
    expect(started).toMatchObject({ script: 'checkout', state: 'running', notify: false, stepsDone: 0, incident: null });

    // The first alert comes in through intake, as from any sender.
    const group = await until('the drill alert group', async () => ((await call('GET', `${API}/alerts`)) as { id: number }[])[0]);
    const declared = await call('POST', `${API}/alerts/${group.id}/declare`, { severity: 'SEV2', title: 'Checkout returning 500s' }, 201);
    expect(declared.drill).toEqual({ id: started.id, notify: false });
    expect(declared.statusPage.public).toBe(false);
    const inc = declared.id as string;
    await call('POST', `${API}/incidents/${inc}/roles`, { role: 'comms_lead', person: 'priya' });
    await call('POST', `${API}/incidents/${inc}/roles`, { role: 'scribe', person: 'sam' });
    await call('POST', `${API}/incidents/${inc}/updates`, { status: 'investigating', impact: 'About 30% of checkouts fail.', whatWeKnow: 'Errors since 14:14.', nextStep: 'SMEs are looking.' }, 201);

    // Every scripted line plays out onto the drill's incident.
    await until('every step', async () => (await call('GET', `${API}/drills/${started.id}`)).stepsDone === scripts.find((s) => s.name === 'checkout')!.steps);
    const timeline = (await call('GET', `${API}/incidents/${inc}/timeline`)) as { kind: string; text: string; actor: string }[];
    expect(timeline.find((e) => e.kind === 'declared')!.text).toContain(`DRILL ${started.id}`);
    expect(timeline.filter((e) => e.kind === 'ruled_out').map((e) => e.actor)).toEqual(['drill:dana', 'drill:lee']);
    expect(timeline.some((e) => e.kind === 'note' && e.text.startsWith('Stakeholder @vp-sales asks:'))).toBe(true);

    await call('POST', `${API}/incidents/${inc}/resolve`, { impact: 'None now.', whatWeKnow: 'A batch job held the DB pool; throttled.' });
    const ended = await until('the drill to end', async () => {
      const d = await call('GET', `${API}/drills/${started.id}`);
      return d.state === 'ended' ? d : null;
    });
    expect(ended.endedHow).toBe('resolved');
    const card = ended.scorecard;
    expect(card.declared).toBe(true);
    expect(card.timeToDeclareSeconds).toBeGreaterThanOrEqual(0);
    expect(card.roles.map((r: { person: string | null }) => r.person)).toEqual(['admin', 'priya', 'sam']);
    expect(card.handsOff).toEqual({ kept: true, lapses: [] });
    expect(card.updates.onTime).toBeGreaterThanOrEqual(1);
    expect(card.updates.late).toBe(0);
    expect(card.ruledOut.found).toEqual(['deploy', 'payment provider']);
    expect(card.resolved).toBe(true);
    expect((await call('GET', `${API}/drills`))[0].id).toBe(started.id);

    // Nothing of it left the building: whatever the outbox held is delivered now, and there was nothing.
    await workers.notifications!.tick();
    await workers.chat!.drain();
    expect(webhooks.sent).toEqual([]);
    expect(mail.sent).toEqual([]);
    expect(slack.calls).toEqual([]);
    await workers.statusPage.refresh();
    const summary = await call('GET', '/api/v2/incidents.json');
    expect(JSON.stringify(summary)).not.toContain('Checkout returning 500s');
    expect(String(await call('GET', '/status'))).not.toContain('Checkout returning 500s');
    expect(String(await call('GET', '/status/feed.atom'))).not.toContain('Checkout returning 500s');
    const insights = await call('GET', `${API}/insights`);
    expect(JSON.stringify(insights)).not.toContain(inc);

    // The control: a real incident, declared the same way, reaches every one of them.
    const real = await call('POST', `${API}/incidents`, { title: 'Search is down', severity: 'SEV1', commander: 'alex' }, 201);
    await until('the real incident on chat and webhooks', async () => {
      await workers.notifications!.tick();
      await workers.chat!.drain();
      return webhooks.sent.length > 0 && slack.calls.length > 0;
    });
    await until('the real incident on the status page', async () => JSON.stringify(await call('GET', '/api/v2/incidents.json')).includes('Search is down'));
    expect(real.drill).toBeNull();
  });
});
