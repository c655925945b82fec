/**
 * R10 with several instances on one PostgreSQL database: a change written through one
 * instance is on every instance's page within a second (LISTEN/NOTIFY), components and
 * maintenance included, with the same bytes (so the same ETag) everywhere.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { ADMIN_TOKEN, PG_URL, TestClock, freshDatabase, type Database } from '../support/harness.js';
import { Store } from '../../src/store/store.js';
import { buildConfig } from '../../src/config/load.js';
import { buildApp } from '../../src/http/app.js';
import { bootstrapAdmin } from '../../src/commands/bootstrap-admin.js';
import { API } from '../api/helpers.js';

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

async function within(ms: number, check: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return check();
}

describe.skipIf(!PG_URL)('status page across instances (postgres)', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("R10: a change made through one instance is on the other instance's page within a second, byte for byte", async () => {
    const db: Database = await freshDatabase('postgres');
    cleanups.push(() => db.cleanup());
    const clock = new TestClock();
    const config = buildConfig({ components: [{ id: 'checkout', name: 'Checkout' }] });
    const apps: FastifyInstance[] = [];
    for (let i = 0; i < 2; i++) {
      const store = await Store.open({ databaseUrl: db.env.DATABASE_URL, dataDir: db.dataDir });
      if (i === 0) await bootstrapAdmin(store, db.dataDir, clock.now().toISOString(), ADMIN_TOKEN);
      const app = await buildApp({ store, config, clock });
      cleanups.push(() => store.close(), () => app.close());
      await app.ready();
      apps.push(app);
    }
    const [a, b] = apps as [FastifyInstance, FastifyInstance];
    const page = (app: FastifyInstance, url = '/status') => app.inject({ method: 'GET', url });

    const declared = await a.inject({ method: 'POST', url: `${API}/incidents`, headers: auth, payload: { title: 'Checkout errors', severity: 'SEV1', components: ['checkout'] } });
    expect(declared.statusCode).toBe(201);
    expect(await within(1000, async () => (await page(b)).body.includes('Checkout errors'))).toBe(true);

    const created = await a.inject({ method: 'POST', url: `${API}/components`, headers: auth, payload: { id: 'search', name: 'Search' } });
    expect(created.statusCode).toBe(201);
    expect(await within(1000, async () => (await page(b, '/api/v2/components.json')).body.includes('"Search"'))).toBe(true);

    await a.statusPage.refresh();
    await b.statusPage.refresh();
    const [fromA, fromB] = [await page(a, '/api/v2/summary.json'), await page(b, '/api/v2/summary.json')];
    expect(fromB.body).toBe(fromA.body);
    expect(fromB.headers.etag).toBe(fromA.headers.etag);
  });
});
