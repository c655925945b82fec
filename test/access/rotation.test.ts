/**
 * Rotating credentials on both stores, with the test clock: a webhook's signing secret
 * (both secrets sign for 24 h, then only the new one) and an alert source's key (both keys
 * are accepted for 24 h, then the old one gets 401). Receivers verify independently.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, declare, expectError, ok } from '../api/helpers.js';
import { WebhookReceiver, type Received } from '../support/webhook-receiver.js';
import { amAlert, webhook } from '../api/alert-payloads.js';
import { NotificationProcessor } from '../../src/processors/notifications/processor.js';
import { httpWebhookSender } from '../../src/integrations/webhook.js';
import { WebhookTargets } from '../../src/integrations/webhook-targets.js';

const T = '2026-06-06T14:14:00.000Z';
const HOUR = 3_600_000;

describe.each(STORE_KINDS)('credential rotation (%s)', (kind) => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  const tick = () =>
    new NotificationProcessor({ store: t.store, config: t.config, clock: t.clock, webhooks: httpWebhookSender({ timeoutMs: 2_000, targets: new WebhookTargets(['127.0.0.1']) }) }).tick();
  const valid = (r: Received, secret: string) => receiver.verify(secret, r.id, r.timestamp, r.raw, r.signature);
  /** Declares an incident and delivers it; answers what the receiver got on `name` for it. */
  const deliverOne = async (name: string) => {
    const before = receiver.on(name).length;
    await declare(t, { title: `Rotation ${before}`, severity: 'SEV3' });
    await tick();
    const got = receiver.on(name).slice(before);
    expect(got).toHaveLength(1);
    return got[0]!;
  };
  const audit = async (action: string) => (await ok(t, 200, 'GET', `${API}/audit?action=${action}`)).entries as { target: string; after: unknown }[];

  beforeAll(async () => {
    t = await testApp(kind);
    receiver = await new WebhookReceiver().start();
    await t.person('rhea', 'responder');
  });
  beforeEach(() => t.clock.set(T));
  afterAll(async () => {
    await receiver.stop();
    await t.close();
  });

  it('a webhook secret rotation: both secrets sign for 24 h, then only the new one; audited without a secret', async () => {
    const hook = (await ok(t, 201, 'POST', `${API}/webhooks`, { url: receiver.url('rotating'), events: ['incident.declared'] })) as { id: string; secret: string };
    const old = hook.secret;
    const before = await deliverOne('rotating');
    expect(before.signature.split(' ')).toHaveLength(1);
    expect(valid(before, old)).toBe(true);

    const headers = { 'idempotency-key': 'rotate-1' };
    const rotated = await ok(t, 200, 'POST', `${API}/webhooks/${hook.id}/rotate-secret`, undefined, 'admin', headers);
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(old);
    expect(rotated).toMatchObject({ id: hook.id, enabled: true, previousSecretValidUntil: new Date(Date.parse(T) + 24 * HOUR).toISOString() });
    // A retried request answers the same rotation, without the secret, and rotates nothing more.
    expect(await ok(t, 200, 'POST', `${API}/webhooks/${hook.id}/rotate-secret`, undefined, 'admin', headers)).toEqual({ ...rotated, secret: null });

    t.clock.advance(23 * HOUR);
    const during = await deliverOne('rotating');
    expect(during.signature.split(' ')).toHaveLength(2);
    expect(valid(during, old)).toBe(true);
    expect(valid(during, rotated.secret)).toBe(true);

    t.clock.advance(HOUR);
    const after = await deliverOne('rotating');
    expect(after.signature.split(' ')).toHaveLength(1);
    expect(valid(after, old)).toBe(false);
    expect(valid(after, rotated.secret)).toBe(true);

    const entries = (await audit('webhook.secret_rotated')).filter((e) => e.target === hook.id);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.after).toEqual({ previousValidUntil: rotated.previousSecretValidUntil });
    const log = JSON.stringify(await ok(t, 200, 'GET', `${API}/audit`));
    expect(log).not.toContain(old.slice('whsec_'.length, 20));
    expect(log).not.toContain(rotated.secret.slice('whsec_'.length, 20));
  });

  it('rotating again within the overlap drops the oldest secret at once', async () => {
    const hook = (await ok(t, 201, 'POST', `${API}/webhooks`, { url: receiver.url('twice'), events: ['incident.declared'] })) as { id: string; secret: string };
    const second = await ok(t, 200, 'POST', `${API}/webhooks/${hook.id}/rotate-secret`);
    const third = await ok(t, 200, 'POST', `${API}/webhooks/${hook.id}/rotate-secret`);
    const got = await deliverOne('twice');
    expect([valid(got, hook.secret), valid(got, second.secret), valid(got, third.secret)]).toEqual([false, true, true]);
  });

  it('rotating a webhook secret is for admins; an unknown webhook is 404', async () => {
    const hook = (await ok(t, 201, 'POST', `${API}/webhooks`, { url: receiver.url('refused'), events: ['incident.declared'] })) as { id: string };
    expectError(await t.call('POST', `${API}/webhooks/${hook.id}/rotate-secret`, undefined, { as: 'rhea' }), 403, 'FORBIDDEN');
    expectError(await t.call('POST', `${API}/webhooks/wh_0000000000000000/rotate-secret`), 404, 'WEBHOOK_NOT_FOUND');
    expect((await ok(t, 200, 'GET', `${API}/audit?action=webhook.secret_rotated`)).entries.map((e: { target: string }) => e.target)).not.toContain(hook.id);
  });

  const sendAlert = (key: string) =>
    t.app.inject({
      method: 'POST',
      url: `${API}/alerts/alertmanager`,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      payload: JSON.stringify(webhook([amAlert('rotation-1')])),
    });

  it('an alert source key rotation: both keys are accepted for 24 h, then the old one gets 401; audited without a key', async () => {
    const source = await ok(t, 201, 'POST', `${API}/alert-sources`, { name: 'rotating-prom', type: 'alertmanager' });
    expect((await sendAlert(source.key)).statusCode).toBe(200);

    const headers = { 'idempotency-key': 'rotate-key-1' };
    const rotated = await ok(t, 200, 'POST', `${API}/alert-sources/${source.id}/rotate-key`, undefined, 'admin', headers);
    expect(rotated).toMatchObject({ id: source.id, name: 'rotating-prom', type: 'alertmanager', previousKeyValidUntil: new Date(Date.parse(T) + 24 * HOUR).toISOString() });
    expect(rotated.key).toMatch(/^ics_/);
    expect(rotated.key).not.toBe(source.key);
    expect(await ok(t, 200, 'POST', `${API}/alert-sources/${source.id}/rotate-key`, undefined, 'admin', headers)).toEqual({ ...rotated, key: null });

    t.clock.advance(24 * HOUR - 1);
    expect((await sendAlert(source.key)).statusCode).toBe(200);
    expect((await sendAlert(rotated.key)).statusCode).toBe(200);
    t.clock.advance(1);
    expectError(await sendAlert(source.key), 401, 'UNAUTHENTICATED');
    expect((await sendAlert(rotated.key)).statusCode).toBe(200);
    await t.app.alertInbox.idle();

    const entries = (await audit('alert_source.key_rotated')).filter((e) => e.target === source.id);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.after).toEqual({ previousValidUntil: rotated.previousKeyValidUntil });
    const log = JSON.stringify(await ok(t, 200, 'GET', `${API}/audit`));
    expect(log).not.toContain(source.key);
    expect(log).not.toContain(rotated.key);
  });

  it('rotating a source key is for admins; an unknown source is 404; the list never shows a key', async () => {
    const source = await ok(t, 201, 'POST', `${API}/alert-sources`, { name: 'refused-prom', type: 'events' });
    expectError(await t.call('POST', `${API}/alert-sources/${source.id}/rotate-key`, undefined, { as: 'rhea' }), 403, 'FORBIDDEN');
    expectError(await t.call('POST', `${API}/alert-sources/src_000000000000/rotate-key`), 404, 'ALERT_SOURCE_NOT_FOUND');
    const rotated = await ok(t, 200, 'POST', `${API}/alert-sources/${source.id}/rotate-key`);
    expect(JSON.stringify(await ok(t, 200, 'GET', `${API}/alert-sources`))).not.toContain(rotated.key);
  });
});
