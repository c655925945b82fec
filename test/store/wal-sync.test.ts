import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { WalSync } from '../../src/store/wal-sync.js';
import { testApp } from '../support/harness.js';
import { API, ok } from '../api/helpers.js';

/**
 * Commits synced apart from the main thread (src/store/wal-sync.ts): the connection is back
 * at synchronous = FULL after each, whatever happened in it, and commits asking together
 * share syncs.
 */
describe('SQLite commits synced apart', () => {
  const dirs: string[] = [];
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'wal-sync-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('commits asking while a sync is under way share the next one', async () => {
    const file = join(dir(), 'f');
    writeFileSync(file, 'x');
    const wal = new WalSync(file);
    await Promise.all(Array.from({ length: 50 }, () => wal.sync()));
    expect(wal.counts.waits).toBe(50);
    // The first starts at once; the 49 asking during it share the one after.
    expect(wal.counts.syncs).toBe(2);
    await wal.sync();
    expect(wal.counts.syncs).toBe(3);
    await wal.close();
  });

  it('a sync that cannot open the file fails, and the next one tries again', async () => {
    const file = join(dir(), 'later');
    const wal = new WalSync(file);
    await expect(wal.sync()).rejects.toThrow(/ENOENT/);
    writeFileSync(file, 'x');
    await expect(wal.sync()).resolves.toBeUndefined();
    await wal.close();
  });

  it('leaves the connection at synchronous = FULL after a commit and after a rollback, and the commit is there', async () => {
    const t = await testApp('sqlite');
    const store = t.store;
    const source = String((await ok(t, 201, 'POST', `${API}/alert-sources`, { name: 'prom', type: 'alertmanager' })).id);
    try {
      const level = () => store.bulk('snapshot', async (db) => Number((await sql<{ synchronous: number }>`pragma synchronous`.execute(db)).rows[0]!.synchronous));
      expect(await level()).toBe(2);
      const [id] = await store.transaction((tx) => tx.alertInbox.add([{ source, body: Buffer.from('{}'), receivedAt: '2026-06-06T14:00:00.000Z', digest: null }]), {
        syncApart: true,
      });
      expect(await level()).toBe(2);
      await expect(
        store.transaction(
          async (tx) => {
            await tx.alertInbox.add([{ source, body: Buffer.from('{}'), receivedAt: '2026-06-06T14:00:01.000Z', digest: null }]);
            throw new Error('refused');
          },
          { syncApart: true },
        ),
      ).rejects.toThrow('refused');
      expect(await level()).toBe(2);
      expect(await store.alertInbox.pending(0, 10, 10)).toEqual([id]);
    } finally {
      await t.close();
    }
  });
});
