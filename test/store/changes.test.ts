import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PG_URL, STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, declare, ok } from '../api/helpers.js';
import { Store } from '../../src/store/store.js';

/** Resolves with the first announcement that names `number`. */
function heard(store: Store, number: number): Promise<void> {
  return new Promise((resolve) => {
    const stop = store.onIncidentsChanged((numbers) => {
      if (numbers.includes(number)) {
        stop();
        resolve();
      }
    });
  });
}

/** Resolves once `store` is LISTENing (it then announces "anything may have changed"). */
function listening(store: Store): Promise<void> {
  return new Promise((resolve) => {
    const stop = store.onIncidentsChanged((numbers) => {
      if (numbers.length === 0) {
        stop();
        resolve();
      }
    });
  });
}

describe.each(STORE_KINDS)('commits announce the incidents they changed (%s)', (kind) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await testApp(kind);
  });
  afterEach(() => t.close());

  it('a write is announced after it commits; a refused one is not', async () => {
    // On PostgreSQL this instance's commits are heard a second time, later, through NOTIFY: counting is for SQLite.
    const announced: number[][] = [];
    t.store.onIncidentsChanged((numbers) => announced.push(numbers));
    const incident = await declare(t, { title: 'Checkout failing', severity: 'SEV2' });
    await ok(t, 201, 'POST', `${API}/incidents/${incident.number}/timeline`, { kind: 'note', text: 'looking' });
    const before = announced.length;
    const refused = await t.call('POST', `${API}/incidents/${incident.number}/severity`, { severity: 'SEV9', reason: 'x' });
    expect(refused.statusCode).toBeGreaterThanOrEqual(400);
    if (kind === 'sqlite') expect(announced.length).toBe(before);
    expect(announced.flat().filter((n) => n === incident.number).length).toBeGreaterThanOrEqual(2);
  });
});

describe.skipIf(!PG_URL)('PostgreSQL: another instance hears the change', () => {
  let t: TestApp;
  let other: Store;
  beforeEach(async () => {
    t = await testApp('postgres');
    other = await Store.open({ databaseUrl: t.db.env.DATABASE_URL, dataDir: t.db.dataDir });
  });
  afterEach(async () => {
    await other.close();
    await t.close();
  });

  it('a commit on one store is announced on the other through LISTEN/NOTIFY; commits in another schema are not', async () => {
    await listening(other);
    const elsewhere = await testApp('postgres');
    const heardElsewhere: number[][] = [];
    other.onIncidentsChanged((numbers) => heardElsewhere.push(numbers));
    try {
      await declare(elsewhere, { title: 'Another tenant', severity: 'SEV3' });
    } finally {
      await elsewhere.close();
    }
    // A fresh database: the first incident is number 1.
    const arrives = heard(other, 1);
    const incident = await declare(t, { title: 'Search slow', severity: 'SEV3' });
    expect(incident.number).toBe(1);
    await arrives;
    expect(heardElsewhere.flat()).toEqual([1]);
  });
});
