/**
 * `/healthz`: the process is up. `/readyz`: the store answers (503 otherwise), with how each
 * background worker is doing. A failing worker is reported, not made a reason to take the
 * instance out of a load balancer: what it failed at is stored and retried. What failed, in
 * the database's own words (hosts, users, schemas), goes to the log and to an admin's token
 * only; anyone else reads whether each part is ok and since when.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticate, type HttpDeps } from '../context.js';
import type { Workers } from '../../processors/workers.js';
import type { WorkerHealth } from '../../processors/worker.js';

async function isAdmin(deps: HttpDeps, request: FastifyRequest): Promise<boolean> {
  if (!request.headers.authorization) return false;
  try {
    await authenticate(deps, request);
  } catch {
    return false;
  }
  return request.person?.role === 'admin';
}

export async function healthRoutes(app: FastifyInstance, deps: HttpDeps & { workers: Workers }) {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (request, reply) => {
    const health = deps.workers.health();
    const detailed = await isAdmin(deps, request).catch(() => false);
    const workers: Record<string, WorkerHealth> = detailed
      ? health
      : Object.fromEntries(Object.entries(health).map(([name, { ok, since }]) => [name, since ? { ok, since } : { ok }]));
    try {
      await deps.store.ping();
    } catch (error) {
      request.log.error({ err: error }, 'readiness: the database does not answer');
      return reply.code(503).send({ error: { code: 'STORE_UNREACHABLE', message: 'The database does not answer; the server log says why.', details: { workers } } });
    }
    return { status: Object.values(health).every((w) => w.ok) ? 'ready' : 'degraded', store: deps.store.dialect, workers };
  });
}
