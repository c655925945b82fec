/**
 * The public status page in a process of its own (INCIDENT_STATUS_PORT), forked and fed by
 * the server (src/http/status-process.ts). It holds the rendered files it is sent and
 * answers their GETs and HEADs as the in-process fast path does; anything else (a
 * subscription form, a 404, a lower-case incident id) is passed to the server with the
 * client's address. Its point is weight: inside the application's process the same
 * answer costs more (a large heap, a JIT that has seen the whole application), and a
 * spike on the public page stops competing with responders for one event loop.
 *
 * It imports nothing of the application but the answers it serves, so it stays a few MB.
 */
import { createServer, request as forward, type ClientRequest, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import proxyAddr from '@fastify/proxy-addr';
import { ClientBudget, answer, readConditions, statusRoute, type Conditions } from './status-fast-path.js';
import { statusFile, type StatusAnswer, type StatusFile } from '../processors/status-answers.js';
import type { RequestTally, StatusServerMessage, StatusServerSettings } from './status-process.js';

/** How often the request counts go to the server's /metrics. */
const REPORT_EVERY_MS = 1_000;

/**
 * What this port passes on to the server: the page's own routes (the subscription forms, a
 * lower-case incident id, the page's 404s) and Statuspage's JSON. Not the API, sign-in or
 * /metrics, nor the internal page, which belong to signed-in people on the server's own
 * address: a public port opened for a spike must not widen what the public can reach.
 * Read as the router will (percent-decoded, any case) so an encoding cannot slip past.
 */
export function passesOn(path: string): boolean {
  let plain: string;
  try {
    plain = decodeURIComponent(path).toLowerCase();
  } catch {
    return false;
  }
  // The router cuts a path at `#` (Node passes it on in the URL): /status/internal#x would reach the internal page.
  if (plain.includes('/.') || plain.includes('//') || plain.includes('\\') || plain.includes('#') || plain.includes(';')) return false;
  if (plain === '/status/internal' || plain.startsWith('/status/internal/') || plain.startsWith('/status/internal?')) return false;
  return plain === '/status' || plain.startsWith('/status/') || plain.startsWith('/api/v2/');
}

/** Headers that belong to one connection, not to the request or answer passed on. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

class StatusServer {
  private files = new Map<string, StatusFile>();
  private readonly budget: ClientBudget;
  private readonly conditions: Conditions = { ifNoneMatch: undefined, ifModifiedSince: undefined, acceptEncoding: undefined };
  /** Counts since the last report: a GET's by the answer given (found without building a key), the rest by method, path and status. */
  private tallies = new Map<StatusAnswer | string, RequestTally>();
  private readonly clientOf: (request: IncomingMessage) => string;
  readonly server = createServer((request, response) => this.handle(request, response));

  constructor(private readonly settings: StatusServerSettings) {
    this.budget = new ClientBudget(settings.rateLimit.requests, settings.rateLimit.windowMs);
    this.clientOf = clientAddress(settings.trustProxy);
    this.server.keepAliveTimeout = 72_000;
    this.server.headersTimeout = settings.headersMs;
    this.server.requestTimeout = settings.requestMs;
    // As the server's own port: a client that stops reading does not hold a socket and its buffers for ever.
    this.server.setTimeout(settings.idleMs);
  }

  receive(changed: StatusFile[], paths: string[]): void {
    const next = new Map<string, StatusFile>();
    for (const path of paths) {
      const file = this.files.get(path);
      if (file) next.set(path, file);
    }
    for (const file of changed) next.set(file.path, file);
    this.files = next;
  }

  /** The counts since the last call. */
  report(): RequestTally[] {
    const tallies = [...this.tallies.values()];
    this.tallies = new Map();
    return tallies;
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const method = request.method;
    const url = request.url ?? '';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const key = path.length > 7 && path.endsWith('/') ? path.slice(0, -1) : path;
    const file = method === 'GET' || method === 'HEAD' ? this.files.get(key) : undefined;
    const client = this.clientOf(request);
    // Reset before it was read: no one to answer, and no address to count or pass on.
    if (!client) return void request.socket.destroy();
    if (!file) return passesOn(path) ? this.pass(request, response, client) : this.notHere(response, method!, path);
    const started = performance.now();
    const wait = this.budget.spend(client);
    if (wait > 0) return this.tooMany(response, wait, method!, file.path, started);
    const chosen = answer(file, readConditions(request.rawHeaders, this.conditions));
    response.writeHead(chosen.status, chosen.headers);
    response.end(method === 'HEAD' ? undefined : chosen.body);
    this.count(method === 'GET' ? chosen : `${method} ${file.path} ${chosen.status}`, method!, file.path, chosen.status, started);
  }

  /** The server's own 429 for the status page: same code, message and headers. */
  private tooMany(response: ServerResponse, wait: number, method: string, path: string, started: number): void {
    const body = JSON.stringify({ error: { code: 'RATE_LIMITED', message: `Too many requests to the status page; retry in ${wait} s.` } });
    response.writeHead(429, {
      'content-type': 'application/json; charset=utf-8',
      'retry-after': String(wait),
      'content-security-policy': this.settings.policy,
      'content-length': String(Buffer.byteLength(body)),
    });
    response.end(body);
    this.count(`${method} ${path} 429`, method, path, 429, started);
  }

  /** Anything but the page: answered here, the way the server answers a path it does not have. */
  private notHere(response: ServerResponse, method: string, path: string): void {
    const started = performance.now();
    const body = JSON.stringify({ error: { code: 'NOT_FOUND', message: `There is no ${method} ${path} on the status page's address.` } });
    response.writeHead(404, {
      'content-type': 'application/json; charset=utf-8',
      'content-security-policy': this.settings.policy,
      'x-content-type-options': 'nosniff',
      'content-length': String(Buffer.byteLength(body)),
    });
    response.end(method === 'HEAD' ? undefined : body);
    // As the server labels a path no route has (src/http/routes/metrics.ts): the paths are the client's choice.
    this.count(`${method} 404`, method, '(unmatched)', 404, started);
  }

  private count(key: StatusAnswer | string, method: string, path: string, status: number, started: number): void {
    const seconds = (performance.now() - started) / 1000;
    let tally = this.tallies.get(key);
    if (!tally) this.tallies.set(key, (tally = { method, route: statusRoute(path), status, count: 0, sum: 0, buckets: new Array<number>(this.settings.bounds.length + 1).fill(0) }));
    tally.count++;
    tally.sum += seconds;
    let i = 0;
    while (i < this.settings.bounds.length && seconds > this.settings.bounds[i]!) i++;
    tally.buckets[i]!++;
  }

  /**
   * To the server, on a connection of its own (so the address it is told belongs to this
   * request alone), with the shared secret that makes the server believe that address.
   */
  private pass(request: IncomingMessage, response: ServerResponse, client: string): void {
    const { upstream, secret, proxyHeader, clientHeader } = this.settings;
    // Ours first: the server's parser keeps only so many headers, and a client sending thousands must not push these out.
    const headers: OutgoingHttpHeaders = { [proxyHeader]: secret, [clientHeader]: client };
    const connection = new Set((request.headers.connection ?? '').toLowerCase().split(',').map((name) => name.trim()));
    // X-Forwarded-For is already read into `client` (with TRUST_PROXY): the server takes the client from our header alone.
    for (const [name, value] of Object.entries(request.headers))
      if (!HOP_BY_HOP.has(name) && !connection.has(name) && name !== proxyHeader && name !== clientHeader && name !== 'x-forwarded-for') headers[name] = value;
    // Node's client writes a GET's body unframed unless told it is chunked: the bytes would reach the server as a request of their own.
    // (Node's server accepts a Transfer-Encoding only when it ends in chunked, so the codings before it go on as they came.)
    if (request.headers['transfer-encoding'] !== undefined) headers['transfer-encoding'] = request.headers['transfer-encoding'];
    let outgoing: ClientRequest;
    try {
      outgoing = forward({ host: upstream.host, port: upstream.port, method: request.method, path: request.url, headers, agent: false }, (answered) => {
        const back: OutgoingHttpHeaders = {};
        for (const [name, value] of Object.entries(answered.headers)) if (!HOP_BY_HOP.has(name)) back[name] = value;
        response.writeHead(answered.statusCode ?? 502, back);
        pipeline(answered, response, () => undefined);
      });
    } catch {
      // A header Node will not send (it checked what the client sent differently): the client's request, not ours, is at fault.
      response.writeHead(400, { 'content-security-policy': this.settings.policy, 'content-length': '0' });
      return void response.end();
    }
    // The client left: the server need not go on with an answer no one will read.
    response.once('close', () => {
      if (!response.writableFinished) outgoing.destroy();
    });
    outgoing.setTimeout(this.settings.requestMs, () => outgoing.destroy(new Error('the server took too long')));
    outgoing.on('error', () => {
      if (response.headersSent) return void response.destroy();
      const body = JSON.stringify({ error: { code: 'UNAVAILABLE', message: 'The server behind the status page did not answer; retry shortly.' } });
      response.writeHead(502, { 'content-type': 'application/json; charset=utf-8', 'content-security-policy': this.settings.policy, 'content-length': String(Buffer.byteLength(body)) });
      response.end(body);
    });
    pipeline(request, outgoing, () => undefined);
  }
}

/** The client's address as Fastify works it out from the same TRUST_PROXY (its request.ip). */
function clientAddress(trust: StatusServerSettings['trustProxy']): (request: IncomingMessage) => string {
  if (trust === false) return (request) => request.socket.remoteAddress ?? '';
  if (trust === true)
    return (request) => {
      const all = proxyAddr.all(request);
      return all[all.length - 1] ?? '';
    };
  const trusted = typeof trust === 'number' ? (_address: string, hop: number) => hop < trust : proxyAddr.compile(trust.split(',').map((entry) => entry.trim()));
  return (request) => proxyAddr(request, trusted) ?? '';
}

/** Bytes cross the process boundary as views of the whole message: copied, so a kept file does not keep every other file of its message alive. */
const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes);

function run(): void {
  const send = (message: object) => process.send?.(message);
  let status: StatusServer | null = null;
  let reporting: NodeJS.Timeout | null = null;
  process.on('message', (message: StatusServerMessage) => {
    if (message.type === 'start') {
      status = new StatusServer(message.settings);
      status.server.once('error', (error) => {
        send({ type: 'failed', message: error.message });
        process.exit(1);
      });
      status.server.listen(message.settings.port, message.settings.host, () => {
        const address = status!.server.address();
        send({ type: 'listening', port: typeof address === 'object' && address ? address.port : message.settings.port });
      });
      reporting = setInterval(() => {
        const tallies = status!.report();
        if (tallies.length) send({ type: 'requests', tallies });
      }, REPORT_EVERY_MS);
    } else if (message.type === 'files') {
      status?.receive(
        message.changed.map((parts) => statusFile({ ...parts, body: asBuffer(parts.body), gzip: parts.gzip && asBuffer(parts.gzip) })),
        message.paths,
      );
    } else if (message.type === 'stop') {
      if (reporting) clearInterval(reporting);
      const last = status?.report() ?? [];
      if (last.length) send({ type: 'requests', tallies: last });
      status?.server.close(() => process.exit(0));
      status?.server.closeIdleConnections();
    }
  });
  // The server went away without saying so (killed): nothing is left to serve for.
  process.on('disconnect', () => process.exit(0));
}

run();
