/**
 * The CLI's HTTP client: where the server is (INCIDENT_URL), who is asking
 * (INCIDENT_TOKEN or the local admin token file), and an Idempotency-Key on every
 * write so that a retried request changes nothing twice.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Static } from 'typebox';
import type { AlertGroupSchema, AlertSchema, AlertSourceSchema, NewAlertSourceSchema, RotatedAlertSourceSchema } from '../http/alert-schemas.js';
import type { EntrySchema, IncidentSchema, PersonSchema, TokenSchema, UpdateSchema } from '../http/schemas.js';

export type Incident = Static<typeof IncidentSchema>;
export type Update = Static<typeof UpdateSchema>;
export type Entry = Static<typeof EntrySchema>;
export type Person = Static<typeof PersonSchema>;
export type IssuedToken = Static<typeof TokenSchema>;
export type AlertSource = Static<typeof AlertSourceSchema>;
/** The answer to adding a source: its key, shown once (null on an Idempotency-Key replay). */
export type NewAlertSource = Static<typeof NewAlertSourceSchema>;
/** The answer to rotating a source's key: the new key, shown once, and until when the old one is still accepted. */
export type RotatedAlertSource = Static<typeof RotatedAlertSourceSchema>;
/** A group of related alerts: the one thing to acknowledge (`GET /alerts`); `alerts` only from `GET /alerts/{groupId}`. */
export type AlertGroup = Static<typeof AlertGroupSchema> & { alerts?: Alert[] };
export type Alert = Static<typeof AlertSchema>;
export interface Warning {
  code: string;
  message: string;
}

export const DEFAULT_URL = 'http://127.0.0.1:3000';
const TIMEOUT_MS = 30_000;
/** Answers worth one more try with the same Idempotency-Key: the server says nothing was changed, or a proxy hiccuped. */
const RETRY_STATUSES = new Set([500, 502, 503, 504]);

/** The server said no: a 4xx/5xx with `{"error": {code, message, details}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get field(): string | undefined {
    return typeof this.details.field === 'string' ? this.details.field : undefined;
  }
}

/** The command line itself is wrong (exit 2). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The server could not be reached at all. */
export class ConnectionError extends Error {
  override name = 'ConnectionError';
}

export interface Connection {
  url: string;
  token: string;
}

/** INCIDENT_URL (default http://127.0.0.1:3000) and INCIDENT_TOKEN, or else `<INCIDENT_DATA_DIR or ./data>/admin-token`. */
export function resolveConnection(env: NodeJS.ProcessEnv = process.env): Connection {
  const url = (env.INCIDENT_URL?.trim() || DEFAULT_URL).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]/i.test(url)) throw new UsageError(`INCIDENT_URL must be an http(s) URL such as ${DEFAULT_URL}; it is "${env.INCIDENT_URL}".`);
  const fromEnv = env.INCIDENT_TOKEN?.trim();
  if (fromEnv) return { url, token: fromEnv };
  const file = join(resolve(env.INCIDENT_DATA_DIR || 'data'), 'admin-token');
  let token = '';
  try {
    token = readFileSync(file, 'utf8').trim();
  } catch {
    // handled below
  }
  if (!token)
    throw new UsageError(
      `no API token: set INCIDENT_TOKEN (an admin issues one with "incident token <handle>"), or run where the server keeps ${file}.`,
    );
  return { url, token };
}

interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined>;
  /** Expect text (Markdown) rather than JSON. */
  text?: boolean;
  /** Sees the answer's headers (a list's X-Next-Cursor). */
  onHeaders?: (headers: Headers) => void;
}

/** The most rows the server gives in one page (src/http/pagination.ts). */
const PAGE_LIMIT = 500;
/** A bound on any walk through a list's pages: five million rows. */
const MAX_PAGES = 10_000;

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Connections that broke after the request may have reached the server: the same Idempotency-Key makes a retry safe. */
const RETRY_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

function causeOf(error: unknown): { code?: string; message?: string } {
  const cause = (error as { cause?: { code?: string; message?: string; errors?: { code?: string }[] } }).cause;
  return { code: cause?.code ?? cause?.errors?.[0]?.code, message: cause?.message };
}

export class Client {
  constructor(readonly connection: Connection) {}

  static fromEnv(env: NodeJS.ProcessEnv = process.env): Client {
    return new Client(resolveConnection(env));
  }

  get<T>(path: string, query?: RequestOptions['query']): Promise<T> {
    return this.request<T>('GET', path, { query });
  }

  /**
   * Each page of a list, following its X-Next-Cursor until the last one or until `limit`
   * rows (counted by `rows`) have come.
   */
  async *pages<T>(path: string, query: RequestOptions['query'] = {}, options: { limit?: number; rows: (page: T) => number }): AsyncGenerator<T> {
    let cursor: string | undefined;
    let seen = 0;
    for (let n = 0; n < MAX_PAGES; n++) {
      let next: string | null = null;
      const limit = options.limit === undefined ? PAGE_LIMIT : Math.min(PAGE_LIMIT, options.limit - seen);
      const page = await this.request<T>('GET', path, { query: { ...query, limit, cursor }, onHeaders: (headers) => (next = headers.get('x-next-cursor')) });
      yield page;
      seen += options.rows(page);
      if (next === null || (options.limit !== undefined && seen >= options.limit)) return;
      cursor = next;
    }
  }

  /** Every row of a list (or the first `limit`), page after page. */
  async all<T>(path: string, query: RequestOptions['query'] = {}, limit?: number): Promise<T[]> {
    const rows: T[] = [];
    for await (const page of this.pages<T[]>(path, query, { limit, rows: (p) => p.length })) rows.push(...page);
    return rows;
  }

  getText(path: string): Promise<string> {
    return this.request<string>('GET', path, { text: true });
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, { body });
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, { body });
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, { body });
  }

  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path, {});
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const url = new URL(`${this.connection.url}/api/v1${path}`);
    for (const [key, value] of Object.entries(options.query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.connection.token}`,
      accept: options.text ? 'text/markdown, application/json' : 'application/json',
    };
    // One key per write, kept across the retry below: the server replays its first answer instead of acting twice.
    if (WRITES.has(method)) headers['idempotency-key'] = randomUUID();
    // Fastify refuses an empty JSON body, so the content type goes only with a body.
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const init: RequestInit = { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) };

    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
      } catch (error) {
        const cause = causeOf(error);
        if (attempt < 2 && cause.code && RETRY_CODES.has(cause.code)) {
          await pause(300);
          continue;
        }
        throw this.connectionError(error, cause);
      }
      if (RETRY_STATUSES.has(response.status) && attempt < 2) {
        await response.body?.cancel();
        await pause(300);
        continue;
      }
      options.onHeaders?.(response.headers);
      return this.answer<T>(response, options.text === true);
    }
  }

  private async answer<T>(response: Response, text: boolean): Promise<T> {
    const raw = await response.text();
    if (!response.ok) {
      let parsed: { error?: { code?: string; message?: string; details?: Record<string, unknown> } } = {};
      try {
        parsed = JSON.parse(raw);
      } catch {
        // not JSON (a proxy's error page, say)
      }
      const error = parsed.error;
      throw new ApiError(
        response.status,
        error?.code ?? `HTTP_${response.status}`,
        error?.message ?? `the server answered ${response.status} ${response.statusText}`.trim(),
        error?.details ?? {},
      );
    }
    if (text) return raw as T;
    // A 204 (a revoked token, a deleted webhook) has nothing to say.
    if (response.status === 204) return undefined as T;
    try {
      return JSON.parse(raw) as T;
    } catch {
      throw new ApiError(response.status, 'BAD_ANSWER', `the server at ${this.connection.url} did not answer JSON; is INCIDENT_URL right?`);
    }
  }

  private connectionError(error: unknown, { code, message }: { code?: string; message?: string }): ConnectionError {
    const where = `${this.connection.url} (INCIDENT_URL)`;
    if (code === 'ECONNREFUSED')
      return new ConnectionError(`cannot reach the Incident Command server at ${where}: connection refused. Is it running ("incident serve")? Set INCIDENT_URL if it is elsewhere.`);
    if (code === 'ENOTFOUND') return new ConnectionError(`cannot reach the Incident Command server at ${where}: unknown host.`);
    if ((error as Error).name === 'TimeoutError')
      return new ConnectionError(`the Incident Command server at ${where} did not answer within ${TIMEOUT_MS / 1000}s.`);
    return new ConnectionError(`cannot reach the Incident Command server at ${where}: ${code ?? message ?? (error as Error).message}.`);
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
