/**
 * POST /slack/events: Slack's one Request URL for slash commands, interactivity and the
 * Events API. Slack shows its user an error after 3 seconds, so the answer comes first:
 * the signature (v0, the signing secret, within 5 minutes) is checked on the raw body with
 * Bolt's verifier before anything is read, the request is stored in the chat inbox under a
 * key that dedupes Slack's retries (one small write), and the inbox worker
 * (src/processors/chat/inbox.ts) does the work and answers in the channel, ephemerally or
 * by direct message.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { verifySlackRequest } from '@slack/bolt/dist/receivers/verify-request.js';
import type { HttpDeps } from '../context.js';
import { DomainError } from '../../domain/model/errors.js';
import type { ChatInbox } from '../../processors/chat/inbox.js';

const MAX_SKEW_S = 5 * 60;

function header(request: FastifyRequest, name: string): string | null {
  const value = request.headers[name];
  return typeof value === 'string' ? value : null;
}

/** What Slack sent, and the key that makes a retry of it the same request. */
export function inboxEntry(contentType: string, raw: string): { key: string; kind: string; body: unknown } | { challenge: string } | null {
  if (contentType.includes('application/json')) {
    const body = JSON.parse(raw) as { type?: string; challenge?: string; event_id?: string };
    if (body.type === 'url_verification') return { challenge: String(body.challenge ?? '') };
    if (body.type === 'event_callback' && body.event_id) return { key: `event:${body.event_id}`, kind: 'event', body };
    return null;
  }
  const form = new URLSearchParams(raw);
  const payload = form.get('payload');
  if (payload) {
    const body = JSON.parse(payload) as { type?: string; trigger_id?: string; view?: { id?: string; hash?: string } };
    const key = body.type === 'view_submission' ? `view:${body.view?.id}:${body.view?.hash}` : `interaction:${body.trigger_id}`;
    return { key, kind: 'interaction', body };
  }
  const command = Object.fromEntries(form);
  if (!command.command || !command.trigger_id) return null;
  return { key: `command:${command.trigger_id}`, kind: 'command', body: command };
}

export async function slackRoutes(app: FastifyInstance, deps: HttpDeps & { inbox: ChatInbox; signingSecret: string }): Promise<void> {
  // The signature covers the exact bytes: keep them as they came.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 1024 * 1024 }, (_request, body, done) => done(null, body));

  app.post('/slack/events', { schema: { hide: true } }, async (request, reply) => {
    const raw = typeof request.body === 'string' ? request.body : '';
    const signature = header(request, 'x-slack-signature');
    const timestamp = Number(header(request, 'x-slack-request-timestamp'));
    const now = deps.clock.now().getTime();
    try {
      if (!signature || !Number.isInteger(timestamp)) throw new Error('no signature');
      // Bolt refuses the stale; a timestamp from the future is refused here too.
      if (timestamp - now / 1000 > MAX_SKEW_S) throw new Error('timestamp ahead');
      verifySlackRequest({ signingSecret: deps.signingSecret, body: raw, headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp }, nowMilliseconds: now });
    } catch {
      throw new DomainError('UNAUTHENTICATED', 'The Slack signature is missing, wrong or more than 5 minutes old.', { field: 'x-slack-signature' });
    }
    let entry: ReturnType<typeof inboxEntry>;
    try {
      entry = inboxEntry(header(request, 'content-type') ?? '', raw);
    } catch {
      throw new DomainError('VALIDATION_FAILED', 'The body is not what Slack sends.', { field: '(body)' });
    }
    if (entry === null) return reply.code(200).send();
    if ('challenge' in entry) return reply.code(200).send({ challenge: entry.challenge });
    await deps.inbox.receive(entry.key, entry.kind, JSON.stringify(entry.body), deps.clock.now().toISOString());
    return reply.code(200).send();
  });
}
