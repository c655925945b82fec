/**
 * Migration 0130 (src/store/migrations/0130-maintenance-reminders.ts) on both stores: windows
 * scheduled before reminders were chosen keep the hour's, and a reminder kept just before the
 * upgrade still reads as the hour's and counts as sent, so nobody hears it twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import pg from 'pg';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { freshDatabase, STORE_KINDS, type Database } from '../support/harness.js';
import { migrations } from '../../src/store/migrations/index.js';
import { runMigrations } from '../../src/store/migrations/run.js';
import { Store } from '../../src/store/store.js';
import { NO_NOTICES, noticesOwed, worthSending } from '../../src/domain/maintenance/notices.js';

const ID = 'mnt_00000000000000c1';
const STARTS = '2026-06-06T16:00:00.000Z';
const window = {
  id: ID,
  title: 'Database upgrade',
  message: 'Read-only.',
  components: '["checkout"]',
  starts_at: STARTS,
  ends_at: '2026-06-06T17:00:00.000Z',
  cancelled_at: null,
  version: 1,
  created_by: 'priya',
  created_at: '2026-06-01T09:00:00.000Z',
  updated_at: '2026-06-01T09:00:00.000Z',
};
const notice = (kind: string, key: string, createdAt: string, fannedOutAt: string | null) => ({
  maintenance_id: ID,
  kind,
  key,
  version: 1,
  components: '["checkout"]',
  // The window as kept with a notice before 0130: the domain's shape, without remindBefore.
  maintenance: JSON.stringify({
    id: ID,
    title: window.title,
    message: window.message,
    components: ['checkout'],
    startsAt: STARTS,
    endsAt: window.ends_at,
    cancelledAt: null,
    version: 1,
    createdBy: window.created_by,
    createdAt: window.created_at,
    updatedAt: window.updated_at,
  }),
  created_at: createdAt,
  fanned_out_at: fannedOutAt,
});

describe.each(STORE_KINDS)('migration 0130: maintenance reminders (%s)', (kind) => {
  let database: Database;
  let store: Store;

  beforeAll(async () => {
    database = await freshDatabase(kind);
    const db = new Kysely<unknown>({
      dialect:
        kind === 'sqlite'
          ? new SqliteDialect({ database: new SQLite(join(database.dataDir, 'incident.sqlite')) })
          : new PostgresDialect({ pool: new pg.Pool({ connectionString: database.env.DATABASE_URL, max: 1 }) }),
    });
    const insert = (table: string, row: Record<string, unknown>) =>
      sql`insert into ${sql.table(table)} (${sql.join(Object.keys(row).map((c) => sql.id(c)))}) values (${sql.join(Object.values(row))})`.execute(db);
    const schema = kind === 'postgres' ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]!.s : undefined;
    const before = Object.fromEntries(Object.entries(migrations(kind)).filter(([name]) => name !== '0130_maintenance_reminders'));
    await runMigrations(db, kind, before, schema);
    await insert('maintenances', window);
    // Announced days ago; its reminder kept at the hour before the start, under the key of the time, not yet fanned out.
    await insert('maintenance_notices', notice('scheduled', `${ID}:scheduled`, window.created_at, window.created_at));
    await insert('maintenance_notices', notice('reminder', `${ID}:reminder:${STARTS}`, '2026-06-06T15:00:00.000Z', null));
    await db.destroy();
    store = await Store.open({ databaseUrl: database.env.DATABASE_URL, dataDir: database.dataDir });
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await database?.cleanup();
  });

  it('a window from before keeps the hour\'s reminder; the one kept before the upgrade reads as the hour\'s and is not owed again', async () => {
    const upgraded = await store.maintenance.get(ID);
    expect(upgraded?.remindBefore).toEqual(['1h']);
    const pending = (await store.maintenance.pendingNotices(10)).filter((n) => n.maintenanceId === ID);
    expect(pending.map((n) => [n.kind, n.kind === 'reminder' ? n.remindBefore : null])).toEqual([['reminder', '1h']]);
    // Still going out as the hour's, while its "in 1 hour" is about true.
    expect(pending[0]!.window.startsAt).toBe(STARTS);
    expect(worthSending(pending[0]!, '2026-06-06T15:10:00.000Z')).toBe(true);
    expect(worthSending(pending[0]!, '2026-06-06T15:20:00.000Z')).toBe(false);
    const history = (await store.maintenance.noticeHistory([ID])).get(ID) ?? NO_NOTICES;
    expect(noticesOwed(upgraded!, history, '2026-06-06T15:20:00.000Z')).toEqual([]);
  });
});
