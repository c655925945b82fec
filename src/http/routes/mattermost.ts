/**
 * POST /mattermost/command: the `/incident` slash command as Mattermost sends it (a form
 * with `token`, `user_id`, `channel_id`, `text`, `response_url`, `trigger_id`). The token
 * (MATTERMOST_COMMAND_TOKEN, the command's own) is compared in constant time before anything
 * else is read; a wrong one is 401 and changes nothing. The command is stored in the chat
 * inbox and answered at once with an empty 200 (Mattermost posts nothing for it); the inbox
 * worker does the work with the same verbs as Slack and answers through `response_url`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../context.js';
import { DomainError } from '../../domain/model/errors.js';
import type { ChatInbox } from '../../processors/chat/inbox.js';

/** Equal digests, so neither the length nor the first differing byte of the token shows in the time taken. */
function sameToken(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export async function mattermostRoutes(app: FastifyInstance, deps: HttpDeps & { inbox: ChatInbox; commandToken: string }): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => done(null, body));

  app.post('/mattermost/command', { schema: { hide: true } }, async (request, reply) => {
    const raw = typeof request.body === 'string' ? request.body : '';
    const type = request.headers['content-type'] ?? '';
    let form: Record<string, string>;
    try {
      form = type.includes('application/json') ? (JSON.parse(raw) as Record<string, string>) : Object.fromEntries(new URLSearchParams(raw));
    } catch {
      form = {};
    }
    if (!sameToken(String(form.token ?? ''), deps.commandToken)) throw new DomainError('UNAUTHENTICATED', 'The slash command token is missing or wrong.', { field: 'token' });
    for (const field of ['user_id', 'channel_id', 'trigger_id'] as const)
      if (typeof form[field] !== 'string' || !form[field]) throw new DomainError('VALIDATION_FAILED', `${field} is required.`, { field });
    // The token proved the sender; it is not kept.
    const body = { ...form };
    delete body.token;
    await deps.inbox.receive(`mattermost:command:${form.trigger_id}`, 'command', JSON.stringify(body), deps.clock.now().toISOString());
    return reply.code(200).send();
  });
}
