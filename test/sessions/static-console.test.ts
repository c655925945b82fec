import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gunzipSync, gzipSync } from 'node:zlib';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { testApp, type TestApp } from '../support/harness.js';
import { buildApp } from '../../src/http/app.js';

const INDEX = '<!doctype html><html><head><script type="module" src="/assets/index-3f9a1c.js"></script></head><body><div id="root"></div></body></html>';
const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

/** The console's own store-free routes: serving files does not depend on the database, so SQLite is enough. */
describe('the console is served at / with cache headers and deep links', () => {
  let t: TestApp;
  let dir: string;
  let app: FastifyInstance;
  let unbuilt: FastifyInstance;

  beforeAll(async () => {
    t = await testApp('sqlite');
    dir = mkdtempSync(join(tmpdir(), 'console-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), INDEX);
    writeFileSync(join(dir, 'assets', 'index-3f9a1c.js'), 'console.log("console")');
    writeFileSync(join(dir, 'assets', 'index-77b2e0.css'), 'body{color:black}');
    writeFileSync(join(dir, 'assets', 'index-3f9a1c.js.gz'), gzipSync('console.log("console")'));
    app = await buildApp({ store: t.store, config: t.config, clock: t.clock, consoleDir: dir });
    unbuilt = await buildApp({ store: t.store, config: t.config, clock: t.clock, consoleDir: join(dir, 'missing') });
  });
  afterAll(async () => {
    await app.close();
    await unbuilt.close();
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('/ is index.html, revalidated on every load (no-cache)', async () => {
    const res = await app.inject({ method: 'GET', url: '/', headers: html });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(INDEX);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['content-security-policy']).toBe("frame-ancestors 'none'");
  });

  it('hashed assets are cached for a year, immutable', async () => {
    for (const [path, type] of [
      ['/assets/index-3f9a1c.js', /javascript/],
      ['/assets/index-77b2e0.css', /text\/css/],
    ] as const) {
      const res = await app.inject({ method: 'GET', url: path });
      expect(res.statusCode, path).toBe(200);
      expect(res.headers['content-type']).toMatch(type);
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    }
    expect((await app.inject({ method: 'GET', url: '/assets/index-000000.js' })).statusCode).toBe(404);
  });

  it('a browser that accepts gzip gets the precompressed file the build wrote beside the asset', async () => {
    const res = await app.inject({ method: 'GET', url: '/assets/index-3f9a1c.js', headers: { 'accept-encoding': 'gzip, deflate' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(gunzipSync(res.rawPayload).toString()).toBe('console.log("console")');
    const plain = await app.inject({ method: 'GET', url: '/assets/index-77b2e0.css', headers: { 'accept-encoding': 'gzip' } });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe('body{color:black}');
  });

  it('a deep link from a browser gets index.html, so /incidents/INC-7 opens the console there', async () => {
    for (const url of ['/incidents/INC-7', '/incidents/INC-7/timeline?kind=ruled_out', '/declare']) {
      const res = await app.inject({ method: 'GET', url, headers: html });
      expect(res.statusCode, url).toBe(200);
      expect(res.body).toBe(INDEX);
      expect(res.headers['cache-control']).toBe('no-cache');
    }
  });

  it('API, status page and health paths never fall back to the console: unknown ones keep the JSON 404', async () => {
    for (const url of ['/api/v1/nothing-here', '/api/v2/nothing.json', '/status/nothing', '/statuspage-nothing', '/healthz/more']) {
      const res = await app.inject({ method: 'GET', url, headers: html });
      if (url === '/statuspage-nothing') {
        expect(res.body, url).toBe(INDEX);
        continue;
      }
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code, url).toBe('NOT_FOUND');
    }
    const api = await app.inject({ method: 'GET', url: '/incidents/INC-7', headers: { accept: 'application/json' } });
    expect(api.statusCode).toBe(404);
    expect(api.json().error.code).toBe('NOT_FOUND');
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
  });

  it('without a built console, / and deep links say how to build it', async () => {
    for (const url of ['/', '/incidents/INC-7']) {
      const res = await unbuilt.inject({ method: 'GET', url, headers: html });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.body).toContain('npm run build');
    }
    expect((await unbuilt.inject({ method: 'GET', url: '/api/v1/nothing', headers: html })).statusCode).toBe(404);
  });
});
