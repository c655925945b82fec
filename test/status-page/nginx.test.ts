/**
 * Issue 17, item 5: the shipped nginx configuration (docs/nginx-status-page.conf) serves
 * INCIDENT_STATUS_EXPORT_DIR with the live page's headers, header by header, so the static
 * path a spike is sent to cannot drift from the live one. Needs Debian's nginx (.ci/run
 * installs it); skipped, saying so, where it is missing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_TOKEN } from '../support/harness.js';
import { headerDifferences, nginxBinary, rawGet, startStatusNginx } from '../support/nginx.js';
import { API } from '../api/helpers.js';
import { exportingApp } from './support.js';

const CONFIG = { components: [{ id: 'checkout', name: 'Checkout' }] };
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
const nginx = nginxBinary();
if (!nginx) console.warn('test/status-page/nginx.test.ts skipped: nginx is not installed (Debian: apt-get install nginx; .ci/run installs it)');

describe.skipIf(!nginx)('docs/nginx-status-page.conf (sqlite)', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('spike-proof: nginx serves the export with the live page\'s headers (types, Cache-Control, CSP, CORS, Last-Modified, gzip) and revalidates its ETag', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'status-export-'));
    // nginx's worker (nobody, when the tests run as root) reads the copy through this folder.
    chmodSync(dir, 0o755);
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const app = await exportingApp('sqlite', CONFIG, dir, cleanups);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('not listening');
    const live = `http://127.0.0.1:${address.port}`;
    const declared = await app.inject({ method: 'POST', url: `${API}/incidents`, headers: auth, payload: { title: 'Checkout errors', severity: 'SEV2', components: ['checkout'] } });
    expect(declared.statusCode, declared.body).toBe(201);
    await app.statusPage.refresh();

    const server = await startStatusNginx(dir);
    cleanups.push(() => server.stop());
    const stylesheet = /href="(\/status\/assets\/style-[^"]+\.css)"/.exec((await rawGet(live, '/status')).body.toString())?.[1];
    expect(stylesheet).toBeDefined();
    const paths = ['/status', '/status/', '/status/incidents/INC-1', '/status/feed.atom', '/status/history', stylesheet!, '/api/v2/summary.json', '/api/v2/incidents/unresolved.json'];
    expect(await headerDifferences(live, server.url, paths)).toEqual([]);
    // What the page does not have is not found on either.
    for (const path of ['/status/incidents/INC-99', '/api/v2/nothing.json'])
      expect([(await rawGet(live, path)).status, (await rawGet(server.url, path)).status], path).toEqual([404, 404]);
  });
});
