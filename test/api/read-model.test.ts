import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { STORE_KINDS, testApp, type Database, type TestApp } from '../support/harness.js';
import { API, UPDATE, declare, ok } from './helpers.js';
import { Store } from '../../src/store/store.js';
import { READ_MODEL_VERSION, fold } from '../../src/domain/model/state.js';

/** Runs SQL on the database itself, past the store; `?` placeholders on both. */
async function rawSql(db: Database, text: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  if (db.kind === 'sqlite') {
    const database = new SQLite(join(db.dataDir, 'incident.sqlite'));
    try {
      const statement = database.prepare(text);
      if (statement.reader) return statement.all(...params) as Record<string, unknown>[];
      statement.run(...params);
      return [];
    } finally {
      database.close();
    }
  }
  const client = new pg.Client({ connectionString: db.env.DATABASE_URL });
  await client.connect();
  try {
    let n = 0;
    return (await client.query(text.replace(/\?/g, () => `$${++n}`), params)).rows;
  } finally {
    await client.end();
  }
}

describe.each(STORE_KINDS)('the read model is rebuilt from the events (%s)', (kind) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await testApp(kind);
  });
  afterEach(() => t.close());

  const reopen = () => Store.open({ databaseUrl: t.db.env.DATABASE_URL, dataDir: t.db.dataDir });

  /** Makes INC-n's row disagree with its events, as rows written by an older `evolve` would. */
  async function corrupt(number: number) {
    const [row] = await rawSql(t.db, 'select state from incidents where number = ?', [number]);
    const state = { ...JSON.parse(String(row!.state)), title: 'Stale title' };
    await rawSql(t.db, `update incidents set state = ?, severity = 'SEV9' where number = ?`, [JSON.stringify(state), number]);
  }

  async function storedVersion() {
    const [row] = await rawSql(t.db, `select value from counters where name = 'read_model'`);
    return Number(row!.value);
  }

  it('re-folds every incident on start when the rows were written by another READ_MODEL_VERSION', async () => {
    const incident = await declare(t, { title: 'Checkout errors', severity: 'SEV2' });
    await ok(t, 201, 'POST', `${API}/incidents/${incident.id}/updates`, UPDATE);
    const folded = fold(await t.store.incidents.events(incident.number));
    expect(await t.store.incidents.load(incident.number)).toEqual(folded);
    expect(await storedVersion()).toBe(READ_MODEL_VERSION);

    await corrupt(incident.number);
    // Same version: the snapshot is trusted, not re-folded on every start.
    const unchanged = await reopen();
    try {
      expect((await unchanged.incidents.load(incident.number))?.title).toBe('Stale title');
    } finally {
      await unchanged.close();
    }

    await rawSql(t.db, `update counters set value = 0 where name = 'read_model'`);
    const rebuilt = await reopen();
    try {
      expect(await rebuilt.incidents.load(incident.number)).toEqual(folded);
      expect(await rebuilt.incidents.list({ severity: 'SEV2' })).toEqual([folded]);
      expect(await storedVersion()).toBe(READ_MODEL_VERSION);
    } finally {
      await rebuilt.close();
    }
  });

  it.runIf(kind === 'postgres')('two instances starting at once both come up, on the rebuilt rows', async () => {
    const incident = await declare(t, { title: 'Checkout errors', severity: 'SEV2' });
    const folded = fold(await t.store.incidents.events(incident.number));
    await corrupt(incident.number);
    await rawSql(t.db, `update counters set value = 0 where name = 'read_model'`);

    const stores = await Promise.all([reopen(), reopen()]);
    try {
      for (const store of stores) expect(await store.incidents.load(incident.number)).toEqual(folded);
      expect(await storedVersion()).toBe(READ_MODEL_VERSION);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});
