/**
 * Stopping works the way operators stop things: SIGTERM to `npm start` alone (as a
 * container runtime or supervisor sends it) reaches the server, and a server with a
 * thousand open event streams exits within its shutdown grace.
 */
import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, ROOT, freePort, freshDatabase, startServerProcess, type Database } from '../support/harness.js';
import { SHUTDOWN_GRACE_MS } from '../../src/http/server.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(check: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

describe('stopping the server', () => {
  let db: Database;
  beforeAll(async () => {
    db = await freshDatabase('sqlite');
  });
  afterAll(async () => db.cleanup());

  it('SIGTERM to `npm start` alone stops the server', async () => {
    const port = await freePort();
    // The build is the test command's first step; --ignore-scripts leaves out prestart's second one.
    const npm = spawn('npm', ['start', '--ignore-scripts', '--silent'], {
      cwd: ROOT,
      env: { ...process.env, ...db.env, PORT: String(port), HOST: '127.0.0.1', INCIDENT_BOOTSTRAP_TOKEN: ADMIN_TOKEN, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    npm.stdout.on('data', (d) => (output += d));
    npm.stderr.on('data', (d) => (output += d));
    let serverPid = 0;
    try {
      expect(await until(() => /"pid":(\d+).*Server listening/.test(output), 30_000), output).toBe(true);
      serverPid = Number(/"pid":(\d+).*Server listening/.exec(output)![1]);
      npm.kill('SIGTERM');
      expect(await until(() => !alive(serverPid), 15_000), output).toBe(true);
    } finally {
      if (serverPid && alive(serverPid)) process.kill(serverPid, 'SIGKILL');
      npm.kill('SIGKILL');
    }
  });

  it('with a thousand event streams open, SIGTERM ends them and the process within its grace', async () => {
    const server = await startServerProcess(db);
    const streams: Socket[] = [];
    let opened = 0;
    let ended = 0;
    try {
      for (let i = 0; i < 1000; i++) {
        const socket = connect(server.port, '127.0.0.1', () =>
          socket.write(`GET /api/v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN_TOKEN}\r\nAccept: text/event-stream\r\n\r\n`),
        );
        socket.once('data', () => opened++);
        socket.once('close', () => ended++);
        socket.on('error', () => undefined);
        streams.push(socket);
      }
      expect(await until(() => opened === streams.length, 30_000), `${opened} opened`).toBe(true);
      const started = Date.now();
      const exited = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));
      server.child.kill('SIGTERM');
      const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), SHUTDOWN_GRACE_MS + 5_000))]);
      expect(code, server.output()).toBe(0);
      expect(Date.now() - started).toBeLessThan(SHUTDOWN_GRACE_MS + 2_000);
      expect(await until(() => ended === streams.length, 5_000)).toBe(true);
    } finally {
      for (const socket of streams) socket.destroy();
      await server.stop('SIGKILL');
    }
  });
});
