/**
 * Where the realtime stream stands in `incident_events`, and which newly read rows it may
 * deliver. Pure: rows, the database snapshot they were read in and the time are passed in.
 *
 * On PostgreSQL an event's id is drawn from a sequence at insert, not at commit: id 41 can
 * commit after id 42. A stream that moved past 42 would never see 41, and a client resuming
 * from `Last-Event-ID: 42` would miss it too. So rows are delivered strictly in id order,
 * and a missing id (a gap) holds back everything above it until it is *settled*: every
 * transaction that was running when the gap was first seen has ended, so a read taken now
 * holds the gap's event if it committed (the gap fills), or it never will (rolled back).
 * Then the watermark — "every event up to here has been delivered" — is exact, which is
 * what makes `Last-Event-ID` resumption lose nothing.
 *
 * This relies on the appending transaction having its transaction id before it draws event
 * ids: `Repository.append` writes the `incidents` row first, which assigns it.
 */

/** A PostgreSQL snapshot (`pg_current_snapshot()`): the transactions in progress when rows were read. */
export interface Snapshot {
  xmin: bigint;
  xmax: bigint;
  inProgress: bigint[];
}

/** The first missing id above the watermark, and the transactions that might still fill it. */
export interface Gap {
  from: number;
  blockers: bigint[];
  /** When it was first seen (ms since epoch): a gap is given up on after `giveUpMs`. */
  seenAt: number;
}

export interface FeedPosition {
  watermark: number;
  gap: Gap | null;
}

export interface Advance<Row> {
  deliver: Row[];
  position: FeedPosition;
  /** Rows are held back behind an unsettled gap: read again soon. */
  waiting: boolean;
  /** Settled gaps passed over: ids that never committed. */
  skipped: { from: number; to: number }[];
}

/** `xmin:xmax:xip,xip` → Snapshot. */
export function parseSnapshot(text: string): Snapshot {
  const [xmin, xmax, xip] = text.split(':');
  if (xmin === undefined || xmax === undefined) throw new Error(`not a snapshot: ${text}`);
  return { xmin: BigInt(xmin), xmax: BigInt(xmax), inProgress: xip ? xip.split(',').map((x) => BigInt(x)) : [] };
}

/**
 * Settled when none of the transactions running at the gap's first sighting still runs in
 * `snapshot` (null on SQLite: one writer at a time, ids commit in order, a gap is final), or
 * after `giveUpMs` so that a transaction left open elsewhere in the cluster cannot stall
 * the stream forever.
 */
export function isSettled(gap: Gap, snapshot: Snapshot | null, nowMs: number, giveUpMs: number): boolean {
  if (snapshot === null) return true;
  if (nowMs - gap.seenAt >= giveUpMs) return true;
  const running = new Set(snapshot.inProgress);
  return gap.blockers.every((xid) => !running.has(xid));
}

/**
 * Takes rows read with `id > position.watermark`, ascending, in `snapshot`, and answers the
 * ones that may go out now (a contiguous run, skipping settled gaps) and the new position.
 */
export function advance<Row extends { id: number }>(
  position: FeedPosition,
  rows: readonly Row[],
  snapshot: Snapshot | null,
  nowMs: number,
  giveUpMs: number,
): Advance<Row> {
  let { watermark, gap } = position;
  const deliver: Row[] = [];
  const skipped: { from: number; to: number }[] = [];
  for (const row of rows) {
    if (row.id <= watermark) continue;
    if (row.id !== watermark + 1) {
      // A gap first seen in this very read is blocked by what runs in this snapshot.
      if (gap?.from !== watermark + 1) gap = { from: watermark + 1, blockers: snapshot?.inProgress ?? [], seenAt: nowMs };
      if (!isSettled(gap, snapshot, nowMs, giveUpMs)) return { deliver, position: { watermark, gap }, waiting: true, skipped };
      skipped.push({ from: watermark + 1, to: row.id - 1 });
    }
    deliver.push(row);
    watermark = row.id;
    gap = null;
  }
  return { deliver, position: { watermark, gap }, waiting: false, skipped };
}

/** An event as the stream announces it: enough to know what to re-read, never the event's content. */
export interface AnnouncedEvent {
  id: number;
  incident: number;
  seq: number;
  type: string;
  actor: string;
  recordedAt: string;
}
