/**
 * POST /mattermost/command: the `/incident` slash command as Mattermost sends it (a form
 * with `token`, `user_id`, `channel_id`, `text`, `response_url`, `trigger_id`). The token
 * (MATTERMOST_COMMAND_TOKEN, the command's own) is compared in constant time before anything
 * else is read; a wrong one is 401 and changes nothing. The command is stored in the chat
 * inbox and answered at once with an empty 200 (Mattermost posts nothing for it); the inbox
 * worker does the work with the same verbs as Slack and answers through `response_url`.
 *
 * POST /mattermost/actions: a submitted dialog (declare, update, resolve) or a clicked button
 * (the IC offer's Accept / Decline). Mattermost signs neither: what we put in them (the
 * dialog's `state`, the button's `context`) carries our HMAC, checked first; a wrong one is
 * 401. A dialog's fields are checked at once and problems answered in Mattermost's `errors`
 * shape (field → message), shown under the field; one that passes is stored like a command.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../context.js';
import { DomainError } from '../../domain/model/errors.js';
import type { ChatInbox } from '../../processors/chat/inbox.js';
import { readButtonContext, readDialogState, submittedFields, type ActionSigner } from '../../integrations/chat/mattermost/interactive.js';
import { checkChatForm, type ChatFormKind } from '../../domain/chat/form-check.js';

const FORMS: readonly string[] = ['declare', 'update', 'resolve'] satisfies ChatFormKind[];

/** Equal digests, so neither the length nor the first differing byte of the token shows in the time taken. */
function sameToken(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** The JSON body Mattermost posts to an integration, or null. */
function json(raw: unknown): Record<string, unknown> | null {
  try {
    const body = JSON.parse(typeof raw === 'string' ? raw : '') as unknown;
    return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');

export async function mattermostRoutes(app: FastifyInstance, deps: HttpDeps & { inbox: ChatInbox; commandToken: string | null; signer: ActionSigner | null }): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => done(null, body));

  const { signer, commandToken } = deps;
  if (signer)
    app.post('/mattermost/actions', { schema: { hide: true } }, async (request, reply) => {
      const body = json(request.body);
      if (!body) throw new DomainError('VALIDATION_FAILED', 'The body is not the JSON Mattermost sends.', { field: '(body)' });
      const user = text(body.user_id);
      const channel = text(body.channel_id);
      const received = deps.clock.now().toISOString();
      if (body.type === 'dialog_submission') {
        const form = text(body.callback_id);
        const state = FORMS.includes(form) ? readDialogState(signer, form, body.state) : null;
        if (!state) throw new DomainError('UNAUTHENTICATED', 'The dialog state is missing or not this server\'s.', { field: 'state' });
        if (body.cancelled === true) return reply.code(200).send({});
        if (!user) throw new DomainError('VALIDATION_FAILED', 'user_id is required.', { field: 'user_id' });
        const fields = submittedFields(body.submission);
        const errors = checkChatForm(form as ChatFormKind, fields, deps.config.policy.levels.map((l) => l.id));
        if (Object.keys(errors).length) return reply.code(200).send({ errors });
        const stored = { user, channel, callback_id: form, metadata: state.metadata, fields };
        await deps.inbox.receive(`mattermost:dialog:${state.nonce}`, 'form', JSON.stringify(stored), received);
        return reply.code(200).send({});
      }
      const context = readButtonContext(signer, body.context);
      if (!context) throw new DomainError('UNAUTHENTICATED', 'The action context is missing or not this server\'s.', { field: 'context' });
      if (!user) throw new DomainError('VALIDATION_FAILED', 'user_id is required.', { field: 'user_id' });
      // A second click of the same button by the same person is the same request.
      const key = `mattermost:action:${text(body.post_id)}:${user}:${context.action}`;
      await deps.inbox.receive(key, 'action', JSON.stringify({ user, channel, action: context.action, value: context.value }), received);
      return reply.code(200).send({});
    });

  if (commandToken) app.post('/mattermost/command', { schema: { hide: true } }, async (request, reply) => {
    const raw = typeof request.body === 'string' ? request.body : '';
    const type = request.headers['content-type'] ?? '';
    let form: Record<string, string>;
    try {
      form = type.includes('application/json') ? (JSON.parse(raw) as Record<string, string>) : Object.fromEntries(new URLSearchParams(raw));
    } catch {
      form = {};
    }
    if (!sameToken(String(form.token ?? ''), commandToken)) throw new DomainError('UNAUTHENTICATED', 'The slash command token is missing or wrong.', { field: 'token' });
    for (const field of ['user_id', 'channel_id', 'trigger_id'] as const)
      if (typeof form[field] !== 'string' || !form[field]) throw new DomainError('VALIDATION_FAILED', `${field} is required.`, { field });
    // The token proved the sender; it is not kept.
    const body = { ...form };
    delete body.token;
    await deps.inbox.receive(`mattermost:command:${form.trigger_id}`, 'command', JSON.stringify(body), deps.clock.now().toISOString());
    return reply.code(200).send();
  });
}
