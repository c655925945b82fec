/**
 * Paging secrets from the environment, and checking the acknowledgements that come back:
 *
 * - PAGERDUTY_WEBHOOK_SECRET: the V3 webhook subscription's secret; PagerDuty sends
 *   `X-PagerDuty-Signature: v1=<hex HMAC-SHA256(secret, body)>` (several, comma-separated,
 *   while its secret is rotated). Without it, PagerDuty acks are refused.
 * - OPSGENIE_API_KEY: the API integration's key (`Authorization: GenieKey …`); without it
 *   nothing is sent to Opsgenie. OPSGENIE_WEBHOOK_TOKEN: Opsgenie's outgoing webhooks are not
 *   signed, so its integration is set to send this in an `X-Incident-Token` header.
 * - PAGING_WEBHOOK_SECRET (`whsec_…`): signs our paging webhook (Standard Webhooks, as
 *   src/integrations/webhook.ts) and checks the acks sent back to us the same way.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { signWebhook } from './webhook.js';

export interface PagingSecrets {
  pagerdutyWebhookSecret: string | null;
  opsgenieApiKey: string | null;
  opsgenieWebhookToken: string | null;
  webhookSecret: string | null;
}

export function pagingFromEnvironment(env: NodeJS.ProcessEnv): PagingSecrets {
  const value = (name: string) => env[name]?.trim() || null;
  return {
    pagerdutyWebhookSecret: value('PAGERDUTY_WEBHOOK_SECRET'),
    opsgenieApiKey: value('OPSGENIE_API_KEY'),
    opsgenieWebhookToken: value('OPSGENIE_WEBHOOK_TOKEN'),
    webhookSecret: value('PAGING_WEBHOOK_SECRET'),
  };
}

/** Equal digests, so neither the length nor the first differing byte shows in the time taken. */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Whether one of the `v1=` signatures in `header` is the body's under `secret`. */
export function pagerDutySigned(secret: string, header: string | undefined, body: string): boolean {
  if (!header) return false;
  const expected = `v1=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
  return header.split(',').some((entry) => sameSecret(entry.trim(), expected));
}

/** How far a signed ack's timestamp may be from now: older ones are replays. */
export const SIGNED_TOLERANCE_S = 300;

/** Whether a Standard Webhooks request is signed with `secret` and recent. */
export function standardWebhookSigned(secret: string, headers: Record<string, string | string[] | undefined>, body: string, nowS: number): boolean {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string' || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowS - Number(timestamp)) > SIGNED_TOLERANCE_S) return false;
  const expected = signWebhook(secret, id, Number(timestamp), body);
  return signatures.split(' ').some((s) => sameSecret(s, expected));
}
