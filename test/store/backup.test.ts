/**
 * Backups, restores and the move to PostgreSQL keep everything: a server answers every read
 * the same before and after (incidents, timelines, updates, people, tokens by their hashes,
 * webhooks and their delivery log, alert sources and groups, components, maintenance, the
 * audit log, the status page). The CLI verbs are run as an operator would, on real servers.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, PG_URL, freshDatabase, startServerProcess, type Database, type ServerProcess } from '../support/harness.js';
import { incident } from '../cli/run.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

/** Links on the status page name the public address; every server here shares one, so answers compare. */
const PUBLIC = { INCIDENT_PUBLIC_URL: 'https://incidents.example.com' };

if (!PG_URL) console.log('backup: the PostgreSQL parts (migrate --to, PostgreSQL backups) are SKIPPED: INCIDENT_TEST_DATABASE_URL is not set');

async function api(server: ServerProcess, method: string, path: string, body?: unknown, token = ADMIN_TOKEN): Promise<{ status: number; body: unknown; text: string }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // markdown and HTML answers are compared as text
  }
  if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return { status: res.status, body: parsed, text };
}

/** What an operator's data looks like after a real incident: the checkout incident, an alert, a webhook with its deliveries. */
async function seed(server: ServerProcess, receiver: WebhookReceiver): Promise<{ priya: string }> {
  await api(server, 'POST', '/api/v1/people', { handle: 'priya', name: 'Priya Shah', email: 'priya@example.com' });
  await api(server, 'POST', '/api/v1/people', { handle: 'sam', name: 'Sam Lee' });
  const priya = ((await api(server, 'POST', '/api/v1/people/priya/tokens', { name: 'laptop' })).body as { token: string }).token;
  await api(server, 'POST', '/api/v1/webhooks', { url: receiver.url('backup'), events: ['incident.declared', 'incident.resolved'] });
  const source = (await api(server, 'POST', '/api/v1/alert-sources', { name: 'prometheus', type: 'events' })).body as { key: string };
  await fetch(`${server.url}/api/v1/alerts/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${source.key}` },
    body: JSON.stringify({ routing_key: source.key, event_action: 'trigger', dedup_key: 'checkout-5xx', payload: { summary: 'Checkout 5xx above 5%', source: 'checkout', severity: 'critical' } }),
  });
  const declared = (await api(server, 'POST', '/api/v1/incidents', { title: 'Checkout errors', severity: 'SEV2', summary: 'Checkout returning 500s for ~30% of users' })).body as { id: string };
  const id = declared.id;
  await api(server, 'POST', `/api/v1/incidents/${id}/roles`, { role: 'comms_lead', person: 'priya' });
  await api(server, 'POST', `/api/v1/incidents/${id}/roles`, { role: 'scribe', person: 'sam' });
  await api(server, 'POST', `/api/v1/incidents/${id}/timeline`, { kind: 'ruled_out', text: 'Rolled back deploy 4821: errors continue' });
  await api(server, 'POST', `/api/v1/incidents/${id}/updates`, { status: 'investigating', impact: 'About 30% of checkouts fail', whatWeKnow: 'Payment calls time out', nextStep: 'Checking the payment provider' });
  await api(server, 'POST', `/api/v1/incidents/${id}/resolve`, { impact: 'Checkouts failed for 40 minutes', whatWeKnow: 'A connection pool was exhausted' });
  await api(server, 'PUT', `/api/v1/incidents/${id}/postmortem`, { owner: 'priya', scheduledFor: '2026-12-09T15:00:00Z' });
  for (let i = 0; i < 100 && receiver.received.length < 2; i++) await new Promise((r) => setTimeout(r, 50));
  return { priya };
}

/** Every read the operator relies on, as the API answers it; `lastUsedAt` moves with each read, so it is left out. */
async function everyAnswer(server: ServerProcess, priya: string): Promise<Record<string, unknown>> {
  const paths = ['/api/v1/incidents', '/api/v1/people', '/api/v1/people/priya/tokens', '/api/v1/webhooks', '/api/v1/alert-sources', '/api/v1/alerts', '/api/v1/components', '/api/v1/severities'];
  const answers: Record<string, unknown> = {};
  for (const path of paths) answers[path] = (await api(server, 'GET', path)).body;
  for (const { id } of answers['/api/v1/incidents'] as { id: string }[]) {
    for (const part of ['', '/timeline', '/updates', '/postmortem.md', '/announcement.md']) answers[`/api/v1/incidents/${id}${part}`] = (await api(server, 'GET', `/api/v1/incidents/${id}${part}`)).body;
  }
  for (const { id } of answers['/api/v1/webhooks'] as { id: string }[]) answers[`deliveries ${id}`] = (await api(server, 'GET', `/api/v1/webhooks/${id}/deliveries`)).body;
  for (const { id } of answers['/api/v1/alerts'] as { id: string }[]) answers[`alert ${id}`] = (await api(server, 'GET', `/api/v1/alerts/${id}`)).body;
  answers.audit = (await api(server, 'GET', '/api/v1/audit?limit=500')).body;
  answers.status = (await api(server, 'GET', '/api/v2/summary.json')).body;
  // Priya's own token still opens the API: token hashes moved intact.
  answers.me = (await api(server, 'GET', '/api/v1/me', undefined, priya)).body;
  return JSON.parse(JSON.stringify(answers, (key, value) => (key === 'lastUsedAt' ? undefined : value)));
}

describe('backup, restore and the move to PostgreSQL', () => {
  let source: Database;
  let receiver: WebhookReceiver;
  let before: Record<string, unknown>;
  let priya: string;
  const others: Database[] = [];

  async function fresh(kind: 'sqlite' | 'postgres') {
    const db = await freshDatabase(kind);
    others.push(db);
    return db;
  }

  /** Starts a server on `db`, reads everything, stops it. */
  async function answersOn(db: Database): Promise<Record<string, unknown>> {
    const server = await startServerProcess(db, PUBLIC);
    try {
      return await everyAnswer(server, priya);
    } finally {
      await server.stop();
    }
  }

  const backupFile = () => join(source.dataDir, 'taken-while-running.db');

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    source = await freshDatabase('sqlite');
    // The receiver listens on 127.0.0.1, which webhooks may reach only when the configuration says so.
    writeFileSync(join(source.dataDir, 'incident.config.yaml'), 'webhooks:\n  allowTargets: [127.0.0.1]\n');
    const server = await startServerProcess(source, PUBLIC);
    try {
      ({ priya } = await seed(server, receiver));
      // Taken while the server runs: SQLite's online backup.
      const taken = await incident(['backup', backupFile()], source.env);
      expect(taken.stderr).toBe('');
      expect(taken.code).toBe(0);
      expect(taken.stdout).toMatch(/SQLite database, integrity checked/);
      expect(taken.stdout).toMatch(/incident_events\s+\d+/);
      before = await everyAnswer(server, priya);
    } finally {
      await server.stop();
    }
  }, 120_000);

  afterAll(async () => {
    await receiver?.stop();
    for (const db of others) await db.cleanup();
    await source?.cleanup();
  });

  it('takes a SQLite backup while the server runs, readable by this user only, and restores it into an empty installation', async () => {
    expect(statSync(backupFile()).mode & 0o777).toBe(0o600);
    const target = await fresh('sqlite');
    const restored = await incident(['restore', backupFile()], target.env);
    expect(restored.code).toBe(0);
    expect(restored.stdout).toMatch(/^Restored .* into SQLite:/);
    expect(await answersOn(target)).toEqual(before);
  }, 120_000);

  it('refuses to restore over a database that holds data unless --replace, and refuses what is not a backup', async () => {
    const target = await fresh('sqlite');
    const server = await startServerProcess(target, PUBLIC);
    await api(server, 'POST', '/api/v1/people', { handle: 'dana', name: 'Dana' });
    await server.stop();
    const refused = await incident(['restore', backupFile()], target.env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/already holds 0 incidents and 2 people; use an empty one, or --replace/);
    const replaced = await incident(['restore', backupFile(), '--replace'], target.env);
    expect(replaced.code).toBe(0);
    expect(await answersOn(target)).toEqual(before);

    const notBackup = join(target.dataDir, 'notes.txt');
    writeFileSync(notBackup, 'hello');
    const wrong = await incident(['restore', notBackup], target.env);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/is neither a SQLite backup nor an Incident Command archive/);
  }, 120_000);

  describe.skipIf(!PG_URL)('with PostgreSQL', () => {
    let postgres: Database;

    it('moves the SQLite installation to PostgreSQL with every answer the same, and the new database keeps numbering after it', async () => {
      postgres = await fresh('postgres');
      const moved = await incident(['migrate', '--to', postgres.env.DATABASE_URL!], { INCIDENT_DATA_DIR: source.dataDir });
      expect(moved.stderr).toBe('');
      expect(moved.code).toBe(0);
      expect(moved.stdout).toMatch(/Moved to PostgreSQL:/);
      const server = await startServerProcess(postgres, PUBLIC);
      try {
        expect(await everyAnswer(server, priya)).toEqual(before);
        const next = (await api(server, 'POST', '/api/v1/incidents', { title: 'Search slow', severity: 'SEV3' })).body as { id: string };
        expect(next.id).toBe('INC-2');
        await api(server, 'POST', `/api/v1/incidents/${next.id}/timeline`, { kind: 'note', text: 'a new event gets a new number' });
      } finally {
        await server.stop();
      }
      const again = await incident(['migrate', '--to', postgres.env.DATABASE_URL!], { INCIDENT_DATA_DIR: source.dataDir });
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/already holds 2 incidents/);
    }, 120_000);

    it('backs PostgreSQL up as one consistent archive, restores it into an empty database, and refuses an archive cut short', async () => {
      const file = join(postgres.dataDir, 'pg-backup.jsonl.gz');
      const taken = await incident(['backup', file], postgres.env);
      expect(taken.code).toBe(0);
      expect(taken.stdout).toMatch(/\(archive\)/);
      const target = await fresh('postgres');
      const restored = await incident(['restore', file], target.env);
      expect(restored.code).toBe(0);
      const server = await startServerProcess(target, PUBLIC);
      try {
        const after = await everyAnswer(server, priya);
        expect((after['/api/v1/incidents'] as unknown[]).length).toBe(2);
        expect(after['/api/v1/incidents/INC-1/timeline']).toEqual(before['/api/v1/incidents/INC-1/timeline']);
        expect(after['/api/v1/people']).toEqual(before['/api/v1/people']);
      } finally {
        await server.stop();
      }
      const bytes = readFileSync(file);
      const cut = join(postgres.dataDir, 'cut.jsonl.gz');
      writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
      const empty = await fresh('postgres');
      const refused = await incident(['restore', cut], empty.env);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/^error: .*cut.jsonl.gz is damaged or cut short: unexpected end of file/);
      // Nothing of it stayed: the whole archive restores into that database afterwards, as into an empty one.
      expect((await incident(['restore', file], empty.env)).code).toBe(0);
    }, 120_000);
  });
});
