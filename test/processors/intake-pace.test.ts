import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IntakePace } from '../../src/processors/intake-pace.js';

/** Whether the promise has settled once the fake clock has moved `ms` (timers and turns of the event loop run meanwhile). */
async function settledWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let settled = false;
  void promise.then(() => (settled = true));
  await vi.advanceTimersByTimeAsync(ms);
  return settled;
}

describe('IntakePace.wait (before the inbox is listed, and before each step)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setImmediate', 'performance'] });
    vi.advanceTimersByTime(10_000);
  });
  afterEach(() => vi.useRealTimers());

  /** Deliveries arriving every 10 ms for `ms`, the clock moving with them; answers whether `promise` settled meanwhile. */
  async function arrivingFor(pace: IntakePace, promise: Promise<void>, ms: number): Promise<boolean> {
    let settled = false;
    void promise.then(() => (settled = true));
    for (let t = 0; t < ms; t += 10) {
      pace.arrived();
      await vi.advanceTimersByTimeAsync(10);
    }
    return settled;
  }

  it('waits while deliveries keep arriving, for at most 200 ms a step', async () => {
    const pace = new IntakePace(() => false);
    const waiting = pace.wait();
    expect(await arrivingFor(pace, waiting, 190)).toBe(false);
    expect(await arrivingFor(pace, waiting, 20)).toBe(true);
  });

  it('waits `longerMs` more when asked (the drain on PostgreSQL, before listing the inbox)', async () => {
    const pace = new IntakePace(() => false);
    const waiting = pace.wait(undefined, 50);
    expect(await arrivingFor(pace, waiting, 240)).toBe(false);
    expect(await arrivingFor(pace, waiting, 20)).toBe(true);
  });

  it('ends at the lull, to the millisecond, however much longer it might have waited: the end of a storm is not held back', async () => {
    const pace = new IntakePace(() => false);
    pace.arrived();
    const waiting = pace.wait(undefined, 50);
    expect(await settledWithin(waiting, 3)).toBe(false);
    pace.arrived();
    // The lull begins 20 ms after the last arrival, at 23 ms; a poll every 5 ms from the start would only see it at 25.
    expect(await settledWithin(waiting, 19)).toBe(false);
    expect(await settledWithin(waiting, 2)).toBe(true);
  });

  it('does not wait once intake is quiet', async () => {
    const pace = new IntakePace(() => false);
    pace.arrived();
    await vi.advanceTimersByTimeAsync(25);
    expect(await settledWithin(pace.wait(undefined, 50), 0)).toBe(true);
  });

  it('does not wait while behind (a full page was waiting)', async () => {
    const pace = new IntakePace(() => false);
    pace.behind = true;
    pace.arrived();
    expect(await settledWithin(pace.wait(undefined, 50), 0)).toBe(true);
  });

  it('holds back for a delivery still being received, even with no arrival lately', async () => {
    const pace = new IntakePace(() => false);
    const done = pace.receiving();
    const waiting = pace.wait();
    expect(await settledWithin(waiting, 100)).toBe(false);
    done();
    expect(await settledWithin(waiting, 25)).toBe(true);
  });
});

describe('IntakePace: work done meanwhile (reading ahead while waiting for a lull)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setImmediate', 'performance'] });
    vi.advanceTimersByTime(10_000);
  });
  afterEach(() => vi.useRealTimers());

  /** Work of `slices` slices; each call does one and answers whether any is left. */
  const work = (slices: number) => {
    const done = { slices: 0, calls: 0 };
    const meanwhile = () => {
      done.calls++;
      if (done.slices < slices) done.slices++;
      return done.slices < slices;
    };
    return { done, meanwhile };
  };

  it('is done once arrivals have paused, slice by slice, and the wait still ends at the lull', async () => {
    const pace = new IntakePace(() => false);
    pace.arrived();
    const { done, meanwhile } = work(5);
    const waiting = pace.wait(meanwhile);
    expect(await settledWithin(waiting, 1)).toBe(false);
    expect(done.calls).toBe(0);
    expect(await settledWithin(waiting, 15)).toBe(false);
    expect(done.slices).toBe(5);
    // None is left; the wait goes on until intake has been quiet for its 20 ms.
    expect(await settledWithin(waiting, 15)).toBe(true);
  });

  it('is not done while deliveries keep arriving', async () => {
    const pace = new IntakePace(() => false);
    const { done, meanwhile } = work(5);
    pace.arrived();
    const waiting = pace.wait(meanwhile);
    for (let ms = 0; ms < 30; ms++) {
      pace.arrived();
      await vi.advanceTimersByTimeAsync(1);
    }
    expect(done.calls).toBe(0);
    expect(await settledWithin(waiting, 30)).toBe(true);
    expect(done.slices).toBe(5);
  });

  it('is done while waiting longer too (PostgreSQL)', async () => {
    const pace = new IntakePace(() => false);
    pace.arrived();
    const { done, meanwhile } = work(3);
    const waiting = pace.wait(meanwhile, 50);
    expect(await settledWithin(waiting, 10)).toBe(false);
    expect(done.slices).toBe(3);
    expect(await settledWithin(waiting, 12)).toBe(true);
  });
});
