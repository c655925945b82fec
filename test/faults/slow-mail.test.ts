/**
 * A mail server that accepts connections and never answers: webhooks still go out at once
 * (e-mail runs in its own lane), and the server still stops within its grace.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, startServerProcess, type Database, type ServerProcess } from '../support/harness.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { SHUTDOWN_GRACE_MS } from '../../src/http/server.js';
import { call } from '../robustness/http.js';

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

describe('a silent SMTP server', () => {
  let db: Database;
  let silent: Server;
  const held: Socket[] = [];
  let receiver: WebhookReceiver;
  let server: ServerProcess;

  beforeAll(async () => {
    db = await freshDatabase('sqlite');
    writeFileSync(join(db.dataDir, 'incident.config.yaml'), 'webhooks:\n  allowTargets: [127.0.0.1]\n');
    silent = createServer((socket) => held.push(socket.on('error', () => undefined)));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    receiver = await new WebhookReceiver().start();
    const smtpPort = (silent.address() as { port: number }).port;
    server = await startServerProcess(db, { SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, MAIL_FROM: 'Incidents <incidents@example.com>', LOG_LEVEL: 'info' });
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    for (const socket of held) socket.destroy();
    silent?.close();
    await receiver?.stop();
    await db?.cleanup();
  });

  it('holds up no webhook, and shutdown does not wait for it', async () => {
    expect((await call(server.url, 'POST', '/people', { handle: 'ivy', name: 'Ivy', role: 'responder', email: 'ivy@example.com' })).status).toBe(201);
    const hook = (await call(server.url, 'POST', '/webhooks', { url: receiver.url('lanes'), events: ['incident.declared'] })).json as { secret: string };
    receiver.secrets.set('/hook/lanes', hook.secret);

    const first = (await call(server.url, 'POST', '/incidents', { title: 'First', severity: 'SEV2' })).json as { id: string };
    // Offered command, ivy is sent an e-mail: it is now stuck on the silent server.
    expect((await call(server.url, 'POST', `/incidents/${first.id}/roles`, { role: 'incident_commander', person: 'ivy' })).status).toBe(202);
    expect(await until(() => held.length > 0, 10_000), server.output()).toBe(true);
    expect(await until(() => receiver.on('lanes').length === 1, 5_000)).toBe(true);
    expect((await call(server.url, 'POST', '/incidents', { title: 'Second', severity: 'SEV2' })).status).toBe(201);
    expect(await until(() => receiver.on('lanes').length === 2, 3_000), server.output()).toBe(true);

    const started = Date.now();
    const exited = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));
    server.child.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), SHUTDOWN_GRACE_MS + 5_000))]);
    expect(code, server.output()).toBe(0);
    expect(Date.now() - started).toBeLessThan(SHUTDOWN_GRACE_MS);
  });
});
