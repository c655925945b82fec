/**
 * A migration marked `outsideTransaction` that builds an index with `createIndexOnline` lets writes
 * to a big table go on during the build (PostgreSQL). Writers run with a lock_timeout, and pg_locks
 * is sampled for what the migration holds on the table; the old way (a plain CREATE INDEX in the
 * migrations' transaction) is measured the same way beside it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { freshDatabase, PG_URL, type Database } from '../support/harness.js';
import { migrations } from '../../src/store/migrations/index.js';
import { schemaHelpers, type IncidentMigration } from '../../src/store/migrations/helpers.js';
import { runMigrations } from '../../src/store/migrations/run.js';

/** Lock modes that make an INSERT (ROW EXCLUSIVE) wait. */
const BLOCKING = ['ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'];
const ROWS = 200_000;

describe.skipIf(!PG_URL)('online index migrations (postgres)', () => {
  let database: Database;
  let pool: pg.Pool;
  let db: Kysely<unknown>;
  let schema: string;
  const helpers = schemaHelpers('postgres');
  /** The test migrations run so far: the migrator refuses a set that lacks one a database has run. */
  const ran: Record<string, IncidentMigration> = {};
  const migrate = (name: string, migration: IncidentMigration) => {
    ran[name] = migration;
    return runMigrations(db, 'postgres', { ...migrations('postgres'), ...ran }, schema);
  };

  beforeAll(async () => {
    database = await freshDatabase('postgres');
    pool = new pg.Pool({ connectionString: database.env.DATABASE_URL, max: 4 });
    db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
    schema = (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]!.s;
    await runMigrations(db, 'postgres', migrations('postgres'), schema);
    await sql`insert into idempotency_keys (person, key, fingerprint, status, body, created_at)
              select 'p', 'k' || n, md5(n::text), 200, repeat(md5(n::text), 4), '2026-01-01T00:00:00Z' from generate_series(1, ${ROWS}) n`.execute(db);
  }, 120_000);

  afterAll(async () => {
    await db?.destroy();
    await database?.cleanup();
  });

  /** Runs `migration` (as the next one) while a writer inserts into idempotency_keys and pg_locks is sampled. */
  async function duringMigration(name: string, migration: IncidentMigration) {
    const writer = new pg.Client({ connectionString: database.env.DATABASE_URL });
    const sampler = new pg.Client({ connectionString: database.env.DATABASE_URL });
    await Promise.all([writer.connect(), sampler.connect()]);
    await writer.query("set lock_timeout = '1s'");
    let done = false;
    const writes = { ok: 0, timedOut: 0, slowestMs: 0 };
    const modes = new Set<string>();
    const writing = (async () => {
      for (let n = 0; !done && n < 100_000; n++) {
        const started = performance.now();
        try {
          await writer.query(
            "insert into idempotency_keys (person, key, fingerprint, status, body, created_at) values ('w', $1, 'f', 200, '{}', '2026-01-02T00:00:00Z')",
            [`${name}-${n}`],
          );
          writes.ok++;
        } catch (error) {
          if ((error as { code?: string }).code !== '55P03') throw error;
          writes.timedOut++;
        }
        writes.slowestMs = Math.max(writes.slowestMs, performance.now() - started);
      }
    })();
    const sampling = (async () => {
      while (!done) {
        const { rows } = await sampler.query<{ mode: string }>(
          'select mode from pg_locks where relation = to_regclass($1) and granted and pid <> $2 and pid <> $3',
          [`${schema}.idempotency_keys`, (writer as unknown as { processID: number }).processID, (sampler as unknown as { processID: number }).processID],
        );
        for (const { mode } of rows) modes.add(mode);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const okBefore = writes.ok;
    try {
      await migrate(name, migration);
    } finally {
      done = true;
      await Promise.all([writing, sampling]);
      await Promise.all([writer.end(), sampler.end()]);
    }
    return { ...writes, during: writes.ok - okBefore, modes: [...modes] };
  }

  it('builds the index CONCURRENTLY, outside a transaction, while writes go on', async () => {
    const result = await duringMigration('0990_online_index', {
      outsideTransaction: true,
      up: (on) => helpers.createIndexOnline(on, 'idempotency_keys_online', 'idempotency_keys', ['fingerprint', 'body']),
    });
    expect(result.timedOut).toBe(0);
    expect(result.during).toBeGreaterThan(0);
    expect(result.modes).toContain('ShareUpdateExclusiveLock');
    expect(result.modes.filter((m) => BLOCKING.includes(m))).toEqual([]);
    const index = await sql<{ valid: boolean }>`select indisvalid as valid from pg_index where indexrelid = to_regclass('idempotency_keys_online')`.execute(db);
    expect(index.rows).toEqual([{ valid: true }]);
    const recorded = await sql<{ name: string }>`select name from kysely_migration where name = '0990_online_index'`.execute(db);
    expect(recorded.rows).toHaveLength(1);
  }, 120_000);

  it('the old way, a plain CREATE INDEX in the migrations’ transaction, holds a lock that blocks writes', async () => {
    const result = await duringMigration('0991_plain_index', {
      async up(on) {
        await on.schema.createIndex('idempotency_keys_plain').on('idempotency_keys').columns(['fingerprint', 'body']).execute();
        // The lock is held to the commit: whatever else the transaction does keeps writers waiting.
        await sql`select pg_sleep(1.5)`.execute(on);
      },
    });
    expect(result.modes.filter((m) => BLOCKING.includes(m))).toContain('ShareLock');
    expect(result.timedOut + (result.slowestMs > 1000 ? 1 : 0)).toBeGreaterThan(0);
  }, 120_000);

  it('replaces an invalid index left by a CONCURRENTLY build that was cut short', async () => {
    // A unique build over duplicate rows fails after creating its (invalid) index, as a build cut short does.
    await expect(sql`create unique index concurrently idempotency_keys_leftover on idempotency_keys (status)`.execute(db)).rejects.toThrow();
    const before = await sql<{ valid: boolean }>`select indisvalid as valid from pg_index where indexrelid = to_regclass('idempotency_keys_leftover')`.execute(db);
    expect(before.rows).toEqual([{ valid: false }]);
    await migrate('0992_leftover', {
      outsideTransaction: true,
      up: (on) => helpers.createIndexOnline(on, 'idempotency_keys_leftover', 'idempotency_keys', ['status']),
    });
    const after = await sql<{ valid: boolean; unique: boolean }>`select indisvalid as valid, indisunique as unique from pg_index where indexrelid = to_regclass('idempotency_keys_leftover')`.execute(db);
    expect(after.rows).toEqual([{ valid: true, unique: false }]);
  }, 120_000);
});
