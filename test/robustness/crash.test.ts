/**
 * Durability: several clients write to a real server process with Idempotency-Keys; the
 * server is killed with SIGKILL in the middle of it and restarted on the same database.
 * Every write that was answered with a 2xx must be there; a retry of any write with its
 * key gets the first answer (or, for a write the crash cut off, makes it exactly once).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, freshDatabase, startServerProcess, type Database, type ServerProcess } from '../support/harness.js';
import { addPerson, call, expectStatus, type Incident, type TimelineEntry, type Update } from './http.js';

const CLIENTS = 8;
/** Each client's bound; the server is killed long before. */
const MAX_PER_CLIENT = 400;
/** Kill once this many writes have been acknowledged (or after KILL_AFTER_MS, whichever is first). */
const KILL_AT_ACKS = 200;
const KILL_AFTER_MS = 8_000;

type Op = 'declare' | 'timeline' | 'update';

interface Write {
  client: number;
  op: Op;
  method: string;
  path: string;
  body: Record<string, unknown>;
  key: string;
  token: string;
  /** The answer, when one came. */
  status?: number;
  text?: string;
  json?: unknown;
  /** Set when the request failed without an answer (the crash). */
  lost?: string;
}

describe.each(STORE_KINDS)('a crash loses no acknowledged write (%s)', (kind) => {
  let db: Database;
  let server: ServerProcess;
  const writes: Write[] = [];
  const tokens: string[] = [];
  let killedAtAcks = 0;
  let startedAt = 0;

  beforeAll(async () => {
    startedAt = Date.now();
    db = await freshDatabase(kind);
    server = await startServerProcess(db);
    for (let c = 0; c < CLIENTS; c++) tokens.push(await addPerson(server.url, `writer${c}`));
    await expectStatus(201, server.url, 'POST', '/incidents', { title: 'Shared incident under load', severity: 'SEV2' });
  });

  afterAll(async () => {
    await server?.stop('SIGKILL');
    await db?.cleanup();
  });

  it('writes from several clients, is killed with SIGKILL midway, and restarts', async () => {
    let acks = 0;
    let killed = false;
    const kill = async () => {
      if (killed) return;
      killed = true;
      killedAtAcks = acks;
      await server.stop('SIGKILL');
    };
    const timer = setTimeout(() => void kill(), KILL_AFTER_MS);

    const client = async (c: number) => {
      const token = tokens[c]!;
      let own: string | null = null;
      for (let i = 0; i < MAX_PER_CLIENT && !killed; i++) {
        const op: Op = (['declare', 'timeline', 'update'] as const)[(i + c) % 3]!;
        const tag = `c${c}-${i}`;
        let write: Write;
        if (op === 'declare') {
          write = { client: c, op, method: 'POST', path: '/incidents', body: { title: `Crash test ${tag}`, severity: i % 2 ? 'SEV2' : 'SEV3' }, key: `declare-${tag}`, token };
        } else if (op === 'timeline') {
          const target = own && i % 2 ? own : 'INC-1';
          write = { client: c, op, method: 'POST', path: `/incidents/${target}/timeline`, body: { kind: 'note', text: `entry ${tag}` }, key: `timeline-${tag}`, token };
        } else {
          write = {
            client: c,
            op,
            method: 'POST',
            path: '/incidents/INC-1/updates',
            body: { status: i % 2 ? 'investigating' : 'identified', impact: `impact ${tag}`, whatWeKnow: 'Under load', nextStep: 'Keep writing' },
            key: `update-${tag}`,
            token,
          };
        }
        writes.push(write);
        try {
          const answer = await call(server.url, write.method, write.path, write.body, { token, idempotencyKey: write.key, timeoutMs: 10_000 });
          write.status = answer.status;
          write.text = answer.text;
          write.json = answer.json;
          if (answer.status >= 200 && answer.status < 300) {
            acks++;
            if (op === 'declare') own = (answer.json as Incident).id;
          }
          if (acks >= KILL_AT_ACKS) void kill();
        } catch (error) {
          write.lost = String((error as Error).cause ?? error);
          break;
        }
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
    clearTimeout(timer);
    await kill();

    const answered = writes.filter((w) => w.status !== undefined);
    const lost = writes.filter((w) => w.lost !== undefined);
    const refused = answered.filter((w) => w.status! >= 300);
    expect(refused.map((w) => `${w.op} ${w.status} ${w.text}`)).toEqual([]);
    expect(answered.length).toBeGreaterThanOrEqual(Math.min(KILL_AT_ACKS, 40));
    console.log(
      `[${kind}] crash: ${writes.length} writes sent, ${answered.length} acknowledged (kill at ${killedAtAcks}), ${lost.length} cut off by the kill`,
    );

    server = await startServerProcess(db);
  });

  it('has every acknowledged write after the restart', async () => {
    const acknowledged = writes.filter((w) => w.status !== undefined && w.status < 300);
    const timelines = new Map<string, TimelineEntry[]>();
    const timeline = async (path: string) => {
      const incident = path.split('/')[2]!;
      if (!timelines.has(incident)) timelines.set(incident, await expectStatus<TimelineEntry[]>(200, server.url, 'GET', `/incidents/${incident}/timeline?limit=500`));
      return timelines.get(incident)!;
    };
    const updates = await expectStatus<Update[]>(200, server.url, 'GET', '/incidents/INC-1/updates');
    const missing: string[] = [];
    for (const w of acknowledged) {
      if (w.op === 'declare') {
        const declared = w.json as Incident;
        const res = await call(server.url, 'GET', `/incidents/${declared.id}`);
        if (res.status !== 200 || (res.json as Incident).title !== w.body.title) missing.push(`incident ${declared.id} (${w.body.title}): ${res.status}`);
      } else if (w.op === 'timeline') {
        const entry = w.json as TimelineEntry;
        const found = (await timeline(w.path)).filter((e) => e.id === entry.id);
        if (found.length !== 1 || found[0]!.text !== w.body.text) missing.push(`timeline entry ${entry.id} on ${w.path}: ${JSON.stringify(found)}`);
      } else {
        const update = w.json as Update;
        const found = updates.filter((u) => u.id === update.id);
        if (found.length !== 1 || found[0]!.impact !== w.body.impact) missing.push(`update ${update.id}: ${JSON.stringify(found)}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('answers a retry of every write with its Idempotency-Key: the first answer, or the cut-off write made exactly once', async () => {
    const mismatches: string[] = [];
    for (const w of writes) {
      const retry = await call(server.url, w.method, w.path, w.body, { token: w.token, idempotencyKey: w.key });
      if (w.status !== undefined) {
        if (retry.status !== w.status || retry.text !== w.text || retry.headers.get('idempotent-replayed') !== 'true')
          mismatches.push(`${w.key}: first ${w.status} ${w.text?.slice(0, 80)}, retry ${retry.status} ${retry.text.slice(0, 80)}`);
      } else if (retry.status < 200 || retry.status >= 300) {
        mismatches.push(`${w.key} (cut off): retry got ${retry.status} ${retry.text.slice(0, 200)}`);
      } else {
        w.status = retry.status;
        w.text = retry.text;
        w.json = retry.json;
      }
    }
    expect(mismatches).toEqual([]);

    // Each write is there exactly once: no write the crash cut off was made twice by its retry.
    const entries = await expectStatus<TimelineEntry[]>(200, server.url, 'GET', '/incidents/INC-1/timeline?limit=500');
    const updates = await expectStatus<Update[]>(200, server.url, 'GET', '/incidents/INC-1/updates');
    const incidents = await expectStatus<Incident[]>(200, server.url, 'GET', '/incidents?limit=500');
    for (const w of writes) {
      if (w.op === 'declare') expect(incidents.filter((i) => i.title === w.body.title), w.key).toHaveLength(1);
      if (w.op === 'update') expect(updates.filter((u) => u.impact === w.body.impact), w.key).toHaveLength(1);
      if (w.op === 'timeline' && w.path.includes('INC-1/')) expect(entries.filter((e) => e.text === w.body.text), w.key).toHaveLength(1);
    }
    expect(incidents).toHaveLength(1 + writes.filter((w) => w.op === 'declare').length);
  });

  it('is consistent and writable after the restart: version = events, next entry numbered after the last', async () => {
    const incident = await expectStatus<Incident>(200, server.url, 'GET', '/incidents/INC-1');
    const entries = await expectStatus<TimelineEntry[]>(200, server.url, 'GET', '/incidents/INC-1/timeline?limit=500');
    expect(incident.version).toBe(entries.length);
    expect(new Set(entries.map((e) => e.id)).size).toBe(entries.length);
    const next = await expectStatus<TimelineEntry>(201, server.url, 'POST', '/incidents/INC-1/timeline', { kind: 'note', text: 'after the restart' });
    expect(next.id).toBe(incident.version + 1);
    expect(Date.now() - startedAt).toBeLessThan(45_000);
  });
});
