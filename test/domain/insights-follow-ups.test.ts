/** Follow-ups in insights (src/domain/insights/follow-ups.ts), checked against hand-counted cases. */
import { describe, expect, it } from 'vitest';
import { followUpFigures } from '../../src/domain/insights/follow-ups.js';

const FROM = '2026-06-01T00:00:00.000Z';
const TO = '2026-06-08T00:00:00.000Z';
const item = (createdAt: string, due: string, state: 'open' | 'done' | 'wont_do' = 'open', closedAt: string | null = null) => ({ createdAt, due, state, closedAt });

describe('followUpFigures', () => {
  const items = [
    // a: opened before the period, done in it.
    item('2026-05-20T10:00:00.000Z', '2026-05-30', 'done', '2026-06-02T09:00:00.000Z'),
    // b: opened in it, still open, due on the period's last day: not overdue within it.
    item('2026-06-01T00:00:00.000Z', '2026-06-07'),
    // c: opened in it, due mid-period, still open: overdue at its end.
    item('2026-06-02T12:00:00.000Z', '2026-06-04'),
    // d: opened in it, due in it, dropped after the period: open and overdue at its end.
    item('2026-06-03T12:00:00.000Z', '2026-06-05', 'wont_do', '2026-06-09T08:00:00.000Z'),
    // e: opened in it, dropped in it.
    item('2026-06-04T12:00:00.000Z', '2026-06-20', 'wont_do', '2026-06-05T08:00:00.000Z'),
    // f: opened at the period's end (exclusive): counts nowhere.
    item(TO, '2026-06-08'),
    // g: opened before, overdue, done in the period before its end: not overdue.
    item('2026-05-01T00:00:00.000Z', '2026-05-10', 'done', '2026-06-07T23:59:59.999Z'),
  ];

  it('opened, done, won’t do in [from, to); overdue at the end of the period', () => {
    expect(followUpFigures(items, FROM, TO, '2026-06-20T00:00:00.000Z')).toEqual({ opened: 4, done: 2, wontDo: 1, overdue: 2, overdueAt: '2026-06-07T23:59:59.999Z' });
  });

  it('a period still running counts overdue as of now', () => {
    // On 5 June: c (due 4 June) is overdue; d is not yet (due that day); g is (due 10 May, open then).
    expect(followUpFigures(items, FROM, TO, '2026-06-05T12:00:00.000Z')).toMatchObject({ overdue: 2, overdueAt: '2026-06-05T12:00:00.000Z' });
  });

  it('nothing to count is all zeros', () => {
    expect(followUpFigures([], FROM, TO, TO)).toEqual({ opened: 0, done: 0, wontDo: 0, overdue: 0, overdueAt: '2026-06-07T23:59:59.999Z' });
  });
});
