/**
 * Secrets stay where they belong: a database password is not printed even for a URL
 * `new URL` rejects, link tokens are not in request logs, /readyz does not hand the
 * database's own error to whoever asks, and the SQLite file is readable by its owner only.
 */
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, freshDatabase, startServerProcess, testApp, type Database, type TestApp } from '../support/harness.js';
import { Store } from '../../src/store/store.js';

describe('secrets', () => {
  it('a DATABASE_URL that new URL rejects (a socket directory as host) is never printed with its password', async () => {
    const db = await freshDatabase('sqlite');
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0'], {
      cwd: db.dataDir,
      env: { ...process.env, INCIDENT_DATA_DIR: db.dataDir, DATABASE_URL: 'postgres://incident:Sup3rSecretPw@/incident?host=/nonexistent-socket-dir', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.once('exit', (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    await db.cleanup();
    expect(code).not.toBe(0);
    expect(output.length).toBeGreaterThan(0);
    expect(output).not.toContain('Sup3rSecretPw');
  });

  it('the SQLite file is created readable and writable by its owner only', async () => {
    const db = await freshDatabase('sqlite');
    const previous = process.umask(0o022);
    try {
      const store = await Store.open({ dataDir: join(db.dataDir, 'fresh') });
      await store.close();
    } finally {
      process.umask(previous);
    }
    expect(statSync(join(db.dataDir, 'fresh', 'incident.sqlite')).mode & 0o777).toBe(0o600);
    expect(statSync(join(db.dataDir, 'fresh')).mode & 0o077).toBe(0);
    await db.cleanup();
  });

  describe('/readyz', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await testApp('sqlite');
    });
    afterAll(async () => t.close());

    it("says the database does not answer, without the database's own words", async () => {
      const ping = t.store.ping.bind(t.store);
      t.store.ping = async () => {
        throw new Error('password authentication failed for user "incident_owner" at db-primary.internal:5432');
      };
      try {
        const anonymous = await t.app.inject({ method: 'GET', url: '/readyz' });
        expect(anonymous.statusCode).toBe(503);
        expect(anonymous.json()).toMatchObject({ error: { code: 'STORE_UNREACHABLE' } });
        expect(anonymous.body).not.toContain('incident_owner');
        expect(anonymous.body).not.toContain('db-primary');
      } finally {
        t.store.ping = ping;
      }
    });
  });

  describe('request logs', () => {
    let db: Database;
    beforeAll(async () => {
      db = await freshDatabase('sqlite');
    });
    afterAll(async () => db.cleanup());

    it('leave out the unsubscribe and confirm links\' tokens', async () => {
      const server = await startServerProcess(db, { LOG_LEVEL: 'info' });
      try {
        const token = 'A'.repeat(43);
        for (const path of [`/status/unsubscribe?token=${token}`, `/status/subscription/confirm?token=${token}&x=1`]) await (await fetch(`${server.url}${path}`)).text();
        await new Promise((r) => setTimeout(r, 200));
        expect(server.output()).toContain('/status/unsubscribe?token=[redacted]');
        expect(server.output()).toContain('/status/subscription/confirm?token=[redacted]&x=1');
        expect(server.output()).not.toContain(token);
      } finally {
        await server.stop();
      }
    });
  });
});
