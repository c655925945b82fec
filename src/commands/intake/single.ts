/**
 * One delivery on its own: an Events v2 event, a large Alertmanager body applied in steps
 * (each step its own transaction, its progress stored, so a crash resumes where it
 * stopped), a repeated snapshot counted without reading its body, or a delivery of a
 * batch that failed.
 */
import type { Repository } from '../../store/repository.js';
import { checkEvent } from '../../domain/alerts/events.js';
import { applyAlerts, ingestEvent, repeatSnapshot, settleAlerts, snapshotDigest, type AssessedGroups, type IntakeContext, type IntakeDeps } from './deliveries.js';
import { normalizeInSlices, readJson } from './bodies.js';

/** Alerts applied per transaction: small enough that one step never holds up other requests for long. */
export const STEP = 500;

/** What applySingle needs of the AlertIntake running it. */
export interface SingleRun {
  deps: IntakeDeps;
  assessed: AssessedGroups;
  /** Waits while deliveries are arriving (see AlertIntake). */
  pace: () => Promise<void>;
  /** A delivery whose body is not JSON: it is dropped, and said so. */
  notJson: (id: number, source: string) => void;
}

export async function applySingle(run: SingleRun, id: number, parsed: unknown): Promise<void> {
  const { store, config, clock } = run.deps;
  const item = await store.alertInbox.item(id);
  if (!item) return;
  const source = await store.alertSources.byId(item.source);
  if (!source) throw new Error(`alert source ${item.source} is gone`);
  const delivery = { id, receivedAt: item.receivedAt, digest: item.digest };
  const context = (tx: Repository, digest = delivery.digest): IntakeContext => ({ tx, config, now: clock.now().toISOString(), source, delivery: { ...delivery, digest } });
  // Applying, or reading 8 MB, holds the event loop for tens of milliseconds: not while a delivery is on its way in.
  if (parsed === undefined) await run.pace();

  if (source.type === 'alertmanager' && item.progress === 0 && item.digest !== null) {
    const repeated = await store.transaction(async (tx) => {
      const progress = await tx.alertInbox.claim(id);
      // Gone, or another worker has it: nothing for us to do. Started (here before a failure, or elsewhere): not a whole repeat.
      if (progress !== 0) return progress === null;
      if (!(await repeatSnapshot(context(tx), run.assessed))) return false;
      await tx.alertInbox.remove(id);
      return true;
    });
    if (repeated) return;
  }

  const stored = parsed === undefined ? await store.alertInbox.body(id) : null;
  if (parsed === undefined && stored === null) return;
  const body = stored ? await readJson(stored) : parsed;
  if (body === undefined) {
    // A large delivery is stored before it is read; one that is not JSON has nothing to process.
    run.notJson(id, source.name);
    await store.alertInbox.remove(id);
    return;
  }

  if (source.type === 'events') {
    const check = checkEvent(body, item.receivedAt, config.alerts.groupEventsBy);
    await store.transaction(async (tx) => {
      if ((await tx.alertInbox.claim(id)) === null) return;
      // Events are checked before they are stored, so this holds.
      if (check.ok) await ingestEvent(context(tx), check.event);
      await tx.alertInbox.remove(id);
    });
    return;
  }

  const batch = await normalizeInSlices(body, item.receivedAt, run.pace);
  // Whether every step was applied here, and how many alerts they changed: a re-sent
  // 20,000-alert snapshot without news is not read back and reassessed in full.
  const whole = item.progress === 0;
  let news = 0;
  let group: number | null = null;
  for (let from = item.progress; from < batch.alerts.length; from += STEP) {
    await run.pace();
    const alerts = batch.alerts.slice(from, from + STEP);
    const applied = await store.transaction(async (tx) => {
      if ((await tx.alertInbox.claim(id)) !== from) return null;
      const step = await applyAlerts(context(tx), batch.groupKey, alerts);
      await tx.alertInbox.setProgress(id, from + alerts.length);
      return step;
    });
    // Another worker has this delivery (or finished it).
    if (!applied) return;
    news += applied.news;
    group = applied.group;
  }
  await run.pace();
  const noNews = whole && news === 0 && group !== null && run.assessed.has(group);
  const settled = await store.transaction(async (tx) => {
    if ((await tx.alertInbox.claim(id)) === null) return false;
    if (batch.alerts.length > 0)
      await settleAlerts(context(tx, snapshotDigest(item.digest, batch)), batch.groupKey, batch.alerts.length, batch.truncatedAlerts, noNews);
    await tx.alertInbox.remove(id);
    return true;
  });
  if (settled && group !== null) run.assessed.add(group);
}
