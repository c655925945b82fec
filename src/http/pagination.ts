/**
 * Every list under /api/v1 pages the same way: `limit` rows (a default and a maximum per
 * list) after `cursor`, the opaque token the previous page handed out in its `Link:
 * <…>; rel="next"` header (RFC 8288) and in `X-Next-Cursor`. No next link: that was the
 * last page. Answers keep their body shape; the paging rides in headers.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { DomainError } from '../domain/model/errors.js';
import type { Page, PageRequest, SortValue } from '../store/keyset.js';

/** What each value of a list's sort key is: checked when a cursor comes back. */
type KeyKind = 'int' | 'text';

export interface Paging {
  /** Which list a cursor belongs to: one list's cursor is refused by another. */
  list: string;
  keys: readonly KeyKind[];
  defaultLimit: number;
  maxLimit: number;
}

export function paging(list: string, keys: readonly KeyKind[], limits: { defaultLimit?: number; maxLimit?: number } = {}): Paging {
  return { list, keys, defaultLimit: limits.defaultLimit ?? 100, maxLimit: limits.maxLimit ?? 500 };
}

/** The `limit` and `cursor` query parameters, to spread into a list's querystring schema. */
export function pageQuery(p: Paging) {
  return {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: p.maxLimit, description: `rows per page: default ${p.defaultLimit}, at most ${p.maxLimit}` })),
    cursor: Type.Optional(
      Type.String({ minLength: 1, maxLength: 1000, description: 'where to go on from: the X-Next-Cursor of the page before (or follow its Link rel="next")' }),
    ),
  };
}

/** The answer's headers, as the OpenAPI document shows them: options for a list's 200 schema. */
export const pageHeaders = {
  headers: {
    link: Type.String({ description: 'RFC 8288 `<…>; rel="next"`: the next page, when there is one' }),
    'x-next-cursor': Type.String({ description: 'the cursor of the next page, when there is one' }),
  },
};

interface Cursor {
  l: string;
  d: 'next';
  k: SortValue[];
}

function refuse(): never {
  throw new DomainError('VALIDATION_FAILED', 'cursor is not one this list handed out; start again without it, or follow the Link rel="next" of the page before.', {
    field: 'cursor',
    in: 'query',
  });
}

export function encodeCursor(p: Paging, key: readonly SortValue[]): string {
  const cursor: Cursor = { l: p.list, d: 'next', k: [...key] };
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeCursor(p: Paging, text: string): SortValue[] {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) refuse();
  const bytes = Buffer.from(text, 'base64url');
  // Node's decoder skips what it cannot use; only the exact encoding of what it read is ours.
  if (bytes.toString('base64url') !== text) refuse();
  let cursor: Partial<Cursor>;
  try {
    cursor = JSON.parse(bytes.toString('utf8')) as Partial<Cursor>;
  } catch {
    refuse();
  }
  if (cursor === null || typeof cursor !== 'object' || cursor.l !== p.list || cursor.d !== 'next' || !Array.isArray(cursor.k)) refuse();
  const key = cursor.k;
  if (key.length !== p.keys.length) refuse();
  p.keys.forEach((kind, i) => {
    const value: unknown = key[i];
    const fits = kind === 'int' ? Number.isSafeInteger(value) : typeof value === 'string' && value.length <= 500 && !value.includes('\u0000');
    if (!fits) refuse();
  });
  return key;
}

/** The page a request asks for: its limit (or the list's default) and where to start. */
export function pageRequest(p: Paging, query: { limit?: number; cursor?: string }): PageRequest {
  return { limit: query.limit ?? p.defaultLimit, after: query.cursor === undefined ? null : decodeCursor(p, query.cursor) };
}

/** Announces the next page (Link and X-Next-Cursor) when there is one; answers the page's rows. */
export function sendPage<T>(request: FastifyRequest, reply: FastifyReply, p: Paging, page: Page<T>): T[] {
  if (page.next) {
    const cursor = encodeCursor(p, page.next);
    const [path, search] = request.url.split('?', 2) as [string, string | undefined];
    const query = new URLSearchParams(search);
    query.set('cursor', cursor);
    reply.header('link', `<${path}?${query.toString()}>; rel="next"`);
    reply.header('x-next-cursor', cursor);
  }
  return page.items;
}
