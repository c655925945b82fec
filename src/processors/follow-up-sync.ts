/**
 * Takes the trackers' verdicts back: every exported follow-up still open here has its
 * issue looked at every TRACKER_SYNC_SECONDS; when the issue closed, the follow-up closes
 * the same way (src/domain/follow-ups/export.ts) with a note on its incident's timeline.
 * The tracker is asked outside any transaction; what it said is applied in one, the
 * follow-up locked and the link re-read, so a webhook or another instance applying the
 * same close does nothing twice. A failed look (429, 5xx, no answer, refused) is kept on
 * the link and asked again after a backoff, doubling up to an hour. Bounded: a batch per pass.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../domain/model/time.js';
import type { Config } from '../config/load.js';
import type { Store } from '../store/store.js';
import type { Repository } from '../store/repository.js';
import { decideSync, decideSyncFailure, syncedReason, syncedText, trackerName, type RemoteState } from '../domain/follow-ups/export.js';
import { decideTransition } from '../domain/follow-ups/follow-up.js';
import { runIncidentCommand } from '../commands/incident-command.js';
import { TrackerError, type TrackerSettings } from '../integrations/trackers/port.js';
import { SYSTEM_ACTOR } from './reminder-scheduler.js';
import { LoopWorker, WakeLoop } from './wake-loop.js';

const BATCH = 50;

export interface FollowUpSyncOptions {
  store: Store;
  config: Config;
  clock: Clock;
  trackers: TrackerSettings;
  log?: Pick<FastifyBaseLogger, 'error' | 'warn'>;
}

export class FollowUpSync extends LoopWorker {
  protected readonly loop: WakeLoop;

  constructor(private readonly options: FollowUpSyncOptions) {
    super();
    // An export writes its incident's timeline: its first look is then planned.
    this.loop = new WakeLoop({
      clock: options.clock,
      maxSleepMs: options.trackers.pollMs,
      retryMs: 30_000,
      log: options.log,
      name: 'follow-up sync',
      pass: () => this.pass(),
      wakeOn: (listener) => options.store.onIncidentsChanged(listener),
    });
  }

  /** One pass: every look due now; answers when the next one is. */
  async pass(): Promise<string | null> {
    const { store, clock, trackers } = this.options;
    const ids = await store.followUpLinks.dueForSync(clock.now().toISOString(), BATCH);
    for (const id of ids) {
      if (this.loop.stopped) break;
      const link = await store.followUpLinks.get(id);
      if (!link?.key) continue;
      const port = trackers.ports[link.tracker];
      let remote: RemoteState;
      try {
        if (!port) throw new TrackerError(`${trackerName(link.tracker)} is no longer set up here`, 400);
        remote = await port.issueState(link.key);
      } catch (error) {
        const failure = error instanceof TrackerError ? error : new TrackerError((error as Error).message, null);
        this.options.log?.warn({ followUp: id, issue: link.key, err: failure.message }, 'follow-up sync: the tracker did not answer; asking again later');
        await store.transaction(async (tx) => {
          const current = await tx.followUpLinks.get(id, true);
          if (current) await tx.followUpLinks.put(decideSyncFailure(current, failure.message, clock.now().toISOString(), trackers.pollMs, failure.retryAfterMs));
        });
        continue;
      }
      await store.transaction((tx) => applyRemoteState(tx, this.options.config, id, remote, clock.now().toISOString(), trackers.pollMs));
    }
    if (ids.length === BATCH && !this.loop.stopped) return clock.now().toISOString();
    return store.followUpLinks.nextSyncAt();
  }
}

/**
 * What the tracker said about a follow-up's issue, applied: the link's last look recorded
 * and, when the issue closed while the follow-up is open, the follow-up closed the same
 * way with a note on its incident's timeline. Answers whether the follow-up was closed.
 */
export async function applyRemoteState(tx: Repository, config: Config, id: string, remote: RemoteState, now: string, pollMs: number): Promise<boolean> {
  const item = await tx.followUps.get(id, true);
  const link = await tx.followUpLinks.get(id, true);
  if (!item || link?.state !== 'linked') return false;
  const { link: next, close } = decideSync(item, link, remote, now, pollMs);
  await tx.followUpLinks.put(next);
  if (!close) return false;
  // Closed by the tracker: closedBy names it, as a person's handle would be.
  const closed = decideTransition(item, close, { actor: link.tracker, now, reason: syncedReason(link) });
  await tx.followUps.replace({ ...closed, version: item.version + 1, updatedAt: now }, item);
  await runIncidentCommand({ tx, config, now, actor: SYSTEM_ACTOR }, item.incident, { type: 'AddTimelineEntry', kind: 'note', text: syncedText(item, link, close) });
  return true;
}
