/**
 * One bad webhook receiver cannot take the server down: a gzip bomb or an endless reply is
 * not read whole, a delivery whose sending kills the process is given up after its
 * attempts rather than claimed after every restart, and internal addresses are refused
 * (checked on the address connected to) unless the configuration allows them.
 */
import { createServer, type Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, declare, ok } from '../api/helpers.js';
import { httpWebhookSender } from '../../src/integrations/webhook.js';
import { WebhookTargets, targetEntryProblem } from '../../src/integrations/webhook-targets.js';
import { NotificationProcessor } from '../../src/processors/notifications/processor.js';
import { buildConfig } from '../../src/config/load.js';

const REQUEST = { headers: { 'content-type': 'application/json' }, body: '{}' };

describe('a hostile webhook receiver', () => {
  let server: Server;
  let base = '';
  // 1 GiB of zeros, about 1 MiB on the wire, sent again and again.
  const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });

  beforeAll(async () => {
    server = createServer((request, response) => {
      request.resume();
      if (request.url === '/bomb') {
        response.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'application/json' });
        let sent = 0;
        const more = () => {
          while (sent < 16 && response.write(bomb)) sent++;
          if (sent < 16) response.once('drain', more);
          else response.end();
        };
        more();
      } else if (request.url === '/endless') {
        response.writeHead(200, { 'content-type': 'text/plain' });
        const chunk = Buffer.alloc(64 * 1024, 'x');
        const more = () => {
          while (!response.destroyed && response.write(chunk));
          if (!response.destroyed) response.once('drain', more);
        };
        more();
      } else response.writeHead(204).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const sender = () => httpWebhookSender({ timeoutMs: 5_000, targets: new WebhookTargets(['127.0.0.0/8']) });

  it('a gzip bomb is answered by its status, not inflated', async () => {
    const before = process.memoryUsage().rss;
    const started = Date.now();
    expect(await sender().send({ url: `${base}/bomb`, ...REQUEST })).toEqual({ statusCode: 200, error: null });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('an endless reply is cut after its first bytes', async () => {
    const started = Date.now();
    expect(await sender().send({ url: `${base}/endless`, ...REQUEST })).toEqual({ statusCode: 200, error: null });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('internal addresses are refused unless allowed, also behind a name and in their IPv6 forms', async () => {
    const port = new URL(base).port;
    const refusedByDefault = httpWebhookSender({ timeoutMs: 2_000 });
    for (const url of [`${base}/`, `http://localhost:${port}/`, 'http://169.254.169.254/latest/meta-data/', 'http://10.0.0.1/', 'http://[::1]/', 'http://[::ffff:127.0.0.1]/', 'http://[fd00::1]/']) {
      const result = await refusedByDefault.send({ url, ...REQUEST });
      expect(result.statusCode, url).toBeNull();
      expect(result.error, url).toMatch(/internal address .*webhooks\.allowTargets/);
    }
    expect(await sender().send({ url: `http://localhost:${port}/`, ...REQUEST })).toEqual({ statusCode: 204, error: null });
    expect(await httpWebhookSender({ targets: new WebhookTargets(['127.0.0.1']) }).send({ url: `${base}/`, ...REQUEST })).toEqual({ statusCode: 204, error: null });
    expect(new WebhookTargets().refusal('93.184.215.14')).toBeNull();
    expect(new WebhookTargets().refusal('2606:2800:21f:cb07:6820:80da:af6b:8b2c')).toBeNull();
  });

  it('the allow list is addresses and CIDRs, checked when the configuration loads', () => {
    expect(targetEntryProblem('10.0.0.0/8')).toBeNull();
    expect(targetEntryProblem('fd00::/8')).toBeNull();
    expect(targetEntryProblem('127.0.0.1')).toBeNull();
    expect(targetEntryProblem('10.0.0.0/33')).not.toBeNull();
    expect(targetEntryProblem('intranet.local')).not.toBeNull();
    expect(() => buildConfig({ webhooks: { allowTargets: ['10.0.0.0/8', 'nope'] } })).toThrow(/webhooks\.allowTargets\[1\]/);
  });
});

describe.each(STORE_KINDS)('a delivery whose sending kills the process (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(kind);
  });
  afterAll(async () => t.close());

  it('uses up an attempt each time it is claimed, and is given up after the last, not claimed for ever', async () => {
    const hook = (await ok(t, 201, 'POST', `${API}/webhooks`, { url: 'https://hooks.example.com/crash', events: ['incident.declared'] })) as { id: string };
    await declare(t, { title: 'Receiver that crashes us', severity: 'SEV3' });
    await new NotificationProcessor({ store: t.store, config: t.config, clock: t.clock, webhooks: sender(), maxAttempts: 3 }).fanOut();
    let claims = 0;
    for (let restart = 0; restart < 6; restart++) {
      // Each "process" claims, starts sending, and dies before recording; its lease then runs out.
      const now = t.clock.now();
      const claimed = await t.store.webhooks.claimDue(now.toISOString(), new Date(now.getTime() + 60_000).toISOString(), 10);
      claims += claimed.filter((d) => d.webhookId === hook.id).length;
      t.clock.advance(61_000);
    }
    expect(claims).toBe(3);
    const [delivery] = (await ok(t, 200, 'GET', `${API}/webhooks/${hook.id}/deliveries`)) as { status: string }[];
    expect(delivery).toMatchObject({ status: 'failed' });
  });

  const sender = () => ({ send: async () => ({ statusCode: 204, error: null }) });
});
