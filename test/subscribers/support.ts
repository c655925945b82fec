/** What the subscriber tests share: the notification processor run by hand, and subscribing as a person would. */
import { expect } from 'vitest';
import type { LightMyRequestResponse as InjectResponse } from 'fastify';
import type { TestApp } from '../support/harness.js';
import type { SmtpReceiver } from '../support/smtp-receiver.js';
import { NotificationProcessor } from '../../src/processors/notifications/processor.js';
import { httpWebhookSender } from '../../src/integrations/webhook.js';
import { smtpMailSender } from '../../src/integrations/mail.js';
import { WebhookTargets } from '../../src/integrations/webhook-targets.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/** One tick of a notification processor sending to the local receivers (webhooks to 127.0.0.1, mail to `smtp`). */
export function deliverer(t: () => TestApp, smtp: () => SmtpReceiver, publicUrl: string): () => Promise<unknown> {
  return () =>
    new NotificationProcessor({
      store: t().store,
      config: t().config,
      clock: t().clock,
      webhooks: httpWebhookSender({ targets: new WebhookTargets(['127.0.0.1']) }),
      mail: smtpMailSender(smtp().url, 'Status <status@example.com>'),
      publicUrl,
    }).tick();
}

/** Public form posts, each from a client address of its own so the form's rate limit is not what a test measures. */
export function formPoster(t: () => TestApp, network: string): (url: string, body: string) => Promise<InjectResponse> {
  let client = 0;
  return async (url, body) => t().app.inject({ method: 'POST', url, headers: FORM, payload: body, remoteAddress: `${network}.${++client % 250}` });
}

/** Subscribes through the form, ticking `components`, and confirms through the mail's link. */
export async function subscribeFollowing(
  form: (url: string, body: string) => Promise<InjectResponse>,
  smtp: SmtpReceiver,
  deliver: () => Promise<unknown>,
  email: string,
  components: string[],
): Promise<void> {
  const body = new URLSearchParams([['email', email], ...components.map((c) => ['components', c])]).toString();
  expect((await form('/status/subscribe', body)).statusCode).toBe(200);
  await deliver();
  const token = /confirm\?token=([A-Za-z0-9_-]+)/.exec(smtp.to(email)[0]!.text)![1]!;
  expect((await form('/status/subscription/confirm', new URLSearchParams({ token }).toString())).statusCode).toBe(200);
}
