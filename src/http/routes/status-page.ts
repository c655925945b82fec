/**
 * The public status page (R10): `/status`, its incident pages, feed and stylesheet, and the
 * Statuspage v2 JSON under `/api/v2`. No authentication; a budget per client; every
 * answer comes from the publisher's memory (src/processors/status-page-publisher.ts), with its
 * precomputed headers, or 304 when the client already has it.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { HttpDeps } from '../context.js';
import type { StatusPagePublisher } from '../../processors/status-page-publisher.js';
import { ClientBudget, answer, conditionsOf, type StatusFastPath } from '../status-fast-path.js';
import { DomainError } from '../../domain/model/errors.js';
import { STATUSPAGE_DOCUMENTS } from '../../presenters/status-page/statuspage-json.js';

declare module 'fastify' {
  interface FastifyInstance {
    statusPage: StatusPagePublisher;
    /** Null behind a trusted proxy (TRUST_PROXY), where every GET goes through Fastify. */
    statusFastPath: StatusFastPath | null;
  }
}

function send(request: FastifyRequest, reply: FastifyReply, publisher: StatusPagePublisher, path: string) {
  const file = publisher.file(path);
  if (!file) {
    // Before the first render (the store was down at start) there is nothing to serve yet.
    if (publisher.renderedAt === null)
      return reply
        .code(503)
        .header('retry-after', '5')
        .send({ error: { code: 'STATUS_PAGE_NOT_READY', message: 'The status page has not been rendered yet; retry in a few seconds.' } });
    throw new DomainError('NOT_FOUND', `There is no public page at ${request.url.split('?')[0]}.`);
  }
  const { status, headers, body } = answer(file, conditionsOf(request.headers));
  return reply.code(status).headers(headers).send(body ?? undefined);
}

/**
 * Registered at the root (not encapsulated) so that `app.statusPage` is everyone's; the
 * routes and their rate limit live in a child context of their own.
 */
export async function statusPageRoutes(app: FastifyInstance, deps: HttpDeps & { publisher: StatusPagePublisher; fastPath: StatusFastPath | null }) {
  const { publisher } = deps;
  app.decorate('statusPage', publisher);
  app.decorate('statusFastPath', deps.fastPath);
  app.addHook('onClose', () => deps.fastPath?.detach());

  // One per-client budget for the fast path and the routes.
  const budget = new ClientBudget(deps.config.statusPage.rateLimit.requests, deps.config.statusPage.rateLimit.windowMs);
  deps.fastPath?.attach(publisher, budget);
  await app.register(async (scope) => publicRoutes(scope, publisher, budget));
}
// fastify-plugin's marker: the decoration and hooks above belong to the parent, not a child context.
Object.assign(statusPageRoutes, { [Symbol.for('skip-override')]: true });

async function publicRoutes(app: FastifyInstance, publisher: StatusPagePublisher, budget: ClientBudget) {
  app.addHook('onRequest', async (request, reply) => {
    const wait = budget.spend(request.ip);
    if (wait === 0) return;
    reply.header('retry-after', String(wait));
    throw new DomainError('RATE_LIMITED', `Too many requests to the status page; retry in ${wait} s.`);
  });

  // Answers that are not a rendered file (404, 429, 503) carry the same policy.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (reply.statusCode >= 300 && reply.statusCode !== 304) reply.header('content-security-policy', publisher.policy);
    done(null, payload);
  });

  const serve = (path: string) => (request: FastifyRequest, reply: FastifyReply) => send(request, reply, publisher, path);
  app.get('/status', { schema: { hide: true } }, serve('/status'));
  app.get('/status/', { schema: { hide: true } }, serve('/status'));
  app.get('/status/feed.atom', { schema: { hide: true } }, serve('/status/feed.atom'));
  app.get<{ Params: { id: string } }>('/status/incidents/:id', { schema: { hide: true } }, (request, reply) =>
    send(request, reply, publisher, `/status/incidents/${request.params.id.toUpperCase()}`),
  );
  app.get<{ Params: { id: string } }>('/status/incidents/:id/postmortem', { schema: { hide: true } }, (request, reply) =>
    send(request, reply, publisher, `/status/incidents/${request.params.id.toUpperCase()}/postmortem`),
  );
  app.get('/status/history', { schema: { hide: true } }, serve('/status/history'));
  app.get<{ Params: { page: string } }>('/status/history/:page', { schema: { hide: true } }, (request, reply) =>
    send(request, reply, publisher, `/status/history/${request.params.page}`),
  );
  app.get<{ Params: { file: string } }>('/status/assets/:file', { schema: { hide: true } }, (request, reply) =>
    send(request, reply, publisher, `/status/assets/${request.params.file}`),
  );
  for (const name of STATUSPAGE_DOCUMENTS) app.get(`/api/v2/${name}`, { schema: { hide: true } }, serve(`/api/v2/${name}`));
  // Everything else under these prefixes is a public 404 here, not another part of the server (the console's fallback).
  for (const prefix of ['/status/*', '/api/v2/*'])
    app.get(prefix, { schema: { hide: true } }, (request, reply) => send(request, reply, publisher, ''));
}
