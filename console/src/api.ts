/**
 * The console's only way to the server: the same /api/v1 the CLI uses. In the browser the
 * session cookie authenticates and every write carries the CSRF token; tests may use a bearer
 * token instead. Every write has an Idempotency-Key, so the one retry after a dropped
 * connection cannot do the thing twice.
 */
import type { Drill, DrillScript, FollowUp } from './types.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The input the server names as wrong (`details.field`), shown next to that input. */
    readonly field: string | null,
  ) {
    super(message);
  }
}

export type WriteMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One page of a list and the cursor of the next (null on the last page). */
export interface ListPage<T> {
  items: T[];
  next: string | null;
}

export interface Api {
  get<T>(path: string): Promise<T>;
  /** One page of a list (src/http/pagination.ts); `cursor` from the page before. */
  page<T>(path: string, cursor?: string | null): Promise<ListPage<T>>;
  /** Every row of a list, page after page: for the lists a choice is made from, where a missing row would be a wrong answer. */
  all<T>(path: string): Promise<T[]>;
  text(path: string): Promise<string>;
  write<T>(method: WriteMethod, path: string, body?: unknown, options?: { ifMatch?: number }): Promise<T>;
}

export interface ApiOptions {
  /** Where the server is; '' for the page's own origin. */
  base?: string;
  bearer?: string;
  csrfToken?: () => string | null;
  /** The session ended (expired, signed out elsewhere): the console asks for a token again. */
  onUnauthenticated?: () => void;
}

async function failure(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string; details?: { field?: unknown } } };
    const field = body.error?.details?.field;
    return new ApiError(response.status, body.error?.code ?? `HTTP_${response.status}`, body.error?.message ?? response.statusText, typeof field === 'string' ? field : null);
  } catch {
    return new ApiError(response.status, `HTTP_${response.status}`, `The server answered ${response.status} ${response.statusText}.`, null);
  }
}

const RETRY_AFTER_MS = 500;
/** The server's largest page, and a bound on the pages one list may take. */
const PAGE_LIMIT = 500;
const MAX_PAGES = 1000;

/** `path` with one more query parameter. */
function withParam(path: string, key: string, value: string): string {
  return `${path}${path.includes('?') ? '&' : '?'}${key}=${encodeURIComponent(value)}`;
}

export function createApi(options: ApiOptions = {}): Api {
  const base = `${options.base ?? ''}/api/v1`;
  const headers = (extra: Record<string, string>) => (options.bearer ? { authorization: `Bearer ${options.bearer}`, ...extra } : extra);

  async function request(path: string, init: RequestInit, retries: number): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, { credentials: 'same-origin', ...init });
    } catch {
      if (retries <= 0) throw new ApiError(0, 'NETWORK', 'The server cannot be reached; check the connection and retry.', null);
      await new Promise((r) => setTimeout(r, RETRY_AFTER_MS));
      return request(path, init, retries - 1);
    }
    if (response.status === 401) options.onUnauthenticated?.();
    if (!response.ok) throw await failure(response);
    return response;
  }

  const getJson = (path: string) => request(path, { headers: headers({ accept: 'application/json' }) }, 1);
  const page = async <T,>(path: string, cursor?: string | null): Promise<ListPage<T>> => {
    const response = await getJson(cursor ? withParam(path, 'cursor', cursor) : path);
    return { items: (await response.json()) as T[], next: response.headers.get('x-next-cursor') };
  };

  return {
    async get<T>(path: string) {
      return (await (await getJson(path)).json()) as T;
    },
    page,
    async all<T>(path: string) {
      const rows: T[] = [];
      let cursor: string | null = null;
      for (let n = 0; n < MAX_PAGES; n++) {
        const next: ListPage<T> = await page<T>(withParam(path, 'limit', String(PAGE_LIMIT)), cursor);
        rows.push(...next.items);
        if (next.next === null) break;
        cursor = next.next;
      }
      return rows;
    },
    async text(path: string) {
      return (await request(path, { headers: headers({}) }, 1)).text();
    },
    async write<T>(method: WriteMethod, path: string, body?: unknown, writeOptions: { ifMatch?: number } = {}) {
      const extra: Record<string, string> = { 'idempotency-key': crypto.randomUUID() };
      if (body !== undefined) extra['content-type'] = 'application/json';
      const csrf = options.csrfToken?.();
      if (csrf) extra['x-csrf-token'] = csrf;
      if (writeOptions.ifMatch !== undefined) extra['if-match'] = `"${writeOptions.ifMatch}"`;
      const init: RequestInit = { method, headers: headers(extra), ...(body === undefined ? {} : { body: JSON.stringify(body) }) };
      const response = await request(path, init, 1);
      return (response.status === 204 ? undefined : await response.json()) as T;
    },
  };
}

/** Drills (README "Drills"): the scripts on offer, the drills, one with its scorecard, start and stop. */
export const drillsApi = (api: Api) => ({
  scripts: () => api.get<DrillScript[]>('/drills/scripts'),
  list: () => api.get<Drill[]>('/drills'),
  get: (id: string) => api.get<Drill>(`/drills/${encodeURIComponent(id)}`),
  start: (body: { script: string; speed: number; notify?: boolean }) => api.write<Drill>('POST', '/drills', body),
  stop: (id: string) => api.write<Drill>('POST', `/drills/${encodeURIComponent(id)}/stop`),
});

/** Follow-ups (README "Follow-ups"): open one from an incident; change one, refused if someone changed it since (`version`). */
export const followUpsApi = (api: Api) => ({
  create: (incident: string, body: { title: string; owner: string; due: string; priority?: FollowUp['priority'] }) =>
    api.write<FollowUp>('POST', `/incidents/${encodeURIComponent(incident)}/follow-ups`, body),
  change: (item: FollowUp, body: { state: FollowUp['state']; reason?: string }) =>
    api.write<FollowUp>('PATCH', `/follow-ups/${encodeURIComponent(item.id)}`, body, { ifMatch: item.version }),
  export: (item: FollowUp, tracker: 'github' | 'jira') => api.write<FollowUp>('POST', `/follow-ups/${encodeURIComponent(item.id)}/export`, { tracker }),
});
