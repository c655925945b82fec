/**
 * Paging out (issue 15, item 2), on both stores, against local receivers that check the
 * shapes PagerDuty's Events API v2 and Opsgenie's Alert API document
 * (test/support/paging-receivers.ts): who is paged where, once per event however many
 * processors run, retried on 429/5xx and not on a refusal, resolved with the incident, and
 * acknowledgements coming back recorded once on the timeline.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, declare, ok } from '../api/helpers.js';
import { PagingReceivers } from '../support/paging-receivers.js';
import { NotificationProcessor } from '../../src/processors/notifications/processor.js';
import { PageSender } from '../../src/processors/paging/sender.js';
import { httpWebhookSender, MemoryWebhookSender, signWebhook } from '../../src/integrations/webhook.js';
import { WebhookTargets } from '../../src/integrations/webhook-targets.js';
import type { PagingSecrets } from '../../src/integrations/paging.js';
import { Workers } from '../../src/processors/workers.js';

const T = '2026-06-06T14:14:00.000Z';
const KEY = { oncall: 'R'.repeat(32), leadership: 'L'.repeat(32), sev2: 'S'.repeat(32) };
const SECRETS: PagingSecrets = { pagerdutyWebhookSecret: 'pd-webhook-secret', opsgenieApiKey: 'genie-0123', opsgenieWebhookToken: 'og-token', webhookSecret: `whsec_${Buffer.from('paging-secret-0123456789').toString('base64')}` };
const level = (id: string, page: string[]) => ({ id, name: id, impact: 'Some users', response: `${id} response`, updateEvery: '30m', audience: 'internal', roles: 'combined', postmortem: 'optional', page });

describe.each(STORE_KINDS)('Paging out (%s)', (kind) => {
  let t: TestApp;
  let receivers: PagingReceivers;
  const http = () => httpWebhookSender({ targets: new WebhookTargets(['127.0.0.1']) });
  const processor = () => new NotificationProcessor({ store: t.store, config: t.config, clock: t.clock, webhooks: new MemoryWebhookSender(), paging: SECRETS, publicUrl: 'https://incidents.example.com' });
  const sender = () => new PageSender({ store: t.store, clock: t.clock, http: http(), secrets: SECRETS, backoffMs: 1000 });
  const flush = async () => {
    await processor().tick();
    await sender().tick();
  };

  beforeAll(async () => {
    receivers = await new PagingReceivers(SECRETS.opsgenieApiKey!, SECRETS.webhookSecret!).start();
    const config = {
      groups: { leadership: ['ana', 'raj'] },
      severities: [level('SEV1', ['group:leadership', 'oncall']), level('SEV2', ['oncall', 'ana']), level('SEV3', [])],
      paging: {
        pagerduty: { baseUrl: receivers.base, people: { oncall: KEY.oncall }, groups: { leadership: KEY.leadership }, severities: { SEV2: KEY.sev2 } },
        opsgenie: { baseUrl: `${receivers.base}/`, users: { oncall: 'oncall.person' } },
        webhook: { url: `${receivers.base}/hook` },
      },
    };
    t = await testApp(kind, config, { paging: SECRETS });
    for (const handle of ['ivy', 'oncall', 'ana', 'raj', 'dana']) {
      await ok(t, 201, 'POST', `${API}/people`, { handle, name: handle, role: 'responder', email: `${handle}@example.com` });
      t.tokens.set(handle, (await ok(t, 201, 'POST', `${API}/people/${handle}/tokens`, {})).token as string);
    }
  });
  beforeEach(async () => {
    t.clock.set(T);
    await flush();
    receivers.requests.length = 0;
  });
  afterAll(async () => {
    await receivers?.stop();
    await t?.close();
  });

  it('declaring a SEV1 pages leadership once through its group key, on-call through their own, everyone in Opsgenie and the webhook', async () => {
    const { id } = await declare(t, { title: 'Checkout errors', severity: 'SEV1', commander: 'ivy' }, 'ivy');
    await Promise.all([processor().tick(), processor().tick()]);
    await Promise.all([sender().tick(), sender().tick()]);
    expect(receivers.requests.flatMap((r) => r.problems)).toEqual([]);
    const pd = receivers.of('pagerduty').map((r) => r.body);
    expect(pd.map((b) => [b.routing_key, b.dedup_key, b.event_action]).sort()).toEqual([
      [KEY.leadership, `${id}/group/leadership`, 'trigger'],
      [KEY.oncall, `${id}/person/oncall`, 'trigger'],
    ]);
    const lead = pd.find((b) => b.routing_key === KEY.leadership) as { payload: Record<string, unknown>; links: unknown[] };
    expect(lead.payload).toMatchObject({ summary: `[SEV1] ${id} Checkout errors: SEV1 declared: you are paged`, source: 'Incident Command', severity: 'critical', timestamp: T });
    expect((lead.payload.custom_details as { people: string[] }).people).toEqual(['ana', 'raj']);
    expect(lead.links).toEqual([{ href: `https://incidents.example.com/incidents/${id}`, text: `Open ${id}` }]);
    const og = receivers.of('opsgenie').map((r) => r.body as { alias: string; responders: unknown[]; priority: string; message: string });
    expect(og.map((b) => [b.alias, b.responders, b.priority]).sort()).toEqual([
      [`${id}/person/ana`, [{ type: 'user', username: 'ana@example.com' }], 'P1'],
      [`${id}/person/oncall`, [{ type: 'user', username: 'oncall.person' }], 'P1'],
      [`${id}/person/raj`, [{ type: 'user', username: 'raj@example.com' }], 'P1'],
    ]);
    expect(og.every((b) => b.message.length <= 130)).toBe(true);
    expect(receivers.of('webhook').map((r) => (r.body.data as { page: string }).page).sort()).toEqual([`${id}/person/ana`, `${id}/person/oncall`, `${id}/person/raj`]);
  });

  it('a long title is cut to Opsgenie\'s 130 characters; an SME without a key of their own is not paged through PagerDuty', async () => {
    const { id } = await declare(t, { title: `Search slow ${'x'.repeat(150)}`, severity: 'SEV3', commander: 'ivy' }, 'ivy');
    await ok(t, 200, 'POST', `${API}/incidents/${id}/smes`, { person: 'dana', specialty: 'search' }, 'ivy');
    await flush();
    expect(receivers.requests.flatMap((r) => r.problems)).toEqual([]);
    expect(receivers.of('pagerduty')).toEqual([]);
    const [alert] = receivers.of('opsgenie');
    expect(alert!.body).toMatchObject({ alias: `${id}/person/dana`, priority: 'P3' });
    expect((alert!.body.message as string).length).toBe(130);
    expect(alert!.body.description).toContain('You are pulled in as Subject-Matter Expert (search).');
  });

  it('a throttled or failing tool is retried with backoff until it takes the page; a refusal is not retried', async () => {
    receivers.failures.pagerduty.push(429, 503);
    receivers.failures.opsgenie.push(400);
    // A SEV3 pages nobody on declaring: the SME pulled in is the only page.
    const { id } = await declare(t, { title: 'Queue backlog', severity: 'SEV3', commander: 'ivy' }, 'ivy');
    await ok(t, 200, 'POST', `${API}/incidents/${id}/smes`, { person: 'oncall', specialty: 'queues' }, 'ivy');
    await flush();
    expect(receivers.of('pagerduty').map((r) => r.status)).toEqual([429]);
    // Not due yet: nothing is sent before the backoff has passed.
    await sender().tick();
    expect(receivers.of('pagerduty')).toHaveLength(1);
    for (let i = 0; i < 4 && receivers.of('pagerduty').at(-1)?.status !== 202; i++) {
      t.clock.advance(60_000);
      await sender().tick();
    }
    const pd = receivers.of('pagerduty').filter((r) => r.body.dedup_key === `${id}/person/oncall`);
    expect(pd.map((r) => r.status)).toEqual([429, 503, 202]);
    const opsgenie = receivers.of('opsgenie').filter((r) => r.body.alias === `${id}/person/oncall`);
    expect(opsgenie.map((r) => r.status)).toEqual([400]);
    const stored = (await t.store.pages.all()).filter((p) => p.incident === Number(id.slice(4)) && p.key === `${id}/person/oncall`);
    expect(stored.map((p) => [p.provider, p.status, p.attempts]).sort()).toEqual([
      ['opsgenie', 'failed', 1],
      ['pagerduty', 'delivered', 3],
      ['webhook', 'delivered', 1],
    ]);
  });

  it('resolving the incident resolves its PagerDuty events by dedup key and closes its Opsgenie alerts by alias', async () => {
    const { id } = await declare(t, { title: 'Login errors', severity: 'SEV2', commander: 'ivy' }, 'ivy');
    await flush();
    receivers.requests.length = 0;
    await ok(t, 200, 'POST', `${API}/incidents/${id}/resolve`, { impact: 'None now.', whatWeKnow: 'Rolled back.' }, 'ivy');
    await flush();
    expect(receivers.requests.flatMap((r) => r.problems)).toEqual([]);
    // ana is on the SEV2 list in no group: paged through the severity's key.
    expect(receivers.of('pagerduty').map((r) => r.body).sort((a, b) => String(a.dedup_key).localeCompare(String(b.dedup_key)))).toEqual([
      { routing_key: KEY.oncall, event_action: 'resolve', dedup_key: `${id}/person/oncall` },
      { routing_key: KEY.sev2, event_action: 'resolve', dedup_key: `${id}/severity/SEV2` },
    ]);
    expect(receivers.of('opsgenie').map((r) => r.path).sort()).toEqual([
      `/v2/alerts/${encodeURIComponent(`${id}/person/ana`)}/close?identifierType=alias`,
      `/v2/alerts/${encodeURIComponent(`${id}/person/oncall`)}/close?identifierType=alias`,
    ]);
    expect(receivers.of('webhook').map((r) => r.body.type)).toEqual(['page.resolved', 'page.resolved']);
  });

  it('a page still waiting for a retry when the incident is resolved is given up, not raised after its resolve', async () => {
    receivers.failures.pagerduty.push(503);
    const { id } = await declare(t, { title: 'Short blip', severity: 'SEV3', commander: 'ivy' }, 'ivy');
    await ok(t, 200, 'POST', `${API}/incidents/${id}/smes`, { person: 'oncall', specialty: 'queues' }, 'ivy');
    await flush();
    await ok(t, 200, 'POST', `${API}/incidents/${id}/resolve`, { impact: 'None now.', whatWeKnow: 'It passed.' }, 'ivy');
    await flush();
    t.clock.advance(3_600_000);
    await sender().tick();
    expect(receivers.of('pagerduty').map((r) => [r.body.event_action, r.status])).toEqual([
      ['trigger', 503],
      ['resolve', 202],
    ]);
    const trigger = (await t.store.pages.all()).find((p) => p.key === `${id}/person/oncall` && p.provider === 'pagerduty' && p.action === 'trigger')!;
    expect([trigger.status, trigger.lastError]).toEqual(['failed', 'the incident was resolved before this page was sent']);
  });

  it('running, the fan-out\'s commit wakes the page sender: a page goes out without anyone driving it', async () => {
    const workers = new Workers({ store: t.store, config: t.config, clock: t.clock, log: t.app.log, deliveries: { webhooks: http(), mail: null, paging: SECRETS } });
    expect(workers.pages).not.toBeNull();
    workers.notifications!.start();
    workers.pages!.start();
    try {
      const { id } = await declare(t, { title: 'Running pages', severity: 'SEV2', commander: 'ivy' }, 'ivy');
      for (let i = 0; i < 200 && receivers.of('pagerduty').length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(receivers.of('pagerduty').map((r) => r.body.dedup_key).sort()).toEqual([`${id}/person/oncall`, `${id}/severity/SEV2`]);
    } finally {
      await workers.notifications!.stop();
      await workers.pages!.stop();
    }
  });

  it('acknowledgements from PagerDuty, Opsgenie and the webhook are checked, and recorded on the timeline once', async () => {
    const { id } = await declare(t, { title: 'Payments down', severity: 'SEV1', commander: 'ivy' }, 'ivy');
    await flush();
    const post = (path: string, body: unknown, headers: Record<string, string>) => t.app.inject({ method: 'POST', url: `${API}/paging/acks/${path}`, payload: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
    const pdBody = { event: { id: '01DEN', event_type: 'incident.acknowledged', resource_type: 'incident', occurred_at: '2026-06-06T14:16:00.000Z', agent: { summary: 'On Call', type: 'user_reference' }, data: { id: 'PGR0VU2', type: 'incident', incident_key: `${id}/person/oncall` } } };
    const pdSign = (body: unknown) => `v1=${createHmac('sha256', SECRETS.pagerdutyWebhookSecret!).update(JSON.stringify(body)).digest('hex')}`;
    expect((await post('pagerduty', pdBody, { 'x-pagerduty-signature': 'v1=00' })).statusCode).toBe(401);
    expect((await post('pagerduty', pdBody, { 'x-pagerduty-signature': `v1=old, ${pdSign(pdBody)}` })).json()).toEqual({ outcome: 'recorded' });
    expect((await post('pagerduty', pdBody, { 'x-pagerduty-signature': pdSign(pdBody) })).json()).toEqual({ outcome: 'already' });
    const triggered = { event: { ...pdBody.event, event_type: 'incident.triggered' } };
    expect((await post('pagerduty', triggered, { 'x-pagerduty-signature': pdSign(triggered) })).json()).toEqual({ outcome: 'ignored' });
    const stranger = { event: { ...pdBody.event, data: { incident_key: 'not-ours' } } };
    expect((await post('pagerduty', stranger, { 'x-pagerduty-signature': pdSign(stranger) })).json()).toEqual({ outcome: 'unknown' });

    const ogBody = { action: 'Acknowledge', alert: { alertId: 'a1', alias: `${id}/person/ana`, username: 'ana@example.com' }, source: { name: 'iOS' } };
    expect((await post('opsgenie', ogBody, { 'x-incident-token': 'wrong' })).statusCode).toBe(401);
    expect((await post('opsgenie', ogBody, { 'x-incident-token': 'og-token' })).json()).toEqual({ outcome: 'recorded' });
    expect((await post('opsgenie', ogBody, { 'x-incident-token': 'og-token' })).json()).toEqual({ outcome: 'already' });

    const hookBody = JSON.stringify({ page: `${id}/person/raj`, by: 'raj via SMS' });
    const ts = Math.floor(t.clock.now().getTime() / 1000);
    const signed = { 'content-type': 'application/json', 'webhook-id': 'ack_1', 'webhook-timestamp': String(ts), 'webhook-signature': signWebhook(SECRETS.webhookSecret!, 'ack_1', ts, hookBody) };
    const hook = (headers: Record<string, string>) => t.app.inject({ method: 'POST', url: `${API}/paging/acks/webhook`, payload: hookBody, headers });
    expect((await hook({ ...signed, 'webhook-timestamp': String(ts - 3600) })).statusCode).toBe(401);
    expect((await hook(signed)).json()).toEqual({ outcome: 'recorded' });
    expect((await hook(signed)).json()).toEqual({ outcome: 'already' });

    const timeline = (await ok(t, 200, 'GET', `${API}/incidents/${id}/timeline`)) as { kind: string; text: string; actor: string }[];
    const acks = timeline.filter((e) => e.kind === 'page_acknowledged').map((e) => [e.actor, e.text]);
    expect(acks).toEqual([
      ['oncall', 'Page to @oncall acknowledged in PagerDuty by On Call.'],
      ['ana', 'Page to @ana acknowledged in Opsgenie by ana@example.com.'],
      ['raj', 'Page to @raj acknowledged in the paging webhook by raj via SMS.'],
    ]);
  });
});
