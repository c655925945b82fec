/**
 * Intake first: while a delivery is arriving (for its first UPLOAD_HOLDS_MS), or the last
 * one came less than INTAKE_QUIET_MS ago, applying waits for a lull, for at most
 * MAX_DEFER_MS per step (a little longer if asked), and not at all once a backlog has built
 * up; answering Alertmanager in time is what keeps a storm from turning into a storm of
 * retries, and what is stored is safe to apply a moment later.
 */

const INTAKE_QUIET_MS = 20;
const INTAKE_POLL_MS = 5;
const MAX_DEFER_MS = 200;
/** An upload taking longer than this (a slow or stalled sender) no longer holds processing back. */
const UPLOAD_HOLDS_MS = 1_000;
/**
 * While deferring, work meanwhile (see wait) is done once nothing has arrived for this long: in a
 * storm deliveries come well under a millisecond apart, so answering them keeps the event loop.
 */
const MEANWHILE_AFTER_MS = 2;

const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));

export class IntakePace {
  private lastArrival = 0;
  /** The last look at the inbox found a full page of deliveries waiting: no more deferring to intake. */
  behind = false;
  /** Requests to an intake endpoint whose body is still arriving or being stored: when each began. */
  private readonly uploads = new Set<{ since: number }>();

  constructor(private readonly stopped: () => boolean) {}

  /** A delivery joined the inbox just now. */
  arrived(): void {
    this.lastArrival = performance.now();
  }

  /**
   * Marks a delivery on its way in, from its first byte until it is answered; the function
   * returned ends it. For its first UPLOAD_HOLDS_MS, applying waits (see wait): with SQLite
   * a step holds the event loop, and an 8 MB body needs many turns of it to arrive.
   */
  receiving(): () => void {
    const upload = { since: performance.now() };
    this.uploads.add(upload);
    return () => {
      if (this.uploads.delete(upload)) this.lastArrival = performance.now();
    };
  }

  /** Applying would wait now (see wait). */
  deferring(): boolean {
    return !this.behind && this.busy();
  }

  /**
   * Resolves when applying may go on: after a turn of the event loop, and once intake is quiet
   * (see above), waiting MAX_DEFER_MS at most, and `longerMs` more (the more deliveries wait
   * together, the fewer times each group is written). `meanwhile` is work that needs no lull,
   * done a slice at a time while waiting for one; it answers whether any is left.
   */
  async wait(meanwhile?: () => boolean, longerMs = 0): Promise<void> {
    // A turn of the event loop first: a delivery whose first bytes are waiting is seen then.
    await yieldToRequests();
    const until = performance.now() + MAX_DEFER_MS + longerMs;
    while (!this.stopped() && performance.now() < until && this.deferring()) await this.pause(meanwhile);
  }

  /**
   * A slice of `meanwhile` and a turn of the event loop once arrivals have paused; otherwise a
   * poll's sleep, ending when intake turns quiet if that is sooner: a storm's last deliveries
   * are applied that much earlier.
   */
  private async pause(meanwhile: (() => boolean) | undefined): Promise<void> {
    const now = performance.now();
    if (meanwhile && now - this.lastArrival >= MEANWHILE_AFTER_MS && meanwhile()) return yieldToRequests();
    const untilQuiet = this.lastArrival + INTAKE_QUIET_MS - now;
    await new Promise((resolve) => setTimeout(resolve, untilQuiet > 0 ? Math.min(INTAKE_POLL_MS, Math.ceil(untilQuiet)) : INTAKE_POLL_MS));
  }

  private busy(): boolean {
    const now = performance.now();
    if (now - this.lastArrival < INTAKE_QUIET_MS) return true;
    for (const upload of this.uploads) if (now - upload.since < UPLOAD_HOLDS_MS) return true;
    return false;
  }
}
