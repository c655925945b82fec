/**
 * An in-process server with Mattermost on, against the fake Mattermost: the slash command with
 * its token, dialogs and buttons posted back to POST /mattermost/actions as Mattermost posts
 * them, and the reaction watcher on the fake's WebSocket (the workers start with the app).
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { Store } from '../../src/store/store.js';
import { buildApp } from '../../src/http/app.js';
import { buildConfig, type Config } from '../../src/config/load.js';
import { bootstrapAdmin } from '../../src/commands/bootstrap-admin.js';
import { Workers } from '../../src/processors/workers.js';
import { MattermostChat } from '../../src/integrations/chat/mattermost/client.js';
import { ADMIN_TOKEN, TestClock, freshDatabase, type Database, type StoreKind } from './harness.js';
import { FakeMattermost, type FakePost } from './fake-mattermost.js';

export const COMMAND_TOKEN = 'mm-command-token-0123456789';
export const ACTIONS_URL = 'http://incident.example.test/mattermost/actions';

type Dialog = FakeMattermost['dialogs'][number];

export interface MattermostApp {
  app: FastifyInstance;
  store: Store;
  db: Database;
  clock: TestClock;
  config: Config;
  mm: FakeMattermost;
  workers: Workers;
  command(user: string, channel: string, text: string): Promise<LightMyRequestResponse>;
  /** Submits a dialog as Mattermost does (its state echoed, unless given). */
  submit(user: string, channel: string, dialog: Dialog, submission: Record<string, unknown>, state?: string): Promise<LightMyRequestResponse>;
  /** Clicks a button of a post as Mattermost does (the button's context sent along, unless given). */
  click(user: string, post: FakePost, actionId: string, context?: unknown): Promise<LightMyRequestResponse>;
  /** Lets the inbox and the delivery worker finish everything that is due. */
  settle(): Promise<void>;
  /** Settles until `done` holds (bounded: what comes over the WebSocket arrives on its own time). */
  until(done: () => Promise<boolean>): Promise<void>;
  api(method: string, url: string, body?: unknown): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** `db`, `mm`: a database and a fake Mattermost carried over from an app before (a restart); the caller closes them. */
export async function mattermostApp(kind: StoreKind, configDocument: unknown = {}, options: { startAt?: string; db?: Database; mm?: FakeMattermost } = {}): Promise<MattermostApp> {
  const db = options.db ?? (await freshDatabase(kind));
  const store = await Store.open({ databaseUrl: db.env.DATABASE_URL, dataDir: db.dataDir });
  const clock = new TestClock(options.startAt ? new Date(options.startAt) : new Date());
  const config = buildConfig(configDocument, 'test');
  await bootstrapAdmin(store, db.dataDir, clock.now().toISOString(), ADMIN_TOKEN);
  const mm = options.mm ?? new FakeMattermost();
  const chat = new MattermostChat({ url: options.mm ? mm.url : await mm.start(), token: mm.token, team: mm.team.name, actionsUrl: ACTIONS_URL });
  const log = pino({ level: 'silent' });
  const workers = new Workers({ store, config, clock, log, chat: { port: chat, platform: 'mattermost', reactions: chat }, reactionRetryMs: 50 });
  const app = await buildApp({ store, config, clock, workers, mattermostCommandToken: COMMAND_TOKEN, mattermostSigner: chat.signer });
  await app.ready();
  let trigger = 0;
  const actions = (body: unknown) => app.inject({ method: 'POST', url: '/mattermost/actions', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      await workers.chatInbox!.drain();
      await workers.chat!.drain();
    }
  };
  return {
    app,
    store,
    db,
    clock,
    config,
    mm,
    workers,
    command: (user, channel, text) =>
      app.inject({
        method: 'POST',
        url: '/mattermost/command',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ token: COMMAND_TOKEN, command: '/incident', text, user_id: user, channel_id: channel, team_id: mm.team.id, trigger_id: `trigger.${++trigger}`, response_url: mm.responseUrl(user, channel) }).toString(),
      }),
    submit: (user, channel, dialog, submission, state) =>
      actions({ type: 'dialog_submission', callback_id: dialog.dialog.callback_id, state: state ?? dialog.dialog.state, user_id: user, channel_id: channel, team_id: mm.team.id, submission, cancelled: false }),
    click: (user, post, actionId, context) => {
      const attachments = (post.props.attachments ?? []) as { actions: { id: string; integration: { url: string; context: unknown } }[] }[];
      const action = attachments.flatMap((a) => a.actions).find((a) => a.id === actionId)!;
      return actions({ user_id: user, user_name: mm.users.get(user)?.username, channel_id: post.channel_id, team_id: mm.team.id, post_id: post.id, trigger_id: `trigger.${++trigger}`, type: 'button', context: context === undefined ? action.integration.context : context });
    },
    settle,
    until: async (done) => {
      for (let i = 0; i < 100; i++) {
        await settle();
        if (await done()) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error('not settled within 100 rounds');
    },
    api: (method, url, body) =>
      app.inject({ method: method as 'GET', url, headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, ...(body === undefined ? {} : { payload: body as object }) }),
    close: async () => {
      await app.close();
      await store.close();
      if (!options.mm) await mm.close();
      if (!options.db) await db.cleanup();
    },
  };
}
