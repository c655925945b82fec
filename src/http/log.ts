/** The server's logger: pino, with request lines that leave out what a link carries as a secret. */
import pino, { type Logger } from 'pino';
import type { FastifyRequest } from 'fastify';

/** Query parameters whose values are secrets (the unsubscribe and confirm links' `token`). */
const SECRET_QUERY = /([?&](?:token|access_token|key|secret|password)=)[^&#]*/gi;

export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY, '$1[redacted]');
}

/** Fastify's request serializer, less the secrets in the URL. */
function requestLine(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

export function serverLogger(level: string): Logger {
  return pino({ level, serializers: { req: requestLine } });
}
