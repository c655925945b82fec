import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IntakePace } from '../../src/processors/intake-pace.js';

/** Whether the promise has settled once the fake clock has moved `ms` (timers and turns of the event loop run meanwhile). */
async function settledWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let settled = false;
  void promise.then(() => (settled = true));
  await vi.advanceTimersByTimeAsync(ms);
  return settled;
}

describe('IntakePace.gather (the wait before the inbox is listed)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setImmediate', 'performance'] });
    vi.advanceTimersByTime(10_000);
  });
  afterEach(() => vi.useRealTimers());

  it('gathers for its full time while deliveries keep arriving', async () => {
    const pace = new IntakePace(() => false);
    pace.arrived();
    const gathering = pace.gather(50);
    for (let ms = 0; ms < 40; ms += 10) {
      expect(await settledWithin(gathering, 10)).toBe(false);
      pace.arrived();
    }
    // The last arrival was at 40 ms: gathering is over at 50, the lull comes at 60.
    expect(await settledWithin(gathering, 19)).toBe(false);
    expect(await settledWithin(gathering, 1)).toBe(true);
  });

  it('stops gathering once intake is quiet: the end of a storm is not held back for the whole time', async () => {
    const pace = new IntakePace(() => false);
    pace.arrived();
    const gathering = pace.gather(50);
    expect(await settledWithin(gathering, 19)).toBe(false);
    // At the lull (20 ms without an arrival: the poll wakes when it begins), not at the end of the 50.
    expect(await settledWithin(gathering, 3)).toBe(true);
  });

  it('waits for a lull after gathering while deliveries keep arriving', async () => {
    const pace = new IntakePace(() => false);
    pace.arrived();
    const gathering = pace.gather(50);
    for (let ms = 0; ms < 60; ms += 15) {
      await vi.advanceTimersByTimeAsync(15);
      pace.arrived();
    }
    // The last arrival was at 60 ms, after gathering's 50: the lull comes at 80.
    expect(await settledWithin(gathering, 15)).toBe(false);
    expect(await settledWithin(gathering, 10)).toBe(true);
  });

  it('does not gather once nothing has arrived for its whole time: the last of a storm goes at once', async () => {
    const pace = new IntakePace(() => false);
    pace.arrived();
    await vi.advanceTimersByTimeAsync(50);
    expect(await settledWithin(pace.gather(50), 0)).toBe(true);
  });

  it('does not gather while behind (a full page was waiting)', async () => {
    const pace = new IntakePace(() => false);
    pace.behind = true;
    pace.arrived();
    expect(await settledWithin(pace.gather(50), 0)).toBe(true);
  });

  it('holds back for a delivery still being received, even with no arrival lately', async () => {
    const pace = new IntakePace(() => false);
    const done = pace.receiving();
    const gathering = pace.gather(50);
    expect(await settledWithin(gathering, 100)).toBe(false);
    done();
    expect(await settledWithin(gathering, 25)).toBe(true);
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

  it('is done while gathering too (PostgreSQL)', async () => {
    const pace = new IntakePace(() => false);
    pace.arrived();
    const { done, meanwhile } = work(3);
    const gathering = pace.gather(50, meanwhile);
    expect(await settledWithin(gathering, 10)).toBe(false);
    expect(done.slices).toBe(3);
    expect(await settledWithin(gathering, 45)).toBe(true);
  });
});
