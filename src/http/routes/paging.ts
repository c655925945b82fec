/**
 * Acknowledgements of pages coming back (README "Paging"), each checked before its body is
 * read, mapped to the incident and person by the page's key, and put on the timeline once
 * (src/commands/acknowledge-page.ts). No person's token: the tools prove themselves.
 *
 * - POST /api/v1/paging/acks/pagerduty: a PagerDuty V3 webhook subscription
 *   (`incident.acknowledged`; the incident's `incident_key` is our dedup key), signed
 *   `X-PagerDuty-Signature: v1=…` with PAGERDUTY_WEBHOOK_SECRET. Other event types are
 *   answered 200 and ignored, as are incidents this server did not page.
 * - POST /api/v1/paging/acks/opsgenie: Opsgenie's webhook integration (action `Acknowledge`,
 *   `alert.alias` our alias), with `X-Incident-Token: <OPSGENIE_WEBHOOK_TOKEN>` set on it.
 * - POST /api/v1/paging/acks/webhook: `{page, by?}` from whatever our paging webhook reaches,
 *   signed as our webhooks are (Standard Webhooks) with PAGING_WEBHOOK_SECRET.
 *
 * A route whose secret is not set answers 404. Answers: `{outcome: recorded | already | unknown | ignored}`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { HttpDeps } from '../context.js';
import { DomainError } from '../../domain/model/errors.js';
import { acknowledgePage } from '../../commands/acknowledge-page.js';
import type { PageProvider } from '../../domain/notifications/pages.js';
import { pagerDutySigned, sameSecret, standardWebhookSigned, type PagingSecrets } from '../../integrations/paging.js';

type Json = Record<string, unknown>;

function parse(raw: string): Json {
  try {
    const body = JSON.parse(raw) as unknown;
    if (body && typeof body === 'object' && !Array.isArray(body)) return body as Json;
  } catch {
    // answered below
  }
  throw new DomainError('VALIDATION_FAILED', 'The body must be a JSON object.', { field: 'body' });
}

const text = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 && value.length <= 600 ? value : null);
const object = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});

export async function pagingRoutes(app: FastifyInstance, deps: HttpDeps & { paging: PagingSecrets }): Promise<void> {
  app.removeAllContentTypeParsers();
  // Signatures are over the bytes as sent: the body is kept as text and parsed once checked.
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 256 * 1024 }, (_request, body, done) => done(null, body));
  const raw = (request: FastifyRequest) => (typeof request.body === 'string' ? request.body : '');
  const secret = (value: string | null, name: string): string => {
    if (!value) throw new DomainError('NOT_FOUND', `Acknowledgements through this route are off: set ${name}.`);
    return value;
  };
  const ack = async (via: PageProvider, page: string | null, by: string | null, occurredAt: string | null) => {
    if (!page) throw new DomainError('VALIDATION_FAILED', 'The page key is missing.', { field: via === 'pagerduty' ? 'event.data.incident_key' : via === 'opsgenie' ? 'alert.alias' : 'page' });
    const now = deps.clock.now().toISOString();
    const at = occurredAt && !Number.isNaN(Date.parse(occurredAt)) ? new Date(occurredAt).toISOString() : now;
    return { outcome: await acknowledgePage(deps.store, deps.config, { via, page, by, occurredAt: at, now }) };
  };

  app.post('/api/v1/paging/acks/pagerduty', { schema: { hide: true } }, async (request) => {
    const key = secret(deps.paging.pagerdutyWebhookSecret, 'PAGERDUTY_WEBHOOK_SECRET');
    const header = request.headers['x-pagerduty-signature'];
    if (!pagerDutySigned(key, typeof header === 'string' ? header : undefined, raw(request)))
      throw new DomainError('UNAUTHENTICATED', 'X-PagerDuty-Signature is missing or does not match the body.', { field: 'x-pagerduty-signature' });
    const event = object(parse(raw(request)).event);
    if (event.event_type !== 'incident.acknowledged') return { outcome: 'ignored' };
    const data = object(event.data);
    return ack('pagerduty', text(data.incident_key), text(object(event.agent).summary), text(event.occurred_at));
  });

  app.post('/api/v1/paging/acks/opsgenie', { schema: { hide: true } }, async (request) => {
    const token = secret(deps.paging.opsgenieWebhookToken, 'OPSGENIE_WEBHOOK_TOKEN');
    const given = request.headers['x-incident-token'];
    if (typeof given !== 'string' || !sameSecret(given, token)) throw new DomainError('UNAUTHENTICATED', 'X-Incident-Token is missing or wrong.', { field: 'x-incident-token' });
    const body = parse(raw(request));
    if (body.action !== 'Acknowledge') return { outcome: 'ignored' };
    const alert = object(body.alert);
    return ack('opsgenie', text(alert.alias), text(alert.username), null);
  });

  app.post('/api/v1/paging/acks/webhook', { schema: { hide: true } }, async (request) => {
    const key = secret(deps.paging.webhookSecret, 'PAGING_WEBHOOK_SECRET');
    if (!standardWebhookSigned(key, request.headers, raw(request), Math.floor(deps.clock.now().getTime() / 1000)))
      throw new DomainError('UNAUTHENTICATED', 'The webhook-id, webhook-timestamp and webhook-signature headers are missing, stale or do not match the body.', { field: 'webhook-signature' });
    const body = parse(raw(request));
    if (body.by !== undefined && !text(body.by)) throw new DomainError('VALIDATION_FAILED', 'by must be a non-empty string of at most 600 characters.', { field: 'by' });
    return ack('webhook', text(body.page), text(body.by), text(body.at));
  });
}
