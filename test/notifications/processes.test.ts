/**
 * The notification processor inside real server processes: a commit wakes it (the
 * delivery arrives at once, not after the longest sleep), and across a SIGKILL and a
 * restart every event reaches the receiver (and every e-mail its reader, over SMTP from
 * `SMTP_URL`) exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN_TOKEN, STORE_KINDS, freshDatabase, startServerProcess, type Database, type ServerProcess } from '../support/harness.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { SmtpReceiver } from '../support/smtp-receiver.js';

async function call(server: ServerProcess, method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function waitFor(check: () => boolean, ms = 5_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.each(STORE_KINDS)('Webhooks from a server process (%s)', (kind) => {
  let db: Database;
  let receiver: WebhookReceiver;
  let smtp: SmtpReceiver;
  const env = () => ({ SMTP_URL: smtp.url, MAIL_FROM: 'Incidents <incidents@example.com>' });
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    db = await freshDatabase(kind);
    // The receiver listens on 127.0.0.1, which webhooks may reach only when the configuration says so.
    writeFileSync(join(db.dataDir, 'incident.config.yaml'), 'webhooks:\n  allowTargets: [127.0.0.1]\n');
    receiver = await new WebhookReceiver().start();
    smtp = await new SmtpReceiver().start();
  });
  afterAll(async () => {
    for (const s of servers) await s.stop('SIGKILL');
    await receiver.stop();
    await smtp.stop();
    await db.cleanup();
  });

  it('a commit wakes the processor; across a SIGKILL and a restart each event is delivered exactly once', async () => {
    const first = await startServerProcess(db, env());
    servers.push(first);
    const hook = await call(first, 'POST', '/webhooks', { url: receiver.url('proc'), events: ['incident.declared', 'incident.severity_changed'] });
    receiver.secrets.set('/hook/proc', hook.secret as string);
    const started = Date.now();
    const a = await call(first, 'POST', '/incidents', { title: 'Checkout errors', severity: 'SEV2' });
    await waitFor(() => receiver.on('proc').length === 1);
    // Woken by the commit, not by the 30 s longest sleep.
    expect(Date.now() - started).toBeLessThan(3_000);
    await call(first, 'POST', '/people', { handle: 'olga', name: 'Olga', email: 'olga@example.com' });
    await call(first, 'POST', `/incidents/${a.id as string}/roles`, { role: 'incident_commander', person: 'olga' });
    await waitFor(() => smtp.messages.length === 1);
    await call(first, 'POST', `/incidents/${a.id as string}/severity`, { severity: 'SEV1', reason: 'Revenue stopped.' });
    await waitFor(() => receiver.on('proc').length === 2);
    // Killed once both attempts are recorded (killed between sending and recording, one would be sent again, same webhook-id).
    const recorded = async () => ((await call(first, 'GET', `/webhooks/${hook.id as string}/deliveries`)) as unknown as { status: string }[]).filter((d) => d.status === 'delivered').length;
    for (let i = 0; i < 100 && (await recorded()) < 2; i++) await new Promise((r) => setTimeout(r, 20));
    await first.stop('SIGKILL');

    const second = await startServerProcess(db, env());
    servers.push(second);
    const b = await call(second, 'POST', '/incidents', { title: 'Search slow', severity: 'SEV3' });
    await waitFor(() => receiver.on('proc').length === 3);
    // Time for a wrongly repeated delivery to show up.
    await new Promise((r) => setTimeout(r, 500));
    const got = receiver.on('proc');
    expect(got.map((r) => [r.body.type, r.body.data.incident.id])).toEqual([
      ['incident.declared', a.id],
      ['incident.severity_changed', a.id],
      ['incident.declared', b.id],
    ]);
    expect(new Set(got.map((r) => r.id)).size).toBe(3);
    expect(got.every((r) => r.signatureValid)).toBe(true);
    expect(smtp.messages.map((m) => [m.to, m.subject])).toEqual([[['olga@example.com'], `[SEV2] ${a.id as string} Checkout errors: you are offered Incident Commander`]]);
    const log = (await call(second, 'GET', `/webhooks/${hook.id as string}/deliveries`)) as unknown as { status: string; attempts: unknown[] }[];
    expect(log.map((d) => [d.status, d.attempts.length])).toEqual([
      ['delivered', 1],
      ['delivered', 1],
      ['delivered', 1],
    ]);
  });
});
