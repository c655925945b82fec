/**
 * The webhook port: sending one signed request somewhere. `httpWebhookSender` is the real
 * adapter (fetch, 10 s timeout, no redirects followed); `MemoryWebhookSender` records
 * what it was asked to send and answers what a test scripts. Signing follows Standard
 * Webhooks: `webhook-signature: v1,<base64 HMAC-SHA256(secret, "id.timestamp.body")>`
 * with the secret's base64 part (after `whsec_`) decoded as the key.
 */
import { createHmac, randomBytes } from 'node:crypto';

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** What came back: an HTTP status, or an error when no answer arrived (refused, timeout…). */
export interface WebhookResult {
  statusCode: number | null;
  error: string | null;
}

export interface WebhookSender {
  send(request: WebhookRequest): Promise<WebhookResult>;
}

export const WEBHOOK_TIMEOUT_MS = 10_000;

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** The three Standard Webhooks headers and the content type. */
export function webhookHeaders(secret: string, id: string, timestamp: number, body: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook(secret, id, timestamp, body),
  };
}

export function httpWebhookSender(timeoutMs = WEBHOOK_TIMEOUT_MS): WebhookSender {
  return {
    async send(request) {
      try {
        const response = await fetch(request.url, {
          method: 'POST',
          headers: { 'user-agent': 'incident-command-webhooks/1', ...request.headers },
          body: request.body,
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
        });
        // The answer's body is not needed; drain it so the connection is released.
        await response.arrayBuffer().catch(() => undefined);
        return { statusCode: response.status, error: response.ok ? null : `HTTP ${response.status}` };
      } catch (error) {
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        const name = (error as Error).name;
        const message = name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : (cause?.code ?? cause?.message ?? (error as Error).message);
        return { statusCode: null, error: String(message).slice(0, 500) };
      }
    },
  };
}

/** For tests: records every request; `answer` decides each result (default 200). */
export class MemoryWebhookSender implements WebhookSender {
  readonly sent: WebhookRequest[] = [];
  answer: (request: WebhookRequest) => WebhookResult = () => ({ statusCode: 200, error: null });
  async send(request: WebhookRequest): Promise<WebhookResult> {
    this.sent.push(request);
    return this.answer(request);
  }
}
