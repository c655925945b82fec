/**
 * Each of our messages is posted once, across a crash: the server is killed (SIGKILL) at the
 * moment Slack has done a call whose answer it never got — the room created, a note posted —
 * and a new server takes the lane over. The room, the announcement, the IC offer and every
 * line are in Slack once each.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, STORE_KINDS, freshDatabase, startServerProcess, type Database, type ServerProcess } from '../support/harness.js';
import { FakeSlack } from '../support/fake-slack.js';
import { SIGNING_SECRET, slackSignature } from '../support/slack-app.js';

const API = '/api/v1';

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/** Runs one statement on the server's database, as an operator's psql or sqlite3 would. */
async function execute(db: Database, statement: string): Promise<void> {
  if (db.kind === 'sqlite') {
    const sqlite = new SQLite(join(db.dataDir, 'incident.sqlite'));
    sqlite.exec(statement);
    sqlite.close();
    return;
  }
  const client = new pg.Client({ connectionString: db.env.DATABASE_URL });
  await client.connect();
  await client.query(statement);
  await client.end();
}

/** Where the first server dies: right after Slack created the room, or right after it posted the second note. */
const CRASH_POINTS = {
  'creating the room': (method: string) => method === 'conversations.create',
  'posting a note': (method: string, args: Record<string, unknown>) => method === 'chat.postMessage' && String(args.text).includes('second note'),
};

async function inboxPending(db: Database): Promise<number> {
  if (db.kind === 'sqlite') {
    const sqlite = new SQLite(join(db.dataDir, 'incident.sqlite'));
    const row = sqlite.prepare("select count(*) as n from chat_inbox where status = 'pending'").get() as { n: number };
    sqlite.close();
    return row.n;
  }
  const client = new pg.Client({ connectionString: db.env.DATABASE_URL });
  await client.connect();
  const { rows } = await client.query<{ n: string }>("select count(*) as n from chat_inbox where status = 'pending'");
  await client.end();
  return Number(rows[0]!.n);
}

describe.each(STORE_KINDS)('Slack across a crash (%s)', (kind) => {
  let db: Database;
  let slack: FakeSlack;
  let server: ServerProcess | null = null;

  afterEach(async () => {
    await server?.stop('SIGKILL');
    await slack.close();
    await db.cleanup();
  });

  it.each(Object.keys(CRASH_POINTS) as (keyof typeof CRASH_POINTS)[])('killed right after Slack did a call (%s): once each after the restart', async (point) => {
    db = await freshDatabase(kind);
    slack = new FakeSlack();
    const configFile = join(db.dataDir, 'crash.config.yaml');
    writeFileSync(configFile, 'chat: { slack: { announceChannel: incidents } }\n');
    const env = { INCIDENT_CONFIG: configFile, SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: await slack.start() };
    server = await startServerProcess(db, env);
    const call = async (method: string, path: string, body: unknown) => {
      const res = await fetch(`${server!.url}${API}${path}`, { method, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.status, await res.clone().text()).toBeLessThan(300);
      return (await res.json()) as Record<string, unknown>;
    };
    await call('POST', '/people', { handle: 'alice', name: 'Alice', role: 'responder', chat: { slack: 'UALICE01' } });
    await call('POST', '/people', { handle: 'bob', name: 'Bob', role: 'responder', chat: { slack: 'UBOB0001' } });

    // Slack is down while the incident starts, so that one claim takes the whole lane when it returns.
    slack.down = true;
    const incident = await call('POST', '/incidents', { title: 'Checkout errors', severity: 'SEV2', commander: 'alice' });
    const id = String(incident.id);
    await call('POST', `/incidents/${id}/roles`, { role: 'incident_commander', person: 'bob' });
    for (const text of ['first note', 'second note', 'third note']) await call('POST', `/incidents/${id}/timeline`, { kind: 'note', text });
    expect(await until(() => slack.downAnswers > 0, 30_000)).toBe(true);
    slack.hold = CRASH_POINTS[point];
    slack.down = false;

    await slack.held;
    await server.stop('SIGKILL');
    // As if the lease's minute had passed: the new server takes the lane over at once.
    await execute(db, "update chat_deliveries set claimed_until = '2000-01-01T00:00:00.000Z' where claimed_until is not null");
    server = await startServerProcess(db, env);

    const room = () => slack.channelByName(String(incident.channel));
    expect(await until(() => slack.texts(String(incident.channel)).some((t) => t.includes('third note')), 30_000), JSON.stringify(slack.calls.map((c) => c.method))).toBe(true);
    const texts = slack.texts(room()!.id);
    expect(texts.map((t) => t.replace(/^(INC-1: Checkout errors).*$/, '$1'))).toEqual([
      'INC-1: Checkout errors',
      '@alice offered Incident Commander to @bob.',
      'first note',
      'second note',
      'third note',
    ]);
    expect([...slack.channels.values()].filter((c) => c.name === incident.channel)).toHaveLength(1);
    expect(room()!.pins).toEqual([room()!.messages[0]!.ts]);
    expect(room()!.members).toEqual(['UALICE01']);
    expect(slack.texts('incidents')).toHaveLength(1);
    expect(slack.texts('dm-UBOB0001')).toHaveLength(1);
    expect(slack.violations).toEqual([]);
  }, 120_000);

  it('killed after a slash command declared, before its request was marked done: declared once after the restart', async () => {
    db = await freshDatabase(kind);
    slack = new FakeSlack();
    const env = { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: await slack.start() };
    server = await startServerProcess(db, env);
    const res = await fetch(`${server.url}${API}/people`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ handle: 'alice', name: 'Alice', role: 'responder', chat: { slack: 'UALICE01' } }),
    });
    expect(res.status).toBe(201);
    // The answer to the person comes after the declaration's commit: held there, the server dies.
    slack.hold = (method) => method === 'response_url';
    const body = new URLSearchParams({ command: '/incident', text: 'declare SEV2 Checkout errors', user_id: 'UALICE01', channel_id: 'C0GENERAL', trigger_id: 't.1', response_url: slack.responseUrl('UALICE01', 'C0GENERAL') }).toString();
    const timestamp = Math.floor(Date.now() / 1000);
    const ack = await fetch(`${server.url}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': slackSignature(body, timestamp) },
      body,
    });
    expect(ack.status).toBe(200);
    await slack.held;
    await server.stop('SIGKILL');
    // The room may have been on its way too: both leases lapse.
    await execute(db, "update chat_inbox set claimed_until = '2000-01-01T00:00:00.000Z' where claimed_until is not null");
    await execute(db, "update chat_deliveries set claimed_until = '2000-01-01T00:00:00.000Z' where claimed_until is not null");
    server = await startServerProcess(db, env);

    const deadline = Date.now() + 30_000;
    while ((await inboxPending(db)) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await inboxPending(db)).toBe(0);
    expect(await until(() => slack.channels.size > 0, 30_000)).toBe(true);
    const incidents = (await (await fetch(`${server.url}${API}/incidents`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as unknown[];
    expect(incidents).toHaveLength(1);
    expect([...slack.channels.values()].filter((c) => c.name.startsWith('inc-'))).toHaveLength(1);
    expect(slack.violations).toEqual([]);
  }, 120_000);
});
