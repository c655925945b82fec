import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../context.js';

export async function healthRoutes(app: FastifyInstance, deps: HttpDeps) {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    try {
      await deps.store.ping();
      return { status: 'ready', store: deps.store.dialect };
    } catch (error) {
      return reply.code(503).send({ error: { code: 'STORE_UNREACHABLE', message: (error as Error).message } });
    }
  });
}
