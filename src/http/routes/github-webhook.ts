/**
 * POST /api/v1/integrations/github/issues: GitHub's `issues` webhook, so a closed issue
 * closes its follow-up at once rather than at the next look (the sync worker keeps looking
 * either way: a webhook can be lost). Signed by GitHub with X-Hub-Signature-256 (HMAC-SHA256
 * of the exact body with GITHUB_WEBHOOK_SECRET), checked in constant time before anything is
 * read; served only when that secret is set. No person's token.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../context.js';
import { DomainError } from '../../domain/model/errors.js';
import { githubState } from '../../integrations/trackers/github.js';
import { applyRemoteState } from '../../processors/follow-up-sync.js';
import { DEFAULT_TRACKER_POLL_MS } from '../../integrations/trackers/port.js';

/** Whether `signature` (`sha256=<hex>`) is the body's HMAC with the secret. */
export function githubSignatureValid(secret: string, body: string, signature: string | undefined): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const given = Buffer.from(signature ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

interface IssuesEvent {
  action?: string;
  issue?: { number?: number; state?: string; state_reason?: string | null };
  repository?: { full_name?: string };
}

export async function githubWebhookRoutes(app: FastifyInstance, deps: HttpDeps & { secret: string }): Promise<void> {
  // The signature covers the exact bytes: keep them as they came.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 1024 * 1024 }, (_request, body, done) => done(null, body));

  app.post('/api/v1/integrations/github/issues', { schema: { hide: true } }, async (request, reply) => {
    const raw = typeof request.body === 'string' ? request.body : '';
    const signature = request.headers['x-hub-signature-256'];
    if (!githubSignatureValid(deps.secret, raw, typeof signature === 'string' ? signature : undefined))
      throw new DomainError('UNAUTHENTICATED', 'The X-Hub-Signature-256 signature is missing or wrong.', { field: 'x-hub-signature-256' });
    const event = request.headers['x-github-event'];
    // GitHub's ping on setup, and events other than an issue's close, are taken and ignored.
    if (event !== 'issues') return reply.code(202).send({ applied: false });
    let body: IssuesEvent;
    try {
      body = JSON.parse(raw) as IssuesEvent;
    } catch {
      throw new DomainError('VALIDATION_FAILED', 'The body is not JSON.', { field: '(body)' });
    }
    const { issue, repository } = body;
    if (body.action !== 'closed' || !issue?.number || !repository?.full_name) return reply.code(202).send({ applied: false });
    const link = await deps.store.followUpLinks.byKey('github', `${repository.full_name}#${issue.number}`);
    if (!link) return reply.code(202).send({ applied: false });
    const remote = githubState(issue.state ?? 'closed', issue.state_reason ?? null);
    const pollMs = deps.trackers?.pollMs ?? DEFAULT_TRACKER_POLL_MS;
    const applied = await deps.store.transaction((tx) => applyRemoteState(tx, deps.config, link.followUp, remote, deps.clock.now().toISOString(), pollMs));
    return reply.code(200).send({ applied });
  });
}
