/** Walks a paginated list the way a client does: follows each Link rel="next" until there is none. */
import { expect } from 'vitest';
import type { TestApp } from './harness.js';

export function nextLink(link: string | string[] | number | undefined): string | null {
  if (typeof link !== 'string') return null;
  return /<([^>]+)>;\s*rel="next"/.exec(link)?.[1] ?? null;
}

export interface Walk<T> {
  items: T[];
  pages: number;
}

/**
 * Every page of `url`; `rows` picks the list out of an answer (the answer itself by default),
 * `between` runs after each page but the last (to insert rows while a client is paging).
 */
export async function walk<T>(
  t: TestApp,
  url: string,
  options: { as?: string; rows?: (body: unknown) => T[]; between?: (page: number) => Promise<void>; maxPages?: number } = {},
): Promise<Walk<T>> {
  const items: T[] = [];
  const rows = options.rows ?? ((body: unknown) => body as T[]);
  let next: string | null = url;
  let pages = 0;
  while (next) {
    pages++;
    expect(pages, `more than ${options.maxPages ?? 100} pages of ${url}`).toBeLessThanOrEqual(options.maxPages ?? 100);
    const res = await t.call('GET', next, undefined, { as: options.as ?? 'admin' });
    expect(res.statusCode, `GET ${next}: ${res.body}`).toBe(200);
    items.push(...rows(res.json()));
    next = nextLink(res.headers.link);
    expect(res.headers['x-next-cursor'] !== undefined).toBe(next !== null);
    if (next && options.between) await options.between(pages);
  }
  return { items, pages };
}
