// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, render, screen } from '@testing-library/react';
import { Countdown } from '../../console/src/room/Countdown.js';

const START = new Date('2026-06-06T14:00:00.000Z');
const MINUTE = 60_000;

describe('console: the countdown to "next update by" (R8)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(START);
  });
  afterEach(() => {
    cleanup();
    vi.useRealTimers();
  });

  it('R8: counts down to the promised time and stays calm while it is far', () => {
    render(<Countdown nextUpdateBy="2026-06-06T14:10:00.000Z" updateDueAt="2026-06-06T14:05:00.000Z" />);
    const timer = screen.getByRole('timer');
    expect(timer.textContent).toContain('Next update in 10m');
    expect(timer.textContent).toContain('14:10');
    expect(timer.className).toContain('calm');
    act(() => vi.advanceTimersByTime(2 * MINUTE));
    expect(screen.getByRole('timer').textContent).toContain('in 8m');
  });

  it('R8: turns amber when the update is due soon, then red once overdue, without a reload', () => {
    render(<Countdown nextUpdateBy="2026-06-06T14:10:00.000Z" updateDueAt="2026-06-06T14:05:00.000Z" />);
    act(() => vi.advanceTimersByTime(6 * MINUTE));
    expect(screen.getByRole('timer').className).toContain('due-soon');
    expect(screen.getByRole('timer').textContent).toContain('Update due soon in 4m');
    act(() => vi.advanceTimersByTime(4 * MINUTE + 5_000));
    const timer = screen.getByRole('timer');
    expect(timer.className).toContain('overdue');
    expect(timer.textContent).toContain('Update overdue by 5s');
  });

  it("R8: the server's lead time decides when it turns amber (here 30 minutes, the policy's, not a constant of the console)", () => {
    render(<Countdown nextUpdateBy="2026-06-06T14:30:00.000Z" updateDueAt="2026-06-06T14:00:00.000Z" />);
    expect(screen.getByRole('timer').className).toContain('due-soon');
  });

  it('R8: a severity without a cadence promises the next update at resolution, and a resolved incident owes none', () => {
    const { unmount } = render(<Countdown nextUpdateBy={null} updateDueAt={null} />);
    expect(screen.getByText(/at resolution/)).toBeTruthy();
    expect(screen.queryByRole('timer')).toBeNull();
    unmount();
    render(<Countdown nextUpdateBy="2026-06-06T14:10:00.000Z" updateDueAt={null} resolved />);
    expect(screen.getByText(/No further update owed/)).toBeTruthy();
  });
});
