/**
 * The loop behind the background workers that must not poll: run a pass, then sleep
 * until the next moment work falls due (capped, to notice other instances' writes),
 * unless this instance's own commits wake it sooner.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../domain/model/time.js';
import { FailureRecord, type Worker, type WorkerHealth } from './worker.js';

export interface WakeLoopOptions {
  clock: Clock;
  maxSleepMs: number;
  /** How long to wait after a pass that threw. */
  retryMs: number;
  log?: Pick<FastifyBaseLogger, 'error'>;
  /** Named in the log when a pass fails. */
  name: string;
  /** One pass; answers when more work falls due (UTC ISO), or null when nothing is known. */
  pass: () => Promise<string | null>;
  /** Commits that may bring work (e.g. the store's onIncidentsChanged): listened to from start to stop. */
  wakeOn?: (listener: () => void) => () => void;
}

export class WakeLoop {
  /** Set by stop(); long passes check it to end early. */
  stopped = false;
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private wakeUp: (() => void) | null = null;
  /** When the current sleep ends (ms since epoch); work due earlier cuts it short. */
  private sleepingUntil = 0;
  /** Work was announced while a pass was running: look again before sleeping. */
  private dirty = false;
  private readonly failures = new FailureRecord();
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly options: WakeLoopOptions) {}

  get started(): boolean {
    return this.running !== null;
  }

  health(): WorkerHealth {
    return this.failures.health(this.started && !this.stopped);
  }

  start(): void {
    if (this.running) return;
    this.stopped = false;
    this.unsubscribe = this.options.wakeOn?.(() => this.notice()) ?? null;
    this.running = this.run();
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.stopped = true;
    this.interrupt();
    await this.running;
    this.running = null;
  }

  /** Work was queued: wake now, or look again after the pass in hand. */
  notice(): void {
    if (this.wakeUp) this.interrupt();
    else this.dirty = true;
  }

  /** Work falls due at `dueAt`: wake now if that is before the planned wake-up. */
  noticeDue(dueAt: string): void {
    if (!this.wakeUp) this.dirty = true;
    else if (Date.parse(dueAt) < this.sleepingUntil) this.interrupt();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let delay: number;
      try {
        this.dirty = false;
        const next = await this.options.pass();
        this.failures.succeeded();
        const now = this.options.clock.now().getTime();
        delay = next === null ? this.options.maxSleepMs : Math.min(this.options.maxSleepMs, Math.max(0, Date.parse(next) - now));
      } catch (error) {
        if (this.stopped) return;
        this.failures.failed(error, this.options.clock.now());
        this.options.log?.error({ err: error }, `${this.options.name} pass failed; retrying`);
        delay = this.options.retryMs;
      }
      if (this.dirty) continue;
      await this.sleep(delay);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.sleepingUntil = this.options.clock.now().getTime() + ms;
    return new Promise((resolve) => {
      this.wakeUp = resolve;
      this.timer = setTimeout(() => this.interrupt(), ms);
    });
  }

  private interrupt(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.sleepingUntil = 0;
    const wake = this.wakeUp;
    this.wakeUp = null;
    wake?.();
  }
}

/** A worker that is one WakeLoop: started, stopped and asked about through it. */
export abstract class LoopWorker implements Worker {
  protected abstract readonly loop: WakeLoop;

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  health(): WorkerHealth {
    return this.loop.health();
  }
}
