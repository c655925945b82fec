/**
 * The alerts of the groups a storm keeps hitting, kept in memory between batches: a batch
 * of deliveries decides against all of its group's alerts (src/domain/alerts/batch.ts), and
 * reading them back for every batch cost more than everything else intake does once a group
 * held a few hundred. A copy is used only while the group's `alerts_revision` (moved by every
 * transaction that writes its alerts, on any instance) is the one it was taken at, and it is
 * taken only from a committed transaction.
 */
import type { HeldAlert } from '../../domain/alerts/batch.js';

/** Alerts kept over all groups; the least recently used groups go first. */
const MAX_ALERTS = 100_000;

export interface HeldCopy {
  group: number;
  /** The group's `alerts_revision` once the transaction that produced `alerts` has committed. */
  revision: number;
  alerts: readonly HeldAlert[];
}

export class HeldAlerts {
  private readonly copies = new Map<number, HeldCopy>();
  private total = 0;

  /** The group's alerts when the copy kept is of this revision; null otherwise. */
  get(group: number, revision: number): readonly HeldAlert[] | null {
    const copy = this.copies.get(group);
    if (!copy || copy.revision !== revision) return null;
    // Used again: it moves to the end, away from the next eviction.
    this.copies.delete(group);
    this.copies.set(group, copy);
    return copy.alerts;
  }

  /** Copies from a transaction that has committed. */
  keep(copies: readonly HeldCopy[]): void {
    for (const copy of copies) {
      this.drop(copy.group);
      if (copy.alerts.length > MAX_ALERTS) continue;
      this.copies.set(copy.group, copy);
      this.total += copy.alerts.length;
    }
    for (const group of this.copies.keys()) {
      if (this.total <= MAX_ALERTS) break;
      this.drop(group);
    }
  }

  private drop(group: number): void {
    const copy = this.copies.get(group);
    if (!copy) return;
    this.copies.delete(group);
    this.total -= copy.alerts.length;
  }
}
