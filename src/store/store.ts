/**
 * Storage for both databases behind one interface: opening and migrating the database,
 * transactions (src/store/repository.ts has a store per thing kept), and telling this
 * instance and the others what committed.
 */
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { keepingStatements } from './sqlite-statements.js';
import { WalSync } from './wal-sync.js';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect, sql, type Transaction } from 'kysely';
import type { Database, Executor } from './schema.js';
import { migrations, type Dialect } from './migrations/index.js';
import { runMigrations } from './migrations/run.js';
import { READ_MODEL_VERSION, fold } from '../domain/model/state.js';
import { EventFeedStore } from './event-feed.js';
import { Repository } from './repository.js';
import { ACCESS_CHANGED, ALERTS_CHANGED, CommitNotes, INCIDENT_CHANNEL, notifyInstances } from './commit-notes.js';
import { incidentRow } from './incidents.js';
import { isUniqueViolation } from './errors.js';

/**
 * Page size of a new SQLite database, in bytes (SQLite's default is 4 KiB). An alert storm
 * writes each delivery's body (about 25 KB for 50 alerts) to the WAL and removes it once
 * applied: with 16 KiB pages that is two pages rather than seven, and every page is a WAL frame
 * of its own (a header, a checksum, a write), in commits that hold the event loop. Writing and
 * removing 400 such bodies plus 2,000 alert updates took 22 ms of CPU against 35 ms with 4 KiB
 * pages. SQLite's checkpoint interval, 1,000 pages, becomes 16 MiB of WAL rather than 4, and is
 * left so: the storm's inbox pages, written, freed and written again, reach the database once
 * an interval, and the storm bench measured it faster than every 4 MiB or 64 (README, Alert
 * intake). Small commits pay for it (each page they touch is a whole frame): one event and its
 * incident row took about 27 µs more CPU a commit (45 µs wall), beside the milliseconds of a
 * command over HTTP. A database keeps the page size it was created with: SQLite changes it
 * only by rewriting the file (VACUUM outside WAL mode, or a backup into a new file), which is
 * the operator's call (README, Storage).
 */
export const SQLITE_PAGE_SIZE = 16_384;

function isOtherSchemaGone(error: unknown, ours: string | undefined): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof message !== 'string') return false;
  // 3F000: the schema went while it was read; 42P01: one of its tables did ("relation "s.t" does not exist").
  if (code === '3F000') return ours === undefined || !message.includes(`"${ours}"`);
  if (code === '42P01') return ours === undefined || !message.includes(`"${ours}.`);
  return false;
}

export interface StoreOptions {
  databaseUrl?: string | undefined;
  dataDir: string;
  /** Where a dropped PostgreSQL connection is reported (it is replaced, not fatal). */
  log?: { warn(details: object, message: string): void };
}

/**
 * `postgres://host:port/db` for logs, never the password: also for a URL that `new URL`
 * rejects (a socket path as host), which pg still accepts.
 */
export function describeDatabaseUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    return `postgres://${url.host}${url.pathname}`;
  } catch {
    return databaseUrl.replace(/^([a-z]+:\/\/)[^@/]*@/i, '$1').replace(/\?.*$/, '');
  }
}

export class Store extends Repository {
  private constructor(
    private readonly kysely: Kysely<Database>,
    dialect: Dialect,
    readonly location: string,
    private readonly databaseUrl: string | null = null,
    private readonly log?: StoreOptions['log'],
  ) {
    super(kysely, dialect, null, false);
  }

  private chatQueued = false;
  /** SQLite's write-ahead log, synced apart from the main thread (see `transaction`); null on PostgreSQL. */
  private wal: WalSync | null = null;

  /** From now on every incident event also queues its chat messages (the chat worker is running). */
  queueChat(): void {
    this.chatQueued = true;
  }

  /** Reads for the realtime stream (src/realtime), outside any transaction. */
  get feed(): EventFeedStore {
    return new EventFeedStore(this.kysely, this.dialect);
  }

  static async open(options: StoreOptions): Promise<Store> {
    let store: Store;
    if (options.databaseUrl) {
      store = Store.overPool(options.databaseUrl, 10, options.log);
    } else {
      // The database holds webhook secrets and token hashes: readable by this user only (SQLite gives its -wal and -shm files the same mode).
      mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
      const file = join(options.dataDir, 'incident.sqlite');
      closeSync(openSync(file, 'a', 0o600));
      chmodSync(file, 0o600);
      const database = new SQLite(file);
      // Before WAL, while the file is still empty: only a new database takes it (see SQLITE_PAGE_SIZE).
      database.pragma(`page_size = ${SQLITE_PAGE_SIZE}`);
      database.pragma('journal_mode = WAL');
      // better-sqlite3 would otherwise run WAL at NORMAL, which can lose acknowledged commits on power loss.
      database.pragma('synchronous = FULL');
      database.pragma('foreign_keys = ON');
      database.pragma('busy_timeout = 5000');
      store = new Store(new Kysely<Database>({ dialect: new SqliteDialect({ database: keepingStatements(database) }) }), 'sqlite', file);
      store.wal = new WalSync(`${file}-wal`);
    }
    await store.migrate();
    await store.refreshReadModel();
    return store;
  }

  private static overPool(databaseUrl: string, max: number, log: StoreOptions['log']): Store {
    const pool = new pg.Pool({ connectionString: databaseUrl, max });
    // A connection the server drops (restart, failover, pg_terminate_backend) reports an 'error' event: on the pool
    // while idle, on the client while checked out between queries. Unheard, either would end the process; heard,
    // the pool discards the connection and opens another when needed.
    const dropped = (error: Error) =>
      log?.warn({ err: { message: error.message, code: (error as { code?: string }).code } }, 'a database connection was dropped; it will be replaced');
    pool.on('error', dropped);
    pool.on('connect', (client) => client.on('error', dropped));
    const store = new Store(new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), 'postgres', describeDatabaseUrl(databaseUrl), databaseUrl, log);
    store.pool = pool;
    return store;
  }

  private readonly apartStores = new Map<string, Store>();

  /**
   * The store a background worker uses for its own reads and writes: on PostgreSQL over
   * `connections` of its own, so that its queries do not queue behind the API's for the
   * shared pool (a busy server would otherwise hold its deliveries back for seconds); on
   * SQLite (one connection) this store. Closed with this one. Listeners and `queueChat`
   * stay on this store.
   */
  apart(name: string, connections = 2): Store {
    if (this.dialect !== 'postgres' || !this.databaseUrl) return this;
    const known = this.apartStores.get(name);
    if (known) return known;
    const store = Store.overPool(this.databaseUrl, connections, this.log);
    store.schema = this.schema;
    this.apartStores.set(name, store);
    return store;
  }

  private async migrate(): Promise<void> {
    // Kysely looks for its migration tables in every schema unless told which one; another
    // schema in the same database that has them would make it skip creating ours.
    const schema =
      this.dialect === 'postgres'
        ? ((await sql<{ schema: string | null }>`select current_schema() as schema`.execute(this.kysely)).rows[0]?.schema ?? undefined)
        : undefined;
    this.schema = schema;
    for (let attempt = 1; ; attempt++) {
      try {
        await runMigrations(this.kysely, this.dialect, migrations(this.dialect), schema);
        return;
      } catch (error) {
        // Kysely's introspection reads every schema's tables; a schema or table dropped meanwhile by
        // someone else fails it (3F000, 42P01). Nothing was migrated: look again.
        if (!(this.dialect === 'postgres' && attempt < 5 && isOtherSchemaGone(error, schema))) throw error;
      }
    }
  }

  /**
   * Re-folds every incident from its events when the rows were written by another
   * `READ_MODEL_VERSION`, so a release that changes `evolve` does not serve stale snapshots.
   */
  private async refreshReadModel(): Promise<void> {
    const stored = async (db: Executor) =>
      Number((await db.selectFrom('counters').select('value').where('name', '=', 'read_model').executeTakeFirstOrThrow()).value);
    if ((await stored(this.kysely)) === READ_MODEL_VERSION) return;
    await this.kysely.transaction().execute(async (trx) => {
      // Instances starting together take turns; the later ones find the work done.
      if (this.dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtextextended('incident-command read model', 0))`.execute(trx);
      if ((await stored(trx)) === READ_MODEL_VERSION) return;
      // Row-locked so that a running instance's writes wait rather than being overwritten.
      let numbers = trx.selectFrom('incidents').select('number').orderBy('number');
      if (this.dialect === 'postgres') numbers = numbers.forUpdate();
      const repository = new Repository(trx, this.dialect);
      for (const { number } of await numbers.execute()) {
        const events = await repository.incidents.events(number);
        const row = incidentRow(fold(events), events[events.length - 1]!.recordedAt);
        await trx.updateTable('incidents').set(row).where('number', '=', number).execute();
      }
      await trx.updateTable('counters').set({ value: READ_MODEL_VERSION }).where('name', '=', 'read_model').execute();
    });
  }

  /**
   * Runs `work` in one transaction; with PostgreSQL, a clash on a unique key is retried once.
   * `syncApart`: on SQLite, the commit is made durable off the main thread (WalSync), for
   * the writes of a storm, where many commits share one sync; it is just as durable once this
   * resolves, and its listeners hear of it only then.
   */
  async transaction<T>(work: (tx: Repository) => Promise<T>, { syncApart = false }: { syncApart?: boolean } = {}): Promise<T> {
    const run = async () => {
      const committed = new CommitNotes();
      const inTransaction = async (trx: Transaction<Database>) => {
        const answer = await work(new Repository(trx, this.dialect, committed, this.chatQueued));
        // One NOTIFY per transaction, however many groups a storm's batch touched.
        if (committed.alerts && this.dialect === 'postgres') await notifyInstances(trx, ALERTS_CHANGED);
        return answer;
      };
      const result = syncApart && this.wal ? await this.committedApart(this.wal, (db) => db.transaction().execute(inTransaction)) : await this.kysely.transaction().execute(inTransaction);
      if (committed.scheduled.length) this.announceScheduled(committed.scheduled.reduce((a, b) => (b < a ? b : a)));
      if (committed.queued) for (const listener of this.queuedListeners) listener();
      if (committed.everything) this.announceChanged([]);
      else if (committed.changed.size) this.announceChanged([...committed.changed]);
      if (committed.access) this.announceAccessChanged();
      if (committed.alerts) this.announceAlertsChanged();
      return result;
    };
    try {
      return await run();
    } catch (error) {
      if (this.dialect === 'postgres' && isUniqueViolation(error)) return run();
      throw error;
    }
  }

  /** Commits at `synchronous = NORMAL` on the one connection (no other statement runs meanwhile), then waits for the WAL's sync. */
  private async committedApart<T>(wal: WalSync, work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    const result = await this.kysely.connection().execute(async (db) => {
      await sql`pragma synchronous = normal`.execute(db);
      try {
        return await work(db);
      } finally {
        await sql`pragma synchronous = full`.execute(db);
      }
    });
    await wal.sync();
    return result;
  }

  private readonly scheduledListeners = new Set<(dueAt: string) => void>();

  /** Calls `listener` after each commit that added reminders, with the earliest due time added (this instance's writes only). */
  onReminderScheduled(listener: (dueAt: string) => void): () => void {
    this.scheduledListeners.add(listener);
    return () => this.scheduledListeners.delete(listener);
  }

  private readonly queuedListeners = new Set<() => void>();

  /** Calls `listener` after each commit on this instance that queued notification work (new outbox rows, a redelivery). */
  onNotificationQueued(listener: () => void): () => void {
    this.queuedListeners.add(listener);
    return () => this.queuedListeners.delete(listener);
  }

  private readonly changedListeners = new Set<(incidents: number[]) => void>();
  private listening: Promise<pg.Client | null> | null = null;

  /**
   * Calls `listener` after each commit that appended incident events, with the incident
   * numbers. On SQLite (one instance) that is this instance's commits; on PostgreSQL also
   * every other instance's, through LISTEN/NOTIFY, so the realtime stream and the status
   * page see all changes. A number may be announced more than once (a local commit is
   * heard directly and again through PostgreSQL): listeners re-read, they do not count.
   */
  onIncidentsChanged(listener: (incidents: number[]) => void): () => void {
    this.changedListeners.add(listener);
    if (this.dialect === 'postgres' && this.databaseUrl && !this.listening) this.listening = this.listen(this.databaseUrl);
    return () => this.changedListeners.delete(listener);
  }

  private readonly accessListeners = new Set<() => void>();

  /**
   * Calls `listener` after each commit that took access back or changed it (a token revoked, a
   * person deactivated or re-roled): this instance's directly, on PostgreSQL every instance's.
   */
  onAccessChanged(listener: () => void): () => void {
    this.accessListeners.add(listener);
    if (this.dialect === 'postgres' && this.databaseUrl && !this.listening) this.listening = this.listen(this.databaseUrl);
    return () => this.accessListeners.delete(listener);
  }

  private readonly alertsListeners = new Set<() => void>();

  /** Calls `listener` after each commit that created or changed alert groups: this instance's directly, on PostgreSQL every instance's. */
  onAlertsChanged(listener: () => void): () => void {
    this.alertsListeners.add(listener);
    if (this.dialect === 'postgres' && this.databaseUrl && !this.listening) this.listening = this.listen(this.databaseUrl);
    return () => this.alertsListeners.delete(listener);
  }

  private announceAlertsChanged(): void {
    for (const listener of this.alertsListeners) listener();
  }

  private announceAccessChanged(): void {
    for (const listener of this.accessListeners) listener();
  }

  private announceChanged(incidents: number[]): void {
    for (const listener of this.changedListeners) listener(incidents);
  }

  /** One dedicated connection LISTENing; reconnects after a drop, announcing "anything may have changed" (an empty list) once back. */
  private async listen(url: string): Promise<pg.Client | null> {
    while (!this.closing) {
      const client = new pg.Client({ connectionString: url });
      // Every error, not just the first: a dropped connection can report more than one, and an unheard one would end the process.
      const dropped = new Promise<void>((resolve) => {
        client.on('error', (error) => {
          if (!this.closing) this.log?.warn({ err: { message: error.message } }, 'the LISTEN connection was dropped; reconnecting');
          resolve();
        });
        client.once('end', () => resolve());
      });
      try {
        await client.connect();
        client.on('notification', (message) => {
          const [schema, what] = (message.payload ?? '').split('|');
          if (schema !== this.schema) return;
          // '*' (noteStatusPageChanged) is "anything may have changed".
          const number = Number(what);
          if (what === ACCESS_CHANGED) this.announceAccessChanged();
          else if (what === ALERTS_CHANGED) this.announceAlertsChanged();
          else if (what === '*') this.announceChanged([]);
          else if (Number.isInteger(number)) this.announceChanged([number]);
        });
        await client.query(`listen ${INCIDENT_CHANNEL}`);
        this.listener = client;
        if (!this.closing) {
          this.announceChanged([]);
          // A revocation may have been missed while disconnected.
          this.announceAccessChanged();
          this.announceAlertsChanged();
          await dropped;
        }
      } catch {
        // Unreachable database: try again below, unless closing.
      }
      this.listener = null;
      await client.end().catch(() => undefined);
      if (!this.closing) await new Promise((resolve) => setTimeout(resolve, 1000).unref());
    }
    return null;
  }

  private pool: pg.Pool | null = null;

  /** PostgreSQL: the pool's connections (open, idle, and queries waiting for one); null on SQLite. */
  poolUse(): { total: number; idle: number; waiting: number; max: number } | null {
    const pool = this.pool;
    return pool ? { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: pool.options.max ?? 10 } : null;
  }

  private listener: pg.Client | null = null;
  /** PostgreSQL: the schema this store's tables live in (the connection's current_schema). */
  private schema: string | undefined;
  private closing = false;

  private announceScheduled(dueAt: string): void {
    for (const listener of this.scheduledListeners) listener(dueAt);
  }

  /**
   * Runs `work` on the database itself in one transaction, for copying whole tables (backup,
   * restore, moving to PostgreSQL). A snapshot reads one consistent moment and writes nothing.
   */
  async bulk<T>(mode: 'snapshot' | 'write', work: (db: Executor) => Promise<T>): Promise<T> {
    // SQLite in WAL mode reads one moment throughout a transaction already.
    if (mode === 'write' || this.dialect === 'sqlite') return this.kysely.transaction().execute(work);
    return this.kysely
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (trx) => {
        await sql`set transaction read only`.execute(trx);
        return work(trx);
      });
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.kysely);
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const apart of this.apartStores.values()) await apart.close();
    await this.listener?.end().catch(() => undefined);
    await this.listening;
    await this.kysely.destroy();
    // After SQLite has closed the database: see WalSync on why its file stays open until then.
    await this.wal?.close();
  }
}
