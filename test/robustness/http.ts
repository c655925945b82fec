/** A small HTTP client for the robustness suites that talk to a real server process. */
import { ADMIN_TOKEN } from '../support/harness.js';

export interface Answer {
  status: number;
  text: string;
  headers: Headers;
  /** The parsed JSON body (undefined when the body is not JSON). */
  json: unknown;
}

export interface CallOptions {
  token?: string;
  idempotencyKey?: string;
  ifMatch?: number;
  /** Abort after this many milliseconds (default 15 s), so no test waits forever. */
  timeoutMs?: number;
}

/** One request; throws when no answer came (refused connection, reset, timeout). */
export async function call(base: string, method: string, path: string, body?: unknown, options: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `Bearer ${options.token ?? ADMIN_TOKEN}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;
  if (options.ifMatch !== undefined) headers['if-match'] = `"${options.ifMatch}"`;
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, headers: res.headers, json };
}

/** Like `call`, but the answer must be the given status. */
export async function expectStatus<T = unknown>(status: number, base: string, method: string, path: string, body?: unknown, options: CallOptions = {}): Promise<T> {
  const answer = await call(base, method, path, body, options);
  if (answer.status !== status) throw new Error(`${method} ${path}: expected ${status}, got ${answer.status}: ${answer.text.slice(0, 500)}`);
  return answer.json as T;
}

/** Adds a person and issues them a token (as admin). */
export async function addPerson(base: string, handle: string, role: 'admin' | 'responder' | 'viewer' = 'responder'): Promise<string> {
  await expectStatus(201, base, 'POST', '/people', { handle, name: handle, role });
  const { token } = await expectStatus<{ token: string }>(201, base, 'POST', `/people/${handle}/tokens`, {});
  return token;
}

export interface TimelineEntry {
  id: number;
  kind: string;
  text: string;
  actor: string;
  event: string;
}

export interface Update {
  id: number;
  status: string;
  impact: string;
  whatWeKnow: string;
  nextStep: string | null;
}

export interface Incident {
  id: string;
  number: number;
  title: string;
  severity: string;
  status: string;
  smes: { person: string; specialty: string }[];
  lastUpdate: Update | null;
  version: number;
}
