/** Reads `incident_events` for the realtime stream (src/realtime): new rows with the snapshot they were read in, and replays. */
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { Dialect } from './migrations/index.js';
import { parseSnapshot, type Snapshot } from '../domain/realtime/feed.js';
import type { AnnouncedEvent } from '../domain/realtime/feed.js';

/** One event as the stream sends it, with who may see its incident (as the incident is now). */
export interface FeedRow extends AnnouncedEvent {
  private: boolean;
  participants: string[];
}

interface RawRow {
  id: number | string;
  incident: number | string;
  seq: number | string;
  type: string;
  actor: string;
  recorded_at: string;
  private: number | string;
  participants: string;
}

function toFeedRow(row: RawRow): FeedRow {
  const isPrivate = Number(row.private) === 1;
  return {
    id: Number(row.id),
    incident: Number(row.incident),
    seq: Number(row.seq),
    type: row.type,
    actor: row.actor,
    recordedAt: row.recorded_at,
    private: isPrivate,
    // Participants only matter for a private incident; not parsing the others keeps a busy feed cheap.
    participants: isPrivate ? (JSON.parse(row.participants) as string[]) : [],
  };
}

export class EventFeedStore {
  constructor(
    private readonly db: Kysely<Database>,
    readonly dialect: Dialect,
  ) {}

  private rows(after: number) {
    return this.db
      .selectFrom('incident_events as e')
      .innerJoin('incidents as i', 'i.number', 'e.incident')
      .select(['e.id', 'e.incident', 'e.seq', 'e.type', 'e.actor', 'e.recorded_at', 'i.private', 'i.participants'])
      .where('e.id', '>', after)
      .orderBy('e.id');
  }

  /** Events with `id > after`, ascending, and (PostgreSQL) the snapshot of the same statement. */
  async readAfter(after: number, limit: number): Promise<{ rows: FeedRow[]; snapshot: Snapshot | null }> {
    if (this.dialect === 'sqlite') {
      const rows = await this.rows(after).limit(limit).execute();
      return { rows: rows.map(toFeedRow), snapshot: null };
    }
    // One statement, so the rows and pg_current_snapshot() come from the same snapshot.
    const inner = this.rows(after).limit(limit);
    const result = await sql<{ snapshot: string; rows: RawRow[] }>`
      select pg_current_snapshot()::text as snapshot,
             coalesce((select json_agg(r order by r.id) from (${inner}) r), '[]'::json) as rows`.execute(this.db);
    const first = result.rows[0]!;
    return { rows: first.rows.map(toFeedRow), snapshot: parseSnapshot(first.snapshot) };
  }

  /** The highest event id and (PostgreSQL) the snapshot it was read in: where a new stream starts. */
  async head(): Promise<{ id: number; snapshot: Snapshot | null }> {
    if (this.dialect === 'sqlite') {
      const row = await sql<{ id: number | null }>`select max(id) as id from incident_events`.execute(this.db);
      return { id: Number(row.rows[0]?.id ?? 0), snapshot: null };
    }
    const row = await sql<{ id: string | null; snapshot: string }>`
      select max(id) as id, pg_current_snapshot()::text as snapshot from incident_events`.execute(this.db);
    return { id: Number(row.rows[0]?.id ?? 0), snapshot: parseSnapshot(row.rows[0]!.snapshot) };
  }

  /** The current snapshot alone, to see whether the transactions a gap waits for have ended. */
  async snapshot(): Promise<Snapshot | null> {
    if (this.dialect === 'sqlite') return null;
    const row = await sql<{ snapshot: string }>`select pg_current_snapshot()::text as snapshot`.execute(this.db);
    return parseSnapshot(row.rows[0]!.snapshot);
  }

  /** Events in (after, upTo], ascending, optionally of one incident: what a resuming client missed. */
  async replay(after: number, upTo: number, incident: number | null, limit: number): Promise<FeedRow[]> {
    let query = this.rows(after).where('e.id', '<=', upTo);
    if (incident !== null) query = query.where('e.incident', '=', incident);
    return (await query.limit(limit).execute()).map(toFeedRow);
  }
}
