/** An in-process server with Slack on, against the fake Slack, and requests signed exactly as Slack signs them. */
import { createHmac } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { Store } from '../../src/store/store.js';
import { buildApp } from '../../src/http/app.js';
import { buildConfig, type Config } from '../../src/config/load.js';
import { bootstrapAdmin } from '../../src/commands/bootstrap-admin.js';
import { Workers } from '../../src/processors/workers.js';
import { SlackChat } from '../../src/integrations/chat/slack/client.js';
import { ADMIN_TOKEN, TestClock, freshDatabase, type Database, type StoreKind } from './harness.js';
import { FakeSlack } from './fake-slack.js';

export const SIGNING_SECRET = 'test-signing-secret-0123456789';

export function slackSignature(body: string, timestamp: number, secret = SIGNING_SECRET): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SlackApp {
  app: FastifyInstance;
  store: Store;
  db: Database;
  clock: TestClock;
  config: Config;
  slack: FakeSlack;
  workers: Workers;
  /** A request to POST /slack/events, signed (unless told otherwise) with the clock's time. */
  send(body: string, contentType: string, options?: { timestamp?: number; secret?: string; headers?: Record<string, string> }): Promise<LightMyRequestResponse>;
  /** A slash command; its response_url is one the fake Slack answers, unless given. */
  command(user: string, channel: string, text: string, options?: { responseUrl?: string }): Promise<LightMyRequestResponse>;
  interaction(payload: unknown): Promise<LightMyRequestResponse>;
  event(eventId: string, event: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  /** Lets the inbox and the delivery worker finish everything that is due. */
  settle(): Promise<void>;
  api(method: string, url: string, body?: unknown): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** `startAt`: the clock's first reading (default: now). */
export async function slackApp(kind: StoreKind, configDocument: unknown = {}, options: { startAt?: string } = {}): Promise<SlackApp> {
  const db = await freshDatabase(kind);
  const store = await Store.open({ databaseUrl: db.env.DATABASE_URL, dataDir: db.dataDir });
  const clock = new TestClock(options.startAt ? new Date(options.startAt) : new Date());
  const config = buildConfig(configDocument, 'test');
  await bootstrapAdmin(store, db.dataDir, clock.now().toISOString(), ADMIN_TOKEN);
  const slack = new FakeSlack();
  const url = await slack.start();
  const chat = new SlackChat({ token: 'xoxb-test', apiUrl: url });
  const workers = new Workers({ store, config, clock, log: (await import('pino')).default({ level: 'silent' }), chat: { port: chat, platform: 'slack' } });
  const app = await buildApp({ store, config, clock, workers, slack: { chat, signingSecret: SIGNING_SECRET } });
  await app.ready();
  let trigger = 0;
  const send: SlackApp['send'] = (body, contentType, options = {}) => {
    const timestamp = options.timestamp ?? Math.floor(clock.now().getTime() / 1000);
    return app.inject({
      method: 'POST',
      url: '/slack/events',
      payload: body,
      headers: {
        'content-type': contentType,
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': slackSignature(body, timestamp, options.secret),
        ...options.headers,
      },
    });
  };
  const form = 'application/x-www-form-urlencoded';
  return {
    app,
    store,
    db,
    clock,
    config,
    slack,
    workers,
    send,
    command: (user, channel, text, options = {}) =>
      send(
        new URLSearchParams({ command: '/incident', text, user_id: user, channel_id: channel, trigger_id: `trigger.${++trigger}`, response_url: options.responseUrl ?? slack.responseUrl(user, channel) }).toString(),
        form,
      ),
    interaction: (payload) => {
      const { type, user, channel } = payload as { type?: string; user?: { id?: string }; channel?: { id?: string } };
      // Slack gives every interaction but a modal's submission an answer address.
      const answer = type === 'view_submission' ? {} : { response_url: slack.responseUrl(user?.id ?? '', channel?.id ?? '') };
      return send(new URLSearchParams({ payload: JSON.stringify({ trigger_id: `trigger.${++trigger}`, ...answer, ...(payload as object) }) }).toString(), form);
    },
    event: (eventId, event, headers) => send(JSON.stringify({ type: 'event_callback', event_id: eventId, event_time: 1, team_id: 'T1', api_app_id: 'A1', event }), 'application/json', headers ? { headers } : {}),
    settle: async () => {
      for (let i = 0; i < 3; i++) {
        await workers.chatInbox!.drain();
        await workers.chat!.drain();
      }
    },
    api: (method, url, body) =>
      app.inject({ method: method as 'GET', url, headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, ...(body === undefined ? {} : { payload: body as object }) }),
    close: async () => {
      await app.close();
      await store.close();
      await slack.close();
      await db.cleanup();
    },
  };
}
