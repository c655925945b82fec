/**
 * The webhook port: sending one signed request somewhere. `httpWebhookSender` is the real
 * adapter (node's http client, 10 s timeout, no redirects followed, internal addresses
 * refused unless allowed); `MemoryWebhookSender` records
 * what it was asked to send and answers what a test scripts. Signing follows Standard
 * Webhooks: `webhook-signature: v1,<base64 HMAC-SHA256(secret, "id.timestamp.body")>`
 * with the secret's base64 part (after `whsec_`) decoded as the key; while a rotated secret
 * still overlaps, one space-separated entry per secret, so a receiver with either accepts.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { request as httpRequest, type ClientRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { WebhookTargets } from './webhook-targets.js';

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

/** The three Standard Webhooks headers and the content type, signed with each of `secrets`. */
export function webhookHeaders(secrets: readonly string[], id: string, timestamp: number, body: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((secret) => signWebhook(secret, id, timestamp, body)).join(' '),
  };
}

export interface HttpWebhookOptions {
  timeoutMs?: number;
  /** Where sending is allowed (default: public addresses only). */
  targets?: WebhookTargets;
}

/** The most of a reply's body read (it is not needed); the rest is not waited for. */
export const MAX_REPLY_BYTES = 64 * 1024;

/**
 * The real adapter: node's http(s) client rather than fetch, so that nothing un-gzips a
 * reply (a small gzip bomb would otherwise be inflated in memory), at most MAX_REPLY_BYTES of
 * it are read, and the address connected to is checked (WebhookTargets) after DNS.
 */
export function httpWebhookSender(options: HttpWebhookOptions = {}): WebhookSender {
  const timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  const targets = options.targets ?? new WebhookTargets();
  return {
    send: (request) =>
      new Promise<WebhookResult>((resolve) => {
        let settled = false;
        let outgoing: ClientRequest | null = null;
        const done = (result: WebhookResult) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          outgoing?.destroy();
          resolve({ statusCode: result.statusCode, error: result.error === null ? null : result.error.slice(0, 500) });
        };
        const timer = setTimeout(() => done({ statusCode: null, error: `no answer within ${timeoutMs / 1000} s` }), timeoutMs);
        let url: URL;
        try {
          url = new URL(request.url);
        } catch {
          return done({ statusCode: null, error: 'the URL is not valid' });
        }
        // A literal address is connected to without a lookup: checked here.
        const literal = url.hostname.replace(/^\[|\]$/g, '');
        const refusal = isIP(literal) ? targets.refusal(literal) : null;
        if (refusal) return done({ statusCode: null, error: refusal });
        const body = Buffer.from(request.body);
        outgoing = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
          method: 'POST',
          headers: { 'user-agent': 'incident-command-webhooks/1', ...request.headers, 'content-length': String(body.length) },
          lookup: targets.lookup(),
          agent: false,
        });
        outgoing.on('error', (error: NodeJS.ErrnoException) => done({ statusCode: null, error: error.code === 'EWEBHOOKTARGET' ? error.message : (error.code ?? error.message) }));
        outgoing.on('response', (response) => {
          const statusCode = response.statusCode ?? null;
          const result = { statusCode, error: statusCode !== null && statusCode >= 200 && statusCode <= 299 ? null : `HTTP ${statusCode}` };
          let read = 0;
          response.on('data', (chunk: Buffer) => {
            read += chunk.length;
            if (read > MAX_REPLY_BYTES) done(result);
          });
          response.on('end', () => done(result));
          response.on('error', () => done(result));
        });
        outgoing.end(body);
      }),
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
