/**
 * Mattermost's `/incident` slash command at POST /mattermost/command: the command's token
 * checked (401 and nothing stored when wrong), then the same verbs as Slack, answered
 * through the request's response_url; the room follows through the delivery queue.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { Store } from '../../src/store/store.js';
import { buildApp } from '../../src/http/app.js';
import { buildConfig } from '../../src/config/load.js';
import { bootstrapAdmin } from '../../src/commands/bootstrap-admin.js';
import { Workers } from '../../src/processors/workers.js';
import { MattermostChat } from '../../src/integrations/chat/mattermost/client.js';
import { ADMIN_TOKEN, STORE_KINDS, TestClock, freshDatabase, type Database } from '../support/harness.js';
import { FakeMattermost } from '../support/fake-mattermost.js';

const COMMAND_TOKEN = 'mm-command-token-0123456789';

describe.each(STORE_KINDS)('the Mattermost slash command (%s)', (kind) => {
  let db: Database;
  let store: Store;
  let app: FastifyInstance;
  let workers: Workers;
  let mm: FakeMattermost;
  let alice: string;
  let trigger = 0;

  beforeEach(async () => {
    db = await freshDatabase(kind);
    store = await Store.open({ databaseUrl: db.env.DATABASE_URL, dataDir: db.dataDir });
    const clock = new TestClock(new Date());
    const config = buildConfig({}, 'test');
    await bootstrapAdmin(store, db.dataDir, clock.now().toISOString(), ADMIN_TOKEN);
    mm = new FakeMattermost();
    const chat = new MattermostChat({ url: await mm.start(), token: mm.token, team: mm.team.name });
    workers = new Workers({ store, config, clock, log: pino({ level: 'silent' }), chat: { port: chat, platform: 'mattermost' } });
    app = await buildApp({ store, config, clock, workers, mattermostCommandToken: COMMAND_TOKEN });
    await app.ready();
    alice = mm.addUser('alice.w', 'alice@example.com');
    const res = await api('POST', '/api/v1/people', { handle: 'alice', name: 'Alice', role: 'responder', chat: { mattermost: alice } });
    expect(res.statusCode, res.body).toBe(201);
  });
  afterEach(async () => {
    expect(mm.violations).toEqual([]);
    await app.close();
    await store.close();
    await mm.close();
    await db.cleanup();
  });

  const api = (method: string, url: string, body?: unknown) =>
    app.inject({ method: method as 'GET', url, headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, ...(body === undefined ? {} : { payload: body as object }) });
  const command = (user: string, channel: string, text: string, token = COMMAND_TOKEN) =>
    app.inject({
      method: 'POST',
      url: '/mattermost/command',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ token, command: '/incident', text, user_id: user, channel_id: channel, team_id: mm.team.id, trigger_id: `trigger.${++trigger}`, response_url: mm.responseUrl(user, channel) }).toString(),
    });
  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      await workers.chatInbox!.drain();
      await workers.chat!.drain();
    }
  };

  it('refuses a wrong or missing token with 401 and does nothing', async () => {
    for (const token of ['wrong', '', COMMAND_TOKEN.slice(0, -1)]) {
      const res = await command(alice, 'town-square', 'declare SEV2 Checkout errors', token);
      expect(res.statusCode).toBe(401);
      expect(res.json().error.details.field).toBe('token');
    }
    await settle();
    expect((await api('GET', '/api/v1/incidents')).json()).toEqual([]);
    expect(mm.responses).toEqual([]);
  });

  it('declares, takes notes and answers status from the room; strangers and forms are told why not', async () => {
    const res = await command(alice, 'town-square', 'declare SEV2 Checkout errors');
    expect([res.statusCode, res.body]).toEqual([200, '']);
    await settle();
    const [incident] = (await api('GET', '/api/v1/incidents')).json() as { id: string; channel: string; roles: { incident_commander: string } }[];
    expect(incident!.roles.incident_commander).toBe('alice');
    expect(mm.responses.at(-1)!.text).toMatch(/^Declared INC-1: #.* is being opened; you are IC\.$/);
    const room = mm.channelByName(incident!.channel)!;
    expect(room.members).toEqual([mm.bot.id, alice]);

    await command(alice, room.id, 'note DB pool saturated');
    await settle();
    const timeline = (await api('GET', `/api/v1/incidents/${incident!.id}/timeline`)).json();
    expect(JSON.stringify(timeline)).toContain('DB pool saturated');
    expect(mm.texts(room.id).at(-1)).toContain('DB pool saturated');

    await command(alice, room.id, 'status');
    await settle();
    expect(mm.responses.at(-1)!.text).toContain('SEV2');
    expect(mm.responses.at(-1)!.responseType).toBe('ephemeral');

    await command(alice, room.id, 'update');
    await settle();
    expect(mm.responses.at(-1)!.text).toMatch(/^Forms are not available on Mattermost yet/);

    const stranger = mm.addUser('zed', 'zed@example.com');
    await command(stranger, room.id, 'note hello');
    await settle();
    expect(mm.responses.at(-1)!.text).toBe('You are not a person in Incident Command yet: ask an admin to add you (with your Mattermost id or e-mail).');
    expect(JSON.stringify((await api('GET', `/api/v1/incidents/${incident!.id}/timeline`)).json())).not.toContain('hello');
  });
});
