/**
 * `/status/internal`: the status page for signed-in people (a console session or a bearer
 * token), with internal severities and internal updates, and private incidents only for
 * the people in them. Rendered per request (it depends on who asks) and never cached by
 * anyone else; never written to the export directory.
 */
import type { FastifyInstance } from 'fastify';
import { actor, type HttpDeps } from '../context.js';
import { answerAs } from '../openapi.js';
import { authenticateRequest } from './session.js';
import { authorize } from '../../domain/people/policy.js';
import { DomainError } from '../../domain/model/errors.js';
import { listComponents, statusPageCreatedAt } from '../../commands/components.js';
import { buildInternalPage } from '../../domain/status-page/internal.js';
import { renderStatusHtml } from '../../presenters/status-page/html.js';
import { contentHash, stylesheet } from '../../presenters/status-page/branding.js';
import { contentSecurityPolicy } from '../../processors/status-page-publisher.js';
import type { RecordedEvent } from '../../domain/model/events.js';

export async function statusInternalRoutes(app: FastifyInstance, deps: HttpDeps) {
  const { config, store } = deps;
  const css = stylesheet(config.organization.colors);
  const assets = { stylesheet: `/status/assets/style-${contentHash(css)}.css`, subscribeForm: null };
  const policy = contentSecurityPolicy(config);

  const signIn = answerAs('text/html', 'An HTML page asking to sign in');
  const schema = {
    tags: ['status-page'],
    summary: 'The internal status page (signed-in people): internal severities and updates',
    response: { 200: answerAs('text/html', 'The page'), 401: signIn, 403: { ...signIn, description: 'An HTML page: this role may not read incidents' } },
  };
  app.get('/status/internal', { schema }, async (request, reply) => {
    reply.header('cache-control', 'private, no-store').header('content-security-policy', policy).header('x-content-type-options', 'nosniff');
    try {
      await authenticateRequest(deps, request, reply);
      authorize(actor(request), 'incidents.read');
    } catch (error) {
      if (!(error instanceof DomainError) || (error.code !== 'UNAUTHENTICATED' && error.code !== 'FORBIDDEN')) throw error;
      return reply
        .code(error.code === 'FORBIDDEN' ? 403 : 401)
        .type('text/html; charset=utf-8')
        .send('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in</title></head><body><main><h1>Sign in to see the internal status page</h1><p><a href="/">Sign in to the console</a>, then come back. The <a href="/status">public status page</a> needs no sign-in.</p></main></body></html>');
    }
    const person = actor(request);
    const visibleTo = { handle: person.handle, admin: person.role === 'admin' };
    const now = deps.clock.now().toISOString();
    const [components, open, resolved, maintenances, pageCreatedAt] = await Promise.all([
      listComponents({ tx: store, config }),
      store.incidents.list({ phases: ['active'], visibleTo, limit: 1000 }),
      store.incidents.list({ phases: ['resolved', 'closed'], visibleTo, limit: 200 }),
      store.maintenance.list(new Date(Date.parse(now) - config.statusPage.recentResolvedMs).toISOString()),
      statusPageCreatedAt({ tx: store }),
    ]);
    const cutoff = new Date(Date.parse(now) - config.statusPage.recentResolvedMs).toISOString();
    const incidents = [...open, ...resolved.filter((s) => s.phase !== 'active' && s.resolvedAt >= cutoff)];
    const events = new Map<number, RecordedEvent[]>();
    for (const event of await store.incidents.eventsOf(incidents.map((s) => s.number))) {
      const list = events.get(event.incident);
      if (list) list.push(event);
      else events.set(event.incident, [event]);
    }
    const model = buildInternalPage({ now, config, baseUrl: deps.publicUrl ?? '', components, incidents, maintenances, pageCreatedAt }, events);
    const recentDays = Math.round(config.statusPage.recentResolvedMs / 86_400_000);
    return reply.type('text/html; charset=utf-8').send(renderStatusHtml(model, assets, recentDays));
  });
}
