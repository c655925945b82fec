/**
 * Forgets what is kept only for a while (src/domain/retention/policy.ts) in the background:
 * at start and then every `everyMs`, each kind is pruned in small batches, one short
 * transaction each, with a turn of the event loop between them so requests keep flowing
 * while a large backlog (an installation upgraded after months) drains.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../domain/model/time.js';
import { pruneBefore, RETAINED, type Retained, type RetentionPolicy } from '../domain/retention/policy.js';
import type { Store } from '../store/store.js';
import { LoopWorker, WakeLoop } from './wake-loop.js';

export interface RetentionOptions {
  store: Store;
  policy: RetentionPolicy;
  clock: Clock;
  log?: Pick<FastifyBaseLogger, 'error' | 'info'>;
  /** Rows per transaction. */
  batch?: number;
  /** Between passes. */
  everyMs?: number;
  observe?: (kind: Retained, pruned: number) => void;
}

export class RetentionWorker extends LoopWorker {
  protected readonly loop: WakeLoop;
  private readonly batch: number;

  constructor(private readonly options: RetentionOptions) {
    super();
    this.batch = options.batch ?? 500;
    this.loop = new WakeLoop({
      clock: options.clock,
      maxSleepMs: options.everyMs ?? 15 * 60_000,
      retryMs: 60_000,
      log: options.log,
      name: 'retention',
      pass: async () => {
        await this.pass();
        return null;
      },
    });
  }

  /** One pass over every kind; answers how many of each were pruned. */
  async pass(): Promise<Record<Retained, number>> {
    const cutoffs = pruneBefore(this.options.policy, this.options.clock.now().toISOString());
    const pruned = Object.fromEntries(RETAINED.map((kind) => [kind, 0])) as Record<Retained, number>;
    for (const kind of RETAINED) {
      while (!this.loop.stopped) {
        const count = await this.options.store.transaction((tx) => tx.retention.prune(kind, cutoffs[kind], this.batch));
        pruned[kind] += count;
        if (count > 0) this.options.observe?.(kind, count);
        if (count < this.batch) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    const total = RETAINED.reduce((sum, kind) => sum + pruned[kind], 0);
    if (total > 0) this.options.log?.info({ pruned }, 'retention: pruned records past their keeping time');
    return pruned;
  }
}
