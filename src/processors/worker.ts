/**
 * The lifecycle every background worker shares, so that the server starts them, stops
 * them and reports on them from one list (src/processors/workers.ts).
 */

export interface WorkerHealth {
  ok: boolean;
  /** While not ok: what failed, in words, and since when (UTC). */
  problem?: string;
  since?: string;
}

export interface Worker {
  start(): void | Promise<void>;
  /** Finishes the work in hand and stops; whatever is left stays stored for the next start. */
  stop(): Promise<void>;
  health(): WorkerHealth;
}

/** A worker's standing failure: set by the first failed pass, cleared by the next good one. */
export class FailureRecord {
  private failure: { problem: string; since: string } | null = null;

  failed(error: unknown, now: Date): void {
    this.failure ??= { problem: error instanceof Error ? error.message : String(error), since: now.toISOString() };
  }

  succeeded(): void {
    this.failure = null;
  }

  health(running: boolean): WorkerHealth {
    if (!running) return { ok: false, problem: 'not running' };
    return this.failure ? { ok: false, ...this.failure } : { ok: true };
  }
}
