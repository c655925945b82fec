/**
 * Migration 0121: on PostgreSQL, alert inbox bodies are compressed with lz4 rather than pglz
 * (src/store/migrations/0121-alert-inbox-compression.ts), and read back as they were stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { PG_URL, testApp, type TestApp } from '../support/harness.js';
import { API, ok } from '../api/helpers.js';
import { amAlert, webhook } from '../api/alert-payloads.js';

describe.skipIf(!PG_URL)('alert inbox bodies on PostgreSQL', () => {
  let t: TestApp;
  let client: pg.Client;
  let source: string;

  beforeAll(async () => {
    t = await testApp('postgres');
    client = new pg.Client({ connectionString: t.db.env.DATABASE_URL });
    await client.connect();
    source = String((await ok(t, 201, 'POST', `${API}/alert-sources`, { name: 'prom', type: 'alertmanager' })).id);
  });
  afterAll(async () => {
    await client?.end();
    await t?.close();
  });

  it('are compressed with lz4 where the server has it, and read back byte for byte', async () => {
    const { rows: settings } = await client.query<{ lz4: boolean }>("select 'lz4' = any(enumvals) as lz4 from pg_settings where name = 'default_toast_compression'");
    const lz4 = settings[0]?.lz4 === true;
    // A storm's delivery: 50 alerts, far above the size from which PostgreSQL compresses a value.
    const body = Buffer.from(JSON.stringify(webhook(Array.from({ length: 50 }, (_, i) => amAlert(`host-${i}:9100`)), { groupKey: 'A' })));
    expect(body.length).toBeGreaterThan(10_000);
    const [id] = await t.store.transaction((tx) => tx.alertInbox.add([{ source, body, receivedAt: '2026-06-06T14:20:00.000Z', digest: null }]));

    const { rows } = await client.query<{ compression: string | null; stored: number }>(
      'select pg_column_compression(body) as compression, pg_column_size(body) as stored from alert_inbox where id = $1',
      [id],
    );
    expect(rows[0]!.compression).toBe(lz4 ? 'lz4' : 'pglz');
    expect(rows[0]!.stored).toBeLessThan(body.length / 2);
    expect((await t.store.alertInbox.body(id!))?.equals(body)).toBe(true);
  });
});
