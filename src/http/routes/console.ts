/**
 * The responder console at `/`: the Vite build in dist/console, served by this server.
 * Hashed `assets/*` are cached for a year; index.html is revalidated every time so a new
 * release is picked up at once. A deep link (`/incidents/INC-7`) from a browser gets
 * index.html and the console routes it; API paths keep their JSON 404.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { HttpDeps } from '../context.js';

/** dist/console from the project root, whether this file runs from src/ (tests) or dist/. */
export const DEFAULT_CONSOLE_DIR = join(resolve(import.meta.dirname, '../../..'), 'dist', 'console');

/** Paths that belong to the API, the status page and health checks: never the console. */
const NOT_CONSOLE = /^\/(api\/|(status|healthz|readyz)(\/|\.|$))/;

const NOT_BUILT = `Incident Command is running, but its console has not been built.

Run \`npm run build\` in the project folder and restart the server.
The API is at /api/v1 (OpenAPI: /api/v1/openapi.json).
`;

const FRAMING = { 'x-content-type-options': 'nosniff', 'content-security-policy': "frame-ancestors 'none'" };

function wantsPage(request: FastifyRequest): boolean {
  const path = request.url.split('?')[0]!;
  return !NOT_CONSOLE.test(path) && (request.headers.accept ?? '').includes('text/html');
}

export async function consoleRoutes(app: FastifyInstance, deps: HttpDeps) {
  const root = deps.consoleDir ?? DEFAULT_CONSOLE_DIR;
  const built = existsSync(join(root, 'index.html'));

  const page = built
    ? (reply: FastifyReply) => reply.headers({ ...FRAMING, 'cache-control': 'no-cache' }).sendFile('index.html')
    : (reply: FastifyReply) => reply.code(200).headers({ 'cache-control': 'no-cache' }).type('text/plain; charset=utf-8').send(NOT_BUILT);

  if (built) {
    await app.register(fastifyStatic, {
      root,
      // One route per file at start (the build is immutable while the server runs); no catch-all.
      wildcard: false,
      // The build writes .br and .gz beside each asset (console/vite.config.ts).
      preCompressed: true,
      cacheControl: false,
      setHeaders(res, path) {
        const asset = path.startsWith(join(root, 'assets'));
        res.setHeader('cache-control', asset ? 'public, max-age=31536000, immutable' : 'no-cache');
        if (!asset) for (const [name, value] of Object.entries(FRAMING)) res.setHeader(name, value);
      },
    });
  } else {
    app.get('/', { schema: { hide: true } }, (_request, reply) => page(reply));
  }

  // Anything else a browser asks for is a route of the single-page console.
  app.route({
    method: ['GET', 'HEAD'],
    url: '/*',
    schema: { hide: true },
    handler: (request, reply) => (wantsPage(request) ? page(reply) : reply.callNotFound()),
  });
}
