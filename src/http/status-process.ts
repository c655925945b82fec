/**
 * INCIDENT_STATUS_PORT: the public status page served by a small process of its own
 * (src/http/status-server.ts), forked by the server and fed every render over IPC. A
 * worker like the others (start, stop with drain, health in /readyz); a child that dies
 * is started again, and the server is not held up meanwhile (its own port still serves
 * the page). Requests the child does not answer itself come back to the server carrying a
 * secret made for this start, and only then is the client address they name believed.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { StatusPagePublisher } from '../processors/status-page-publisher.js';
import type { StatusFile, StatusFileParts } from '../processors/status-answers.js';
import type { Worker, WorkerHealth } from '../processors/worker.js';

/** Counts of one method, route and status since the child's last report, with the durations' histogram. */
export interface RequestTally {
  method: string;
  route: string;
  status: number;
  count: number;
  sum: number;
  /** Not cumulative, one per bound and the last for +Inf. */
  buckets: number[];
}

export interface StatusServerSettings {
  host: string;
  port: number;
  upstream: { host: string; port: number };
  secret: string;
  proxyHeader: string;
  clientHeader: string;
  rateLimit: { requests: number; windowMs: number };
  /** TRUST_PROXY (src/http/context.ts), so the child keys its rate limit on the client as the server would. */
  trustProxy: boolean | number | string;
  /** The Content-Security-Policy of the page's own error answers. */
  policy: string;
  /** The request-duration histogram's bounds, in seconds (/metrics). */
  bounds: number[];
  headersMs: number;
  requestMs: number;
  idleMs: number;
}

export type StatusServerMessage =
  | { type: 'start'; settings: StatusServerSettings }
  | { type: 'files'; changed: StatusFileParts[]; paths: string[] }
  | { type: 'stop' };

type FromChild = { type: 'listening'; port: number } | { type: 'failed'; message: string } | { type: 'requests'; tallies: RequestTally[] };

/** How long a child must have served for its death not to count toward the next wait. */
const STEADY_MS = 30_000;

const PROXY_HEADER = 'x-incident-status-proxy';
const CLIENT_HEADER = 'x-incident-status-client';

export interface StatusProcessOptions {
  publisher: StatusPagePublisher;
  host: string;
  port: number;
  /** Where the server itself listens, for what the child passes on (asked at each start: the server may listen on a port given it). */
  upstream: () => { host: string; port: number };
  rateLimit: { requests: number; windowMs: number };
  trustProxy: boolean | number | string;
  bounds: number[];
  timeouts: { headersMs: number; requestMs: number; idleMs: number };
  /** Each report of the child's requests, for /metrics. */
  onRequests: (tallies: RequestTally[]) => void;
  log: { info(object: object, message: string): void; error(object: object, message: string): void };
  /** Waits between restarts of a child that died, doubling up to 30 s (default from 1 s). */
  restartMs?: number;
}

export class StatusProcess implements Worker {
  /** Made for this start: a request carrying it came from our child. */
  private readonly secret = randomBytes(24).toString('base64url');
  private child: ChildProcess | null = null;
  private unsubscribe: (() => void) | null = null;
  private stopping = false;
  private failure: { problem: string; since: string } | null = null;
  private restarts = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  /** Connections whose address was set from our child's header. */
  private readonly adopted = new WeakSet<Socket>();
  /** The port the child listens on (the one asked for, or the one given for port 0). */
  port: number | null = null;

  constructor(private readonly options: StatusProcessOptions) {}

  /** Resolves once the child listens; rejects when it cannot (the port is taken), so the server does not start half-configured. */
  async start(): Promise<void> {
    await this.spawn();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.unsubscribe?.();
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.send({ type: 'stop' } satisfies StatusServerMessage, () => undefined);
    // The child drains its keep-alive connections; one that lingers is not waited for past a few seconds.
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }

  health(): WorkerHealth {
    if (this.stopping) return { ok: false, problem: 'not running' };
    return this.failure ? { ok: false, ...this.failure } : { ok: true };
  }

  /**
   * On the server's side: a request passed on by our child names its client in a header;
   * with the right secret, that address becomes the request's (for rate limits and logs),
   * and both headers are taken out before anything else reads them. False when the
   * request is not to be answered (its connection is closed).
   */
  adopt(request: IncomingMessage): boolean {
    const socket = request.socket;
    // Our child opens a connection per request: a second request on an adopted one did not come from it, and would inherit the address.
    if (this.adopted.has(socket)) {
      socket.destroy();
      return false;
    }
    // rawHeaders is only read: Node builds `headers` from it lazily, by a count it keeps, and a shortened array breaks that.
    const raw = request.rawHeaders;
    let named = false;
    for (let i = 0; i < raw.length && !named; i += 2) {
      const name = raw[i]!.toLowerCase();
      named = name === PROXY_HEADER || name === CLIENT_HEADER;
    }
    if (!named) return true;
    const headers = request.headers;
    const sent = headers[PROXY_HEADER];
    const client = headers[CLIENT_HEADER];
    delete headers[PROXY_HEADER];
    delete headers[CLIENT_HEADER];
    // Our child always sends both, first: one alone was not sent by it, or was pushed out of the parser's header limit.
    if (typeof sent !== 'string' || typeof client !== 'string') {
      socket.destroy();
      return false;
    }
    if (!this.matches(sent)) return true;
    Object.defineProperty(socket, 'remoteAddress', { value: client, configurable: true });
    this.adopted.add(socket);
    return true;
  }

  private matches(sent: string): boolean {
    const a = Buffer.from(sent);
    const b = Buffer.from(this.secret);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  private spawn(): Promise<void> {
    const { options } = this;
    // Under the tests the sources run as TypeScript; built, the child is JavaScript beside this file.
    const typescript = import.meta.url.endsWith('.ts');
    const entry = new URL(`./status-server.${typescript ? 'ts' : 'js'}`, import.meta.url);
    const child = fork(entry, [], { serialization: 'advanced', execArgv: typescript ? ['--import', 'tsx'] : [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child = child;
    const settings: StatusServerSettings = {
      host: options.host,
      port: this.port ?? options.port,
      upstream: options.upstream(),
      secret: this.secret,
      proxyHeader: PROXY_HEADER,
      clientHeader: CLIENT_HEADER,
      rateLimit: options.rateLimit,
      trustProxy: options.trustProxy,
      policy: options.publisher.policy,
      bounds: options.bounds,
      ...options.timeouts,
    };
    return new Promise<void>((resolve, reject) => {
      let listening = false;
      let listenedAt = 0;
      child.on('message', (message: FromChild) => {
        if (message.type === 'requests') options.onRequests(message.tallies);
        else if (message.type === 'failed') reject(new Error(`the status page's process could not listen on ${options.host}:${settings.port}: ${message.message}`));
        else if (message.type === 'listening') {
          listening = true;
          listenedAt = Date.now();
          this.port = message.port;
          this.failure = null;
          this.unsubscribe?.();
          // Stopped while it was starting: stop() has told it to leave, and nothing more is sent.
          if (this.stopping) return resolve();
          this.unsubscribe = options.publisher.onFiles((changed, paths) => this.send(child, changed, paths));
          options.log.info({ port: message.port, child: child.pid }, 'status page: its own process listens');
          resolve();
        }
      });
      child.once('exit', (code, signal) => {
        this.unsubscribe?.();
        this.unsubscribe = null;
        if (!listening) return reject(new Error(`the status page's process exited before listening (code ${code ?? signal})`));
        if (this.stopping) return;
        // A child that served a while starts the wait over; one that dies at once keeps doubling it.
        if (Date.now() - listenedAt > STEADY_MS) this.restarts = 0;
        options.log.error({ code, signal }, 'status page: its process exited; starting it again');
        this.restartLater(`the status page's process exited (${code ?? signal}); starting it again`);
      });
      child.send({ type: 'start', settings } satisfies StatusServerMessage);
    });
  }

  private restartLater(problem: string): void {
    if (this.stopping) return;
    this.failure = { problem, since: new Date().toISOString() };
    const wait = Math.min(30_000, (this.options.restartMs ?? 1_000) * 2 ** this.restarts++);
    this.restartTimer = setTimeout(() => {
      this.spawn().catch((error: unknown) => {
        this.options.log.error({ err: error }, 'status page: its process did not start again');
        this.restartLater(error instanceof Error ? error.message : String(error));
      });
    }, wait);
    this.restartTimer.unref();
  }

  private send(child: ChildProcess, changed: StatusFile[], paths: string[]): void {
    if (!child.connected) return;
    const parts = changed.map(({ path, body, gzip, etag, modifiedAt, headers }) => ({ path, body, gzip, etag, modifiedAt, headers }));
    child.send({ type: 'files', changed: parts, paths } satisfies StatusServerMessage, (error) => {
      if (error) this.options.log.error({ err: error }, 'status page: could not send a render to its process');
    });
  }
}
