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

  it('gathers for its full time while deliveries are arriving, then waits for a lull', async () => {
    const pace = new IntakePace(() => false);
    pace.arrived();
    const gathering = pace.gather(50);
    expect(await settledWithin(gathering, 49)).toBe(false);
    // Quiet since: 50 ms after the arrival, intake has been quiet long enough.
    expect(await settledWithin(gathering, 5)).toBe(true);
  });

  it('waits for a lull after gathering while deliveries keep arriving', async () => {
    const pace = new IntakePace(() => false);
    pace.arrived();
    const gathering = pace.gather(50);
    await vi.advanceTimersByTimeAsync(45);
    pace.arrived();
    expect(await settledWithin(gathering, 15)).toBe(false);
    expect(await settledWithin(gathering, 20)).toBe(true);
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
