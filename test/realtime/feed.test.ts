import { describe, expect, it } from 'vitest';
import { advance, isSettled, parseSnapshot, type Snapshot } from '../../src/domain/realtime/feed.js';
import { incidentMessage, resumeAfter } from '../../src/presenters/sse.js';

const rows = (...ids: number[]) => ids.map((id) => ({ id }));
const snap = (...inProgress: number[]): Snapshot => ({ xmin: 100n, xmax: 200n, inProgress: inProgress.map(BigInt) });
const GIVE_UP = 30_000;


describe('the stream position (no I/O)', () => {
  it('delivers a contiguous run and moves the watermark to its end', () => {
    const step = advance({ watermark: 4, gap: null }, rows(5, 6, 7), snap(), 0, GIVE_UP);
    expect(step.deliver.map((r) => r.id)).toEqual([5, 6, 7]);
    expect(step.position).toEqual({ watermark: 7, gap: null });
    expect(step.waiting).toBe(false);
  });

  it('holds back everything above a missing id while a transaction that may commit it still runs', () => {
    const step = advance({ watermark: 4, gap: null }, rows(5, 7, 8), snap(150), 1000, GIVE_UP);
    expect(step.deliver.map((r) => r.id)).toEqual([5]);
    expect(step.position).toEqual({ watermark: 5, gap: { from: 6, blockers: [150n], seenAt: 1000 } });
    expect(step.waiting).toBe(true);
  });

  it('delivers the late event in order once it commits', () => {
    const held = advance({ watermark: 5, gap: null }, rows(7), snap(150), 0, GIVE_UP);
    const filled = advance(held.position, rows(6, 7), snap(), 10, GIVE_UP);
    expect(filled.deliver.map((r) => r.id)).toEqual([6, 7]);
    expect(filled.skipped).toEqual([]);
    expect(filled.position.watermark).toBe(7);
  });

  it('skips a gap once every transaction running when it was seen has ended without filling it (rolled back)', () => {
    const held = advance({ watermark: 5, gap: null }, rows(7), snap(150, 151), 0, GIVE_UP);
    // 151 still runs: not settled yet, even though 150 ended.
    const still = advance(held.position, rows(7), snap(151, 160), 5, GIVE_UP);
    expect(still.deliver).toEqual([]);
    expect(still.waiting).toBe(true);
    // Transactions that started after the gap was seen (160) do not hold it.
    const settled = advance(still.position, rows(7), snap(160), 10, GIVE_UP);
    expect(settled.deliver.map((r) => r.id)).toEqual([7]);
    expect(settled.skipped).toEqual([{ from: 6, to: 6 }]);
  });

  it('a gap seen when nothing else runs is final at once', () => {
    const step = advance({ watermark: 5, gap: null }, rows(9, 10), snap(), 0, GIVE_UP);
    expect(step.deliver.map((r) => r.id)).toEqual([9, 10]);
    expect(step.skipped).toEqual([{ from: 6, to: 8 }]);
  });

  it('gives a gap up after the give-up time even if its transactions seem to run on', () => {
    const held = advance({ watermark: 5, gap: null }, rows(7), snap(150), 0, GIVE_UP);
    expect(advance(held.position, rows(7), snap(150), GIVE_UP - 1, GIVE_UP).deliver).toEqual([]);
    expect(advance(held.position, rows(7), snap(150), GIVE_UP, GIVE_UP).deliver.map((r) => r.id)).toEqual([7]);
  });

  it('on SQLite (no snapshot: one writer, ids commit in order) a gap never holds anything back', () => {
    const step = advance({ watermark: 5, gap: null }, rows(8), null, 0, GIVE_UP);
    expect(step.deliver.map((r) => r.id)).toEqual([8]);
    expect(isSettled({ from: 6, blockers: [1n], seenAt: 0 }, null, 0, GIVE_UP)).toBe(true);
  });

  it('ignores rows at or below the watermark', () => {
    expect(advance({ watermark: 7, gap: null }, rows(6, 7, 8), snap(), 0, GIVE_UP).deliver.map((r) => r.id)).toEqual([8]);
  });

  it('reads pg_current_snapshot() text', () => {
    expect(parseSnapshot('740:745:741,743')).toEqual({ xmin: 740n, xmax: 745n, inProgress: [741n, 743n] });
    expect(parseSnapshot('740:740:')).toEqual({ xmin: 740n, xmax: 740n, inProgress: [] });
  });
});

describe('the SSE wire format (no I/O)', () => {
  it('an incident message carries the event id, the event name and the contract data', () => {
    const text = incidentMessage({ id: 41, incident: 7, seq: 12, type: 'StatusUpdatePosted', actor: 'alice', recordedAt: '2026-06-06T14:14:00.000Z' });
    expect(text).toBe(
      'id: 41\nevent: incident\ndata: {"id":"INC-7","number":7,"seq":12,"type":"StatusUpdatePosted","at":"2026-06-06T14:14:00.000Z","actor":"alice"}\n\n',
    );
  });

  it('resumes after Last-Event-ID over ?since, after ?since without it, and from now with neither', () => {
    expect(resumeAfter('41', 3)).toBe(41);
    expect(resumeAfter(undefined, 3)).toBe(3);
    expect(resumeAfter('', 3)).toBe(3);
    expect(resumeAfter(undefined, undefined)).toBeNull();
    expect(() => resumeAfter('abc', undefined)).toThrow(/Last-Event-ID/);
  });
});
