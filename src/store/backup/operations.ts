/**
 * `incident backup`, `incident restore` and `incident migrate --to`: whole-database copies
 * that keep every incident, event, person, token hash, webhook and delivery state as it is.
 * SQLite is backed up with its own online backup (a database file, safe while the server
 * writes); PostgreSQL with one consistent snapshot of our tables written as a portable
 * archive (src/store/backup/archive.ts). A restore or a move writes everything in one
 * transaction: it lands whole or not at all.
 */
import { copyFileSync, existsSync, mkdtempSync, openSync, readSync, closeSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { Store, type StoreOptions } from '../store.js';
import type { Executor } from '../schema.js';
import type { Dialect } from '../migrations/index.js';
import { ArchiveWriter, readArchive, type ArchiveTable } from './archive.js';
import { countRows, followSequences, insertRows, rowsOf, tablesOf } from './tables.js';

export type DatabaseLocation = Pick<StoreOptions, 'databaseUrl' | 'dataDir'>;

/** What was copied: rows per table. */
export type CopySummary = Record<string, number>;

/** Refused before anything was written; the message says what to do. */
export class CopyRefused extends Error {}

/** By the first bytes: SQLite's own header, or gzip's. */
function fileKind(file: string): 'sqlite' | 'archive' | 'other' {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(16);
    const read = readSync(fd, head, 0, 16, 0);
    if (read === 16 && head.toString('latin1') === 'SQLite format 3\0') return 'sqlite';
    return read >= 2 && head[0] === 0x1f && head[1] === 0x8b ? 'archive' : 'other';
  } finally {
    closeSync(fd);
  }
}

async function migrationNames(db: Executor): Promise<string[]> {
  return (await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db)).rows.map((r) => r.name);
}

export async function backup(location: DatabaseLocation, path: string, now: string): Promise<{ format: 'sqlite' | 'archive'; tables: CopySummary }> {
  if (!location.databaseUrl) {
    const source = join(location.dataDir, 'incident.sqlite');
    if (!existsSync(source)) throw new CopyRefused(`there is no database at ${source} (set INCIDENT_DATA_DIR, or DATABASE_URL for PostgreSQL)`);
    // Through a link to where the backup is kept (`latest.db`, say): the link stays, what it points at is replaced.
    const file = existsSync(path) ? realpathSync(path) : path;
    refuseToReplace(file);
    // Written beside FILE and renamed over it once complete: SQLite's backup cannot write over a database of another page
    // size (one taken before `page_size` changed, README "Storage"), and a backup that fails leaves the last one whole.
    const partial = `${file}.partial`;
    rmSync(partial, { force: true });
    // Created 0600 before a byte is written: the copy holds token hashes and webhook secrets.
    closeSync(openSync(partial, 'wx', 0o600));
    try {
      await copySqlite(source, partial);
      // Again: a write to the earlier backup while this one was taken is not lost unseen.
      refuseToReplace(file);
      // What belonged to the file replaced: SQLite would apply a leftover log or a hot journal to the new one.
      for (const leftover of [`${file}-wal`, `${file}-shm`, `${file}-journal`]) rmSync(leftover, { force: true });
      renameSync(partial, file);
    } catch (error) {
      rmSync(partial, { force: true });
      throw error;
    }
    return { format: 'sqlite', tables: await sqliteFileSummary(file) };
  }
  const store = await Store.open(location);
  try {
    const tables = await store.bulk('snapshot', async (db) => {
      const writer = new ArchiveWriter(path, { format: 'incident-command-backup', version: 1, dialect: 'postgres', takenAt: now, migrations: await migrationNames(db) });
      const counts: CopySummary = {};
      for (const table of await tablesOf(db, 'postgres')) counts[table.name] = await writer.table(table.name, table.columns, rowsOf(db, 'postgres', table));
      await writer.finish();
      return counts;
    });
    return { format: 'archive', tables };
  } finally {
    await store.close();
  }
}

/** SQLite's online backup of `source` into the empty file `into`, left as one self-contained file. */
async function copySqlite(source: string, into: string): Promise<void> {
  const db = new SQLite(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    await db.backup(into);
  } finally {
    db.close();
  }
  // In WAL mode, as copied, every reader would leave a -wal and a -shm beside it.
  const copy = new SQLite(into, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
}

/**
 * A backup replaces only an earlier SQLite backup at its path, never a directory or another kind
 * of file, and not one whose write-ahead log holds changes: something wrote to that copy after
 * it was taken, and removing the log would lose them.
 */
function refuseToReplace(file: string): void {
  const existing = existsSync(file) ? statSync(file) : null;
  if (existing && !existing.isFile()) throw new CopyRefused(`${file} is not a file: name the backup file itself`);
  if (existing && existing.size > 0 && fileKind(file) !== 'sqlite')
    throw new CopyRefused(`${file} exists and is not a SQLite database: choose another path, or remove it first`);
  const wal = `${file}-wal`;
  if (existsSync(wal) && statSync(wal).size > 0)
    throw new CopyRefused(`${wal} holds changes written to a database at ${file} (is it open?): choose another path, or close what has it open and remove both`);
}

/** The backup file opened on its own and checked by SQLite (`integrity_check`), counted table by table. */
async function sqliteFileSummary(file: string): Promise<CopySummary> {
  const db = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    const check = db.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new Error(`the backup ${file} fails SQLite's integrity check: ${String(check)}`);
    const names = (db.prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_migration%' order by name`).all() as { name: string }[]).map((r) => r.name);
    return Object.fromEntries(names.map((name) => [name, Number((db.prepare(`select count(*) as n from "${name}"`).get() as { n: number }).n)]));
  } finally {
    db.close();
  }
}

/** Where rows come from: first the migrations they were written under (`begin`), then each table (`take`, parents first). */
type Feed = (begin: (migrations: string[]) => Promise<void>, take: (table: ArchiveTable) => Promise<void>) => Promise<void>;

/** Writes what `feed` gives into the database behind `target`, replacing what it holds, checked row for row. */
async function load(target: Store, replace: boolean, feed: Feed): Promise<CopySummary> {
  return target.bulk('write', async (db) => {
    const existing = await tablesOf(db, target.dialect);
    const begin = async (sourceMigrations: string[]) => {
      const ours = await migrationNames(db);
      const newer = sourceMigrations.filter((m) => !ours.includes(m));
      if (newer.length) throw new CopyRefused(`the backup was made by a newer version (migrations ${newer.join(', ')}); install that version or newer to restore it`);
      const older = ours.filter((m) => !sourceMigrations.includes(m));
      if (older.length) throw new CopyRefused(`the backup was made by an older version (it lacks migrations ${older.join(', ')}); restore it with that version, then start this one to upgrade`);
      const [incidents, people] = [await countRows(db, 'incidents'), await countRows(db, 'people')];
      if ((incidents > 0 || people > 0) && !replace)
        throw new CopyRefused(`the target database already holds ${incidents} incidents and ${people} people; use an empty one, or --replace to overwrite it`);
      for (const table of [...existing].reverse()) await sql`delete from ${sql.table(table.name)}`.execute(db);
    };
    const copied: CopySummary = {};
    await feed(begin, async ({ name, columns, rows }) => {
      const known = existing.find((t) => t.name === name);
      if (!known) throw new CopyRefused(`the backup holds a table this version does not know: ${name}`);
      const unknown = columns.filter((c) => !known.columns.includes(c));
      if (unknown.length) throw new CopyRefused(`the backup's ${name} has columns this version does not know: ${unknown.join(', ')}`);
      copied[name] = 0;
      for await (const batch of rows) {
        await insertRows(db, name, columns, batch);
        copied[name] += batch.length;
      }
    });
    if (target.dialect === 'postgres') await followSequences(db, existing);
    for (const [name, count] of Object.entries(copied)) {
      const stored = await countRows(db, name);
      if (stored !== count) throw new Error(`copying ${name}: ${count} rows read, ${stored} stored`);
    }
    return copied;
  });
}

/** Copies everything `source` holds into `target` (both migrated to this version), from one consistent read. */
async function copyBetween(source: Store, target: Store, replace: boolean): Promise<CopySummary> {
  return source.bulk('snapshot', (src) =>
    load(target, replace, async (begin, take) => {
      await begin(await migrationNames(src));
      for (const table of await tablesOf(src, source.dialect)) await take({ name: table.name, columns: table.columns, rows: rowsOf(src, source.dialect, table) });
    }),
  );
}

/**
 * Restores a backup into the configured database. A SQLite backup is opened on a copy and
 * upgraded to this version first, so one made by an earlier release restores too.
 */
export async function restore(location: DatabaseLocation, file: string, replace: boolean): Promise<{ into: Dialect; tables: CopySummary }> {
  if (!existsSync(file)) throw new CopyRefused(`${file} does not exist`);
  const target = await Store.open(location);
  try {
    const kind = fileKind(file);
    if (kind === 'other') throw new CopyRefused(`${file} is neither a SQLite backup nor an Incident Command archive`);
    if (kind === 'archive') return { into: target.dialect, tables: await load(target, replace, (begin, take) => readArchive(file, (header) => begin(header.migrations), take)) };
    const dir = mkdtempSync(join(tmpdir(), 'incident-restore-'));
    try {
      copyFileSync(file, join(dir, 'incident.sqlite'));
      const source = await Store.open({ dataDir: dir });
      try {
        return { into: target.dialect, tables: await copyBetween(source, target, replace) };
      } finally {
        await source.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    await target.close();
  }
}

/** Moves the SQLite installation in `dataDir` into the PostgreSQL database at `url`. */
export async function migrateToPostgres(dataDir: string, url: string, replace: boolean): Promise<CopySummary> {
  if (!/^postgres(ql)?:\/\//.test(url)) throw new CopyRefused('--to must be a postgres:// URL');
  if (!existsSync(join(dataDir, 'incident.sqlite'))) throw new CopyRefused(`there is no SQLite database in ${dataDir} to move (set INCIDENT_DATA_DIR)`);
  const source = await Store.open({ dataDir });
  try {
    const target = await Store.open({ databaseUrl: url, dataDir });
    try {
      return await copyBetween(source, target, replace);
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}
