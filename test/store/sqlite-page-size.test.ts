import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { SQLITE_PAGE_SIZE, Store } from '../../src/store/store.js';
import { bootstrapAdmin } from '../../src/commands/bootstrap-admin.js';
import { ADMIN_TOKEN } from '../support/harness.js';

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

/** A new database takes larger pages (src/store/store.ts, SQLITE_PAGE_SIZE); one made by an earlier release keeps its own. */
describe('SQLite page size', () => {
  const dirs: string[] = [];
  const dataDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'page-size-'));
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

  it('a database made with 4 KiB pages keeps them, migrates and takes writes, open after open', async () => {
    const dir = dataDir();
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'incident.sqlite');
    const earlier = new SQLite(file);
    earlier.pragma('page_size = 4096');
    earlier.pragma('journal_mode = WAL');
    earlier.exec('create table left_by_an_earlier_release (x integer)');
    earlier.close();

    await openWriteClose(dir);
    await openWriteClose(dir);
    expect(inspect(file)).toEqual({ pageSize: 4096, integrity: 'ok', journal: 'wal', people: 1 });
  });
});
