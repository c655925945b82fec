/**
 * Answering a request for a rendered file: 200 with the bytes (gzip when asked for and
 * smaller), or 304 when the client's copy is current. Shared by the Fastify routes and the
 * fast path below, which answers the common case (a GET of a rendered file) on the Node
 * server before Fastify's routing, hooks and logging — the difference, measured by
 * `npm run bench -- status-page`, is about half the CPU per request.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { StatusAnswer, StatusFile, StatusPagePublisher } from '../processors/status-page-publisher.js';

/** The client's copy is current: `If-None-Match` holds this ETag (or `*`), or, without it, `If-Modified-Since` is not before the change. */
function fresh(headers: IncomingHttpHeaders, file: StatusFile): boolean {
  const match = headers['if-none-match'];
  if (match !== undefined) return match === file.etag || match === '*' || match.split(',').some((tag) => tag.trim().replace(/^W\//, '') === file.etag);
  const since = headers['if-modified-since'];
  return since !== undefined && Date.parse(since) >= file.modifiedAt;
}

/** One of the file's prebuilt answers: nothing is allocated per request. */
export function answer(file: StatusFile, headers: IncomingHttpHeaders): StatusAnswer {
  if (fresh(headers, file)) return file.answers.notModified;
  const acceptEncoding = headers['accept-encoding'];
  if (file.gzip && acceptEncoding !== undefined && /\bgzip\b/.test(acceptEncoding)) return file.answers.gzip;
  return file.answers.plain;
}

/**
 * The per-client rate limit of the public page: at most `max` requests per client address
 * in each window of `windowMs`. Synchronous and a few map operations, because it runs on
 * every request of a spike: @fastify/rate-limit's general limiter (async key and store)
 * measured about 10 µs of the 40 µs a request cost on this path.
 */
export class ClientBudget {
  private windowStart = 0;
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Spends one request of the client's budget: 0 while it lasts, else the seconds until the next window. */
  spend(client: string): number {
    const now = this.now();
    // One window for every client, so memory is bounded by the clients of one window.
    if (now - this.windowStart >= this.windowMs) {
      this.windowStart = now;
      this.counts.clear();
    }
    const count = (this.counts.get(client) ?? 0) + 1;
    this.counts.set(client, count);
    return count > this.max ? Math.max(1, Math.ceil((this.windowStart + this.windowMs - now) / 1000)) : 0;
  }
}

/**
 * GET and HEAD of a rendered file, answered straight from memory. Anything else — another
 * method or path, an incident id in lower case, a client over its limit — is left to
 * Fastify, which answers it (404, 429…) with the same headers.
 */
export class StatusFastPath {
  private publisher: StatusPagePublisher | null = null;
  private budget: ClientBudget | null = null;
  /** Answers given here, not by Fastify. */
  served = 0;
  /** Told of each answer given here (/metrics), as Fastify's onResponse hook is of the others. */
  observe: ((method: string, path: string, status: number, seconds: number) => void) | null = null;

  attach(publisher: StatusPagePublisher, budget: ClientBudget): void {
    this.publisher = publisher;
    this.budget = budget;
  }

  detach(): void {
    this.publisher = null;
  }

  /** Answers and returns true, or returns false without touching the response. */
  serve(request: IncomingMessage, response: ServerResponse): boolean {
    const { publisher, budget } = this;
    if (!publisher || !budget || (request.method !== 'GET' && request.method !== 'HEAD')) return false;
    const url = request.url ?? '';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const key = path.length > 7 && path.endsWith('/') ? path.slice(0, -1) : path;
    const file = publisher.file(key);
    // Over its budget, the client gets Fastify's 429 (which spends once more: it is over either way).
    if (!file || budget.spend(request.socket.remoteAddress ?? '') > 0) return false;
    const started = performance.now();
    const { status, headers, body } = answer(file, request.headers);
    this.served++;
    response.writeHead(status, headers);
    response.end(request.method === 'HEAD' ? undefined : body);
    this.observe?.(request.method, key, status, (performance.now() - started) / 1000);
    return true;
  }
}
