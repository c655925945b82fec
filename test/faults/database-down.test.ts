/**
 * While PostgreSQL cannot be reached (a restart, a failover), the API answers 503 with
 * Retry-After, not 500: a client or a proxy (docs/nginx-instances.conf retries 503 on the
 * next server) knows to come back, and a write retried with its Idempotency-Key once the
 * database is back is made once. The database is reached through a TCP relay this test can
 * cut, so the shared PostgreSQL is never stopped.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_URL, freshDatabase, startServerProcess, type Database, type ServerProcess } from '../support/harness.js';
import { call } from '../robustness/http.js';

class Relay {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;
  constructor(private readonly target: { host: string; port: number }) {}

  async open(port = 0): Promise<void> {
    this.server = createServer((inbound) => {
      const outbound = connect(this.target.port, this.target.host);
      for (const s of [inbound, outbound]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      inbound.pipe(outbound).pipe(inbound);
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  /** As a stopped database looks: open connections reset, new ones refused. */
  async cut(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
  }
}

describe.skipIf(!PG_URL)('the database unreachable (postgres)', () => {
  let db: Database;
  let relay: Relay;
  let server: ServerProcess;

  beforeAll(async () => {
    db = await freshDatabase('postgres');
    const url = new URL(db.env.DATABASE_URL!);
    relay = new Relay({ host: url.hostname, port: Number(url.port || 5432) });
    await relay.open();
    url.host = `127.0.0.1:${relay.port}`;
    server = await startServerProcess({ ...db, env: { ...db.env, DATABASE_URL: url.toString() } });
  });

  afterAll(async () => {
    await server?.stop('SIGKILL');
    await relay?.cut();
    await db?.cleanup();
  });

  it('answers 503 with Retry-After while it is down, and the retried write is made once when it is back', async () => {
    const incident = (await call(server.url, 'POST', '/incidents', { title: 'Database restart', severity: 'SEV2' })).json as { id: string };
    await relay.cut();
    const key = randomUUID();
    const answers = [
      await call(server.url, 'POST', `/incidents/${incident.id}/timeline`, { kind: 'note', text: 'during' }, { idempotencyKey: key }),
      await call(server.url, 'GET', `/incidents/${incident.id}`),
      await call(server.url, 'GET', '/incidents'),
    ];
    for (const answer of answers) {
      expect(answer.status, answer.text).toBe(503);
      expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
      expect((answer.json as { error: { code: string } }).error.code).toBe('STORE_UNAVAILABLE');
    }
    await relay.open(relay.port);
    let retried = await call(server.url, 'POST', `/incidents/${incident.id}/timeline`, { kind: 'note', text: 'during' }, { idempotencyKey: key });
    for (let i = 0; retried.status === 503 && i < 50; i++) {
      await new Promise((r) => setTimeout(r, 100));
      retried = await call(server.url, 'POST', `/incidents/${incident.id}/timeline`, { kind: 'note', text: 'during' }, { idempotencyKey: key });
    }
    expect(retried.status, retried.text).toBe(201);
    const timeline = (await call(server.url, 'GET', `/incidents/${incident.id}/timeline`)).json as { text?: string }[];
    expect(timeline.filter((e) => e.text === 'during')).toHaveLength(1);
  });
});
