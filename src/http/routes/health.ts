/**
 * `/healthz`: the process is up. `/readyz`: the store answers (503 otherwise), with how each
 * background worker is doing. A failing worker is reported, not made a reason to take the
 * instance out of a load balancer: what it failed at is stored and retried.
 */
import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../context.js';
import type { Workers } from '../../processors/workers.js';

export async function healthRoutes(app: FastifyInstance, deps: HttpDeps & { workers: Workers }) {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const workers = deps.workers.health();
    try {
      await deps.store.ping();
    } catch (error) {
      return reply.code(503).send({ error: { code: 'STORE_UNREACHABLE', message: (error as Error).message, details: { workers } } });
    }
    return { status: Object.values(workers).every((w) => w.ok) ? 'ready' : 'degraded', store: deps.store.dialect, workers };
  });
}
