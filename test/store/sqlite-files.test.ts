import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { SQLITE_PAGE_SIZE, Store } from '../../src/store/store.js';
import { bootstrapAdmin } from '../../src/commands/bootstrap-admin.js';
import { backup, CopyRefused } from '../../src/store/backup/operations.js';
import { ADMIN_TOKEN } from '../support/harness.js';

const require = createRequire(import.meta.url);

/** Inspects the file with a connection of its own, after the store has closed it. */
function inspect(file: string): { pageSize: number; integrity: string; journal: string; people: number } {
  const db = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    return {
      pageSize: db.pragma('page_size', { simple: true }) as number,
      integrity: db.pragma('integrity_check', { simple: true }) as string,
      journal: db.pragma('journal_mode', { simple: true }) as string,
      people: (db.prepare('select count(*) as n from people').get() as { n: number }).n,
    };
  } finally {
    db.close();
  }
}

/**
 * The SQLite files: a new database takes larger pages (src/store/store.ts, SQLITE_PAGE_SIZE) and
 * one made by an earlier release keeps its own; a backup (src/store/backup/operations.ts) replaces
 * the last one at its path whatever its page size, and only a backup.
 */
describe('SQLite files: page size, and backups over earlier ones', () => {
  const dirs: string[] = [];
  const dataDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'sqlite-files-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  async function openWriteClose(dir: string): Promise<void> {
    const store = await Store.open({ dataDir: dir });
    await bootstrapAdmin(store, dir, '2026-12-07T12:00:00.000Z', ADMIN_TOKEN);
    await store.close();
  }

  it(`a new database is created with ${SQLITE_PAGE_SIZE}-byte pages, in WAL mode`, async () => {
    const dir = dataDir();
    await openWriteClose(dir);
    expect(SQLITE_PAGE_SIZE).toBeGreaterThan(4096);
    expect(inspect(join(dir, 'incident.sqlite'))).toEqual({ pageSize: SQLITE_PAGE_SIZE, integrity: 'ok', journal: 'wal', people: 1 });
  });

  // In rollback-journal mode too, where a VACUUM would take a new page size (in WAL mode it cannot).
  it.each(['WAL', 'DELETE'])('a database made with 4 KiB pages (journal mode %s) keeps them, migrates and takes writes, open after open', async (mode) => {
    const dir = dataDir();
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'incident.sqlite');
    const earlier = new SQLite(file);
    earlier.pragma('page_size = 4096');
    earlier.pragma(`journal_mode = ${mode}`);
    earlier.exec('create table left_by_an_earlier_release (x integer)');
    earlier.close();

    await openWriteClose(dir);
    await openWriteClose(dir);
    expect(inspect(file)).toEqual({ pageSize: 4096, integrity: 'ok', journal: 'wal', people: 1 });
  });

  it('a backup replaces an earlier one of another page size at its path, as one file on its own', async () => {
    const [earlier, later] = [dataDir(), dataDir()];
    const file = join(earlier, 'backup.db');
    writeFileSync(join(earlier, 'incident.sqlite'), '');
    const old = new SQLite(join(earlier, 'incident.sqlite'));
    old.pragma('page_size = 4096');
    old.pragma('journal_mode = WAL');
    old.close();
    await openWriteClose(earlier);
    await backup({ dataDir: earlier }, file, '2026-12-07T12:00:00.000Z');
    expect(inspect(file).pageSize).toBe(4096);

    await openWriteClose(later);
    const taken = await backup({ dataDir: later }, file, '2026-12-07T13:00:00.000Z');
    expect(taken.tables.people).toBe(1);
    expect(inspect(file)).toEqual({ pageSize: SQLITE_PAGE_SIZE, integrity: 'ok', journal: 'delete', people: 1 });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(earlier).filter((f) => f.startsWith('backup.db'))).toEqual(['backup.db']);
  });

  it('a backup refuses to replace a file that is not a SQLite database, a directory, or one written to since', async () => {
    const dir = dataDir();
    await openWriteClose(dir);
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'not a database');
    await expect(backup({ dataDir: dir }, notes, '2026-12-07T12:00:00.000Z')).rejects.toThrow(CopyRefused);
    expect(readFileSync(notes, 'utf8')).toBe('not a database');
    expect(existsSync(`${notes}.partial`)).toBe(false);
    await expect(backup({ dataDir: dir }, dir, '2026-12-07T12:00:00.000Z')).rejects.toThrow(/is not a file/);

    const file = join(dir, 'backup.db');
    await backup({ dataDir: dir }, file, '2026-12-07T12:00:00.000Z');
    const opened = new SQLite(file);
    try {
      opened.pragma('journal_mode = WAL');
      opened.exec('create table written_after (x integer)');
      await expect(backup({ dataDir: dir }, file, '2026-12-07T13:00:00.000Z')).rejects.toThrow(/holds changes written to/);
    } finally {
      opened.close();
    }
  });

  it('a backup over one left with a hot journal (a writer killed mid-transaction) is whole, and the journal is not applied to it', async () => {
    const dir = dataDir();
    await openWriteClose(dir);
    const file = join(dir, 'backup.db');
    await backup({ dataDir: dir }, file, '2026-12-07T12:00:00.000Z');
    const writer = [
      `const db = new (require(${JSON.stringify(require.resolve('better-sqlite3'))}))(${JSON.stringify(file)});`,
      "db.pragma('cache_size = 1'); db.exec('create table junk (x); begin');",
      "const insert = db.prepare('insert into junk values (randomblob(3000))');",
      'for (let i = 0; i < 200; i++) insert.run();',
      "process.kill(process.pid, 'SIGKILL');",
    ].join('\n');
    expect(spawnSync(process.execPath, ['-e', writer]).signal).toBe('SIGKILL');
    expect(statSync(`${file}-journal`).size).toBeGreaterThan(0);

    const taken = await backup({ dataDir: dir }, file, '2026-12-07T13:00:00.000Z');
    expect(taken.tables.people).toBe(1);
    expect(existsSync(`${file}-journal`)).toBe(false);
    // Opened for writing, the way SQLite would roll a hot journal back into it.
    const reopened = new SQLite(file);
    try {
      expect(reopened.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      reopened.close();
    }
  });

  it('a backup through a link replaces what the link points at, and the link stays', async () => {
    const dir = dataDir();
    await openWriteClose(dir);
    const kept = join(dir, 'kept.db');
    const link = join(dir, 'latest.db');
    await backup({ dataDir: dir }, kept, '2026-12-07T12:00:00.000Z');
    symlinkSync(kept, link);
    await backup({ dataDir: dir }, link, '2026-12-07T13:00:00.000Z');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(inspect(kept).integrity).toBe('ok');
  });
});
