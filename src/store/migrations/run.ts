/**
 * Applies the migrations a database has not run. SQLite runs them all in one transaction. On
 * PostgreSQL a migration marked `outsideTransaction` runs on its own, outside any transaction
 * (CREATE INDEX CONCURRENTLY), and the others in transactions between such ones.
 */
import { Migrator, sql, type Kysely, type Migration } from 'kysely';
import type { Dialect, IncidentMigration } from './helpers.js';

// Kysely's own migration lock, so that an instance running Kysely's migrator alone still waits for us.
const MIGRATION_LOCK = sql.lit(BigInt('3853314791062309107'));
/** As long as Kysely's own migrator waits for the lock. */
const LOCK_WAIT_MS = 60 * 60_000;

export async function runMigrations<DB>(
  db: Kysely<DB>,
  dialect: Dialect,
  all: Record<string, IncidentMigration>,
  schema: string | undefined,
): Promise<void> {
  const migrator = (on: Kysely<DB>, only: Record<string, Migration>, disableTransactions = false) =>
    new Migrator({
      db: on,
      provider: { getMigrations: async () => only },
      // Numbers were handed out to work done side by side, so a database may have run a later one first (0007 before 0006): run what is missing.
      allowUnorderedMigrations: true,
      disableTransactions,
      // Kysely looks for its migration tables in every schema unless told which one.
      ...(schema ? { migrationTableSchema: schema } : {}),
    });
  if (dialect === 'sqlite') {
    const { error } = await migrator(db, all).migrateToLatest();
    if (error) throw error;
    return;
  }
  await db.connection().execute(async (connection) => {
    await takeLock(connection);
    try {
      for (let step = 0; step <= Object.keys(all).length; step++) {
        const pending = (await migrator(connection, all).getMigrations()).filter((m) => !m.executedAt).map((m) => m.name);
        if (!pending.length) return;
        const outside = pending.findIndex((name) => all[name]!.outsideTransaction);
        const now = outside === 0 ? pending.slice(0, 1) : outside < 0 ? pending : pending.slice(0, outside);
        // The migrator runs everything pending it is given: the later ones are left out of this round.
        const later = new Set(pending.slice(now.length));
        const { error } = await migrator(
          connection,
          Object.fromEntries(Object.entries(all).filter(([name]) => !later.has(name))),
          outside === 0,
        ).migrateToLatest();
        if (error) throw error;
      }
      throw new Error('migrations still pending after running each of them');
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`.execute(connection);
    }
  });
}

/**
 * Waits for the migration lock by trying again rather than in a blocking call: an instance blocked
 * in one holds a snapshot that CREATE INDEX CONCURRENTLY, run by the lock's holder, waits for.
 * Kysely's migrator then takes the same lock again on this session, which PostgreSQL allows.
 */
async function takeLock<DB>(connection: Kysely<DB>): Promise<void> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(${MIGRATION_LOCK}) as locked`.execute(connection);
    if (rows[0]?.locked) return;
    if (Date.now() > deadline) throw new Error('another instance has held the migration lock for an hour');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
