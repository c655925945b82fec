/** The export and sync rules (src/domain/follow-ups/export.ts), one by one. */
import { describe, expect, it } from 'vitest';
import { claim, decideExport, decideSync, decideSyncFailure, linked, MAX_BACKOFF_MS, STALE_CLAIM_MS } from '../../src/domain/follow-ups/export.js';
import { DomainError } from '../../src/domain/model/errors.js';

const NOW = '2026-06-06T14:14:00.000Z';
const POLL = 300_000;
const item = { id: 'fu_0000000000000001', state: 'open' as const };
const later = (ms: number) => new Date(Date.parse(NOW) + ms).toISOString();
const pending = claim(item, 'github', 'priya', NOW);
const link = linked(pending, { key: 'acme/ops#4', url: 'https://github.com/acme/ops/issues/4' }, NOW, POLL);

function code(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return 'none';
}

describe('decideExport', () => {
  it('claims an open follow-up with no link; answers the link it has, whatever tracker is asked', () => {
    expect(decideExport(item, null, 'github', NOW)).toEqual({ kind: 'claim' });
    expect(decideExport(item, link, 'jira', NOW)).toEqual({ kind: 'existing', link });
    expect(decideExport({ ...item, state: 'done' }, link, 'github', NOW)).toEqual({ kind: 'existing', link });
  });
  it('refuses while another export is making the issue, until the claim is stale', () => {
    expect(code(() => decideExport(item, pending, 'github', later(STALE_CLAIM_MS - 1)))).toBe('EXPORT_IN_PROGRESS');
    expect(decideExport(item, pending, 'github', later(STALE_CLAIM_MS))).toEqual({ kind: 'claim' });
  });
  it('refuses a closed follow-up with no issue', () => {
    expect(code(() => decideExport({ ...item, state: 'wont_do' }, null, 'jira', NOW))).toBe('FOLLOW_UP_CLOSED');
  });
});

describe('linked and decideSync', () => {
  it('a new link is first looked at one poll later', () => {
    expect(link).toMatchObject({ state: 'linked', remoteState: 'open', exportedAt: NOW, syncAt: later(POLL) });
  });
  it('an open issue plans the next look and clears a failure', () => {
    const failing = { ...link, failures: 3, lastError: '502' };
    expect(decideSync(item, failing, 'open', later(1000), POLL)).toEqual({
      link: { ...link, syncedAt: later(1000), syncAt: later(1000 + POLL), failures: 0, lastError: null },
      close: null,
    });
  });
  it('a closed issue closes an open follow-up the same way, and stops the looking', () => {
    expect(decideSync(item, link, 'wont_do', NOW, POLL)).toMatchObject({ close: 'wont_do', link: { remoteState: 'wont_do', syncAt: null } });
    expect(decideSync(item, link, 'done', NOW, POLL).close).toBe('done');
  });
  it('a follow-up already closed here is left as it is', () => {
    expect(decideSync({ state: 'done' }, link, 'wont_do', NOW, POLL).close).toBeNull();
  });
});

describe('decideSyncFailure', () => {
  it('doubles from the poll interval, up to an hour', () => {
    const waits: number[] = [];
    let current = link;
    for (let i = 0; i < 6; i++) {
      current = decideSyncFailure(current, 'HTTP 502', NOW, 60_000, null);
      waits.push(Date.parse(current.syncAt!) - Date.parse(NOW));
    }
    expect(waits).toEqual([120_000, 240_000, 480_000, 960_000, 1_920_000, MAX_BACKOFF_MS]);
    expect(current).toMatchObject({ failures: 6, lastError: 'HTTP 502' });
  });
  it('waits as long as Retry-After asks when that is longer', () => {
    expect(decideSyncFailure(link, '429', NOW, 60_000, 900_000).syncAt).toBe(later(900_000));
    expect(decideSyncFailure(link, '429', NOW, 60_000, 1_000).syncAt).toBe(later(120_000));
  });
});
