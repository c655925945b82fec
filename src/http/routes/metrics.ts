/**
 * `GET /metrics`: Prometheus's text format (src/processors/metrics.ts), and the hooks that
 * time every request by its route pattern. Open to anyone who can reach the port unless
 * INCIDENT_METRICS_TOKEN is set, when a scrape must send it as a bearer token. Either way
 * it holds no secret and nothing of any incident: counts, durations, route patterns and
 * queue names.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Metrics } from '../../processors/metrics.js';
import type { StatusFastPath } from '../status-fast-path.js';

const digest = (text: string) => createHash('sha256').update(text).digest();

function tokenMatches(request: FastifyRequest, token: string): boolean {
  const header = request.headers.authorization ?? '';
  const sent = header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
  // Digests have one length, so the comparison takes the same time whatever was sent.
  return sent.length > 0 && timingSafeEqual(digest(sent), digest(token));
}

/** Registered on the root instance, so its hooks see every route (a plugin's own hooks would see only its routes). */
export function registerMetrics(app: FastifyInstance, metrics: Metrics, token: string | null, fastPath: StatusFastPath | null): void {
  if (fastPath) fastPath.meter = (method, route, status) => metrics.requestMeter(method, route, status);
  app.addHook('onResponse', async (request, reply) => {
    // Unmatched URLs (404s, scanners) share one label: a label per URL would grow without bound.
    const route = request.routeOptions.url ?? '(unmatched)';
    metrics.request(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
  });
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    if (token && !tokenMatches(request, token)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="metrics"')
        .send({ error: { code: 'UNAUTHENTICATED', message: 'This server asks for its metrics token (INCIDENT_METRICS_TOKEN) as a bearer token.' } });
    }
    const text = await metrics.scrape();
    return reply.header('content-type', metrics.contentType).header('cache-control', 'no-store').send(text);
  });
}
