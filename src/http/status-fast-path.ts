/**
 * Answering a request for a rendered file: 200 with the bytes (gzip when asked for and
 * smaller), or 304 when the client's copy is current. Shared by the Fastify routes and the
 * fast path below, which answers the common case (a GET of a rendered file) on the Node
 * server before Fastify's routing, hooks and logging — the difference, measured by
 * `npm run bench -- status-page`, is about half the CPU per request.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { StatusPagePublisher } from '../processors/status-page-publisher.js';
import type { StatusAnswer, StatusFile } from '../processors/status-answers.js';
import type { Meter } from '../processors/request-series.js';

/** What a conditional or compressed answer depends on: three request headers. */
export interface Conditions {
  ifNoneMatch: string | undefined;
  ifModifiedSince: string | undefined;
  acceptEncoding: string | undefined;
}

export function conditionsOf(headers: IncomingHttpHeaders): Conditions {
  return { ifNoneMatch: headers['if-none-match'], ifModifiedSince: headers['if-modified-since'], acceptEncoding: headers['accept-encoding'] };
}

/**
 * The same three from the request's raw header list, into `into`: reading `request.headers`
 * builds the whole header object on first use, which the fast path would pay on every
 * answer for three names. Repeats are treated as Node treats them: `If-Modified-Since`
 * keeps the first, the other two are joined with ", ".
 */
export function readConditions(raw: readonly string[], into: Conditions): Conditions {
  into.ifNoneMatch = into.ifModifiedSince = into.acceptEncoding = undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    // The lengths differ (13, 17, 15), so most names are passed over without lower-casing.
    if (name.length === 13 && name.toLowerCase() === 'if-none-match') into.ifNoneMatch = into.ifNoneMatch === undefined ? raw[i + 1] : `${into.ifNoneMatch}, ${raw[i + 1]}`;
    else if (name.length === 17 && into.ifModifiedSince === undefined && name.toLowerCase() === 'if-modified-since') into.ifModifiedSince = raw[i + 1];
    else if (name.length === 15 && name.toLowerCase() === 'accept-encoding') into.acceptEncoding = into.acceptEncoding === undefined ? raw[i + 1] : `${into.acceptEncoding}, ${raw[i + 1]}`;
  }
  return into;
}

/** The client's copy is current: `If-None-Match` holds this ETag (or `*`), or, without it, `If-Modified-Since` is not before the change. */
function fresh({ ifNoneMatch, ifModifiedSince }: Conditions, file: StatusFile): boolean {
  if (ifNoneMatch !== undefined) return ifNoneMatch === file.etag || ifNoneMatch === '*' || ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === file.etag);
  return ifModifiedSince !== undefined && Date.parse(ifModifiedSince) >= file.modifiedAt;
}

/** One of the file's prebuilt answers: nothing is allocated per request. */
export function answer(file: StatusFile, conditions: Conditions): StatusAnswer {
  if (fresh(conditions, file)) return file.answers.notModified;
  const { acceptEncoding } = conditions;
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
  /** Reused for every request: serving is synchronous, one request at a time. */
  private readonly conditions: Conditions = { ifNoneMatch: undefined, ifModifiedSince: undefined, acceptEncoding: undefined };
  /** Each GET answer's meter, found by the answer itself (a render makes new answers; the old ones and their entries go with it). */
  private readonly meters = new WeakMap<StatusAnswer, Meter>();
  /** Answers given here, not by Fastify. */
  served = 0;
  /** The request metrics' meter for a method, route pattern and status (/metrics), as Fastify's onResponse hook records the others. */
  meter: ((method: string, route: string, status: number) => Meter) | null = null;

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
    const method = request.method;
    if (!publisher || !budget || (method !== 'GET' && method !== 'HEAD')) return false;
    const url = request.url ?? '';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const key = path.length > 7 && path.endsWith('/') ? path.slice(0, -1) : path;
    const file = publisher.file(key);
    // Over its budget, the client gets Fastify's 429 (which spends once more: it is over either way).
    if (!file || budget.spend(request.socket.remoteAddress ?? '') > 0) return false;
    const started = performance.now();
    const chosen = answer(file, readConditions(request.rawHeaders, this.conditions));
    this.served++;
    response.writeHead(chosen.status, chosen.headers);
    response.end(method === 'HEAD' ? undefined : chosen.body);
    this.meterOf(chosen, method, file.path)?.((performance.now() - started) / 1000);
    return true;
  }

  private meterOf(chosen: StatusAnswer, method: string, path: string): Meter | undefined {
    if (!this.meter) return undefined;
    if (method !== 'GET') return this.meter(method, statusRoute(path), chosen.status);
    let meter = this.meters.get(chosen);
    if (!meter) this.meters.set(chosen, (meter = this.meter(method, statusRoute(path), chosen.status)));
    return meter;
  }
}

/** The route pattern of a path answered here (the routes' own, in src/http/routes/status-page.ts). */
export function statusRoute(path: string): string {
  if (path.startsWith('/status/incidents/') && path.endsWith('/postmortem')) return '/status/incidents/:id/postmortem';
  for (const [prefix, pattern] of STATUS_ROUTES) if (path.startsWith(prefix)) return pattern;
  // The rest are fixed paths: /status, /status/feed.atom, /status/history, /api/v2/*.json.
  return path;
}

const STATUS_ROUTES = [
  ['/status/incidents/', '/status/incidents/:id'],
  ['/status/history/', '/status/history/:page'],
  ['/status/assets/', '/status/assets/:file'],
] as const;
