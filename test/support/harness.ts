/**
 * Shared test harness: fresh stores on SQLite and (when INCIDENT_TEST_DATABASE_URL is
 * set) PostgreSQL, an in-process app with a controllable clock, and real server processes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import pg from 'pg';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { Store } from '../../src/store/store.js';
import { buildApp } from '../../src/http/app.js';
import type { HttpDeps } from '../../src/http/context.js';
import { buildConfig, type Config } from '../../src/config/load.js';
import { bootstrapAdmin } from '../../src/commands/bootstrap-admin.js';
import { Conformance } from './conformance.js';

export const PG_URL = process.env.INCIDENT_TEST_DATABASE_URL;
export type StoreKind = 'sqlite' | 'postgres';
/** The kinds every store-backed suite runs on; PostgreSQL only when its URL is set (see test/global-setup.ts). */
export const STORE_KINDS: StoreKind[] = PG_URL ? ['sqlite', 'postgres'] : ['sqlite'];
export const ADMIN_TOKEN = 'ic_test_admin_token_0123456789abcdef';
export const ROOT = resolve(import.meta.dirname, '../..');
export const CLI = join(ROOT, 'dist/cli/main.js');

export interface Database {
  kind: StoreKind;
  /** Environment for a server process using this database. */
  env: Record<string, string>;
  dataDir: string;
  cleanup(): Promise<void>;
}

/** A database nobody else uses: a temp directory for SQLite, a fresh schema for PostgreSQL. */
export async function freshDatabase(kind: StoreKind): Promise<Database> {
  const dataDir = mkdtempSync(join(tmpdir(), 'incident-test-'));
  if (kind === 'sqlite') {
    return { kind, env: { INCIDENT_DATA_DIR: dataDir }, dataDir, cleanup: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  if (!PG_URL) throw new Error('INCIDENT_TEST_DATABASE_URL is not set');
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = new URL(PG_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    kind,
    env: { INCIDENT_DATA_DIR: dataDir, DATABASE_URL: url.toString() },
    dataDir,
    cleanup: async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop schema ${schema} cascade`);
      await c.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export class TestClock {
  constructor(private current = new Date('2026-06-06T14:14:00.000Z')) {}
  now = () => new Date(this.current);
  set(iso: string) {
    this.current = new Date(iso);
  }
  advance(ms: number) {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export interface TestApp {
  app: FastifyInstance;
  store: Store;
  /** The database under `store`, for tests that reach past the store or reopen it. */
  db: Database;
  clock: TestClock;
  config: Config;
  /** Checks every answer against the API document; an in-process request (inject) fails at the answer that does not match. */
  conformance: Conformance;
  /** Tokens by handle; `admin` exists from the start. */
  tokens: Map<string, string>;
  /** An in-process request as `handle` (default admin). */
  call(method: string, url: string, body?: unknown, options?: { as?: string; headers?: Record<string, string> }): Promise<LightMyRequestResponse>;
  /** Adds a person (as admin) and issues them a token. */
  person(handle: string, role?: 'admin' | 'responder' | 'viewer'): Promise<string>;
  close(): Promise<void>;
}

/** `deps`: more of what the server is started with (its public address, the OpenID client secret…). */
export async function testApp(kind: StoreKind, configDocument: unknown = {}, deps: Partial<HttpDeps> = {}): Promise<TestApp> {
  const db = await freshDatabase(kind);
  const store = await Store.open({ databaseUrl: db.env.DATABASE_URL, dataDir: db.dataDir });
  const clock = new TestClock();
  const config = buildConfig(configDocument, 'test');
  await bootstrapAdmin(store, db.dataDir, clock.now().toISOString(), ADMIN_TOKEN);
  const app = await buildApp({ ...deps, store, config, clock });
  const conformance = new Conformance(app);
  const inject = app.inject.bind(app) as (options: InjectOptions) => Promise<LightMyRequestResponse>;
  (app as { inject: unknown }).inject = async (options: InjectOptions) => {
    const response = await inject(options);
    conformance.raise();
    return response;
  };
  const tokens = new Map([['admin', ADMIN_TOKEN]]);

  const call: TestApp['call'] = (method, url, body, options = {}) => {
    const token = tokens.get(options.as ?? 'admin');
    if (!token) throw new Error(`no token for ${options.as}`);
    return app.inject({
      method: method as 'GET',
      url,
      headers: { authorization: `Bearer ${token}`, ...options.headers },
      ...(body === undefined ? {} : { payload: body as object }),
    });
  };
  const person: TestApp['person'] = async (handle, role = 'responder') => {
    const created = await call('POST', '/api/v1/people', { handle, name: handle[0]!.toUpperCase() + handle.slice(1), role });
    if (created.statusCode !== 201) throw new Error(`creating ${handle}: ${created.body}`);
    const issued = await call('POST', `/api/v1/people/${handle}/tokens`, {});
    if (issued.statusCode !== 201) throw new Error(`token for ${handle}: ${issued.body}`);
    const token = (issued.json() as { token: string }).token;
    tokens.set(handle, token);
    return token;
  };
  return {
    app,
    store,
    db,
    clock,
    config,
    conformance,
    tokens,
    call,
    person,
    close: async () => {
      await app.close();
      await store.close();
      await db.cleanup();
      // Answers given over a real socket (app.listen) are checked too, and reported here.
      conformance.raise();
    },
  };
}

export interface ServerProcess {
  url: string;
  port: number;
  child: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** A port free right now on 127.0.0.1 (and so, until someone takes it, one nothing listens on). */
export async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolvePort, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
    server.on('error', reject);
  });
}

/** The built server as a real process (run `npm run build` first; `npm test` does). `port`: restart one where it was; `nodeArgs`: Node flags before the script. */
export async function startServerProcess(db: Database, extraEnv: Record<string, string> = {}, port?: number, nodeArgs: string[] = []): Promise<ServerProcess> {
  port ??= await freePort();
  let log = '';
  // SERVER_NODE_ARGS: Node flags for the server, to profile it under a bench (`SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"`).
  const child = spawn(process.execPath, [...(process.env.SERVER_NODE_ARGS ? process.env.SERVER_NODE_ARGS.split(' ') : []), ...nodeArgs, CLI, 'serve'], {
    cwd: db.dataDir,
    env: { ...process.env, ...db.env, PORT: String(port), HOST: '127.0.0.1', INCIDENT_BOOTSTRAP_TOKEN: ADMIN_TOKEN, LOG_LEVEL: 'warn', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => (log += d));
  child.stderr?.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  // Generous: on a machine loaded by parallel suites a cold start has taken over 20 s.
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${log}`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      // Not left running after the test that started it has failed.
      child.kill('SIGKILL');
      throw new Error(`server did not become ready:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    child,
    output: () => log,
    stop: (signal = 'SIGTERM') =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', () => done());
        child.kill(signal);
      }),
  };
}
