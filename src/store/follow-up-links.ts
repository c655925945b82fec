/** Follow-ups' issues in GitHub or Jira (src/domain/follow-ups/export.ts): one row per follow-up. */
import { sql, type Selectable } from 'kysely';
import type { Database, Executor } from './schema.js';
import type { Dialect } from './migrations/index.js';
import type { FollowUpLink, RemoteState, Tracker } from '../domain/follow-ups/export.js';

type Row = Selectable<Database['follow_up_links']>;

function toLink(row: Row): FollowUpLink {
  return {
    followUp: row.follow_up,
    tracker: row.tracker as Tracker,
    state: row.state as FollowUpLink['state'],
    key: row.key,
    url: row.url,
    claimedAt: row.claimed_at,
    exportedAt: row.exported_at,
    exportedBy: row.exported_by,
    remoteState: row.remote_state as RemoteState | null,
    syncedAt: row.synced_at,
    syncAt: row.sync_at,
    failures: Number(row.failures),
    lastError: row.last_error,
  };
}

function toRow(link: FollowUpLink): Row {
  return {
    follow_up: link.followUp,
    tracker: link.tracker,
    state: link.state,
    key: link.key,
    url: link.url,
    claimed_at: link.claimedAt,
    exported_at: link.exportedAt,
    exported_by: link.exportedBy,
    remote_state: link.remoteState,
    synced_at: link.syncedAt,
    sync_at: link.syncAt,
    failures: link.failures,
    last_error: link.lastError,
  };
}

export class FollowUpLinkStore {
  constructor(
    private readonly db: Executor,
    private readonly dialect: Dialect,
  ) {}

  async get(followUp: string, lock = false): Promise<FollowUpLink | null> {
    let query = this.db.selectFrom('follow_up_links').selectAll().where('follow_up', '=', followUp);
    if (lock && this.dialect === 'postgres') query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row ? toLink(row) : null;
  }

  /** The links of these follow-ups (those that have one). */
  async of(followUps: readonly string[]): Promise<Map<string, FollowUpLink>> {
    if (!followUps.length) return new Map();
    const rows = await this.db.selectFrom('follow_up_links').selectAll().where('follow_up', 'in', [...followUps]).execute();
    return new Map(rows.map((r) => [r.follow_up, toLink(r)]));
  }

  /** The link of a tracker's issue (a webhook names the issue, not the follow-up). */
  async byKey(tracker: Tracker, key: string): Promise<FollowUpLink | null> {
    const row = await this.db.selectFrom('follow_up_links').selectAll().where('tracker', '=', tracker).where('key', '=', key).executeTakeFirst();
    return row ? toLink(row) : null;
  }

  /** Inserts or replaces the follow-up's one link. */
  async put(link: FollowUpLink): Promise<void> {
    const { follow_up, ...values } = toRow(link);
    await this.db
      .insertInto('follow_up_links')
      .values({ follow_up, ...values })
      .onConflict((oc) => oc.column('follow_up').doUpdateSet(values))
      .execute();
  }

  /** Lets go of a claim whose export failed, so the export can be asked for again. */
  async release(followUp: string): Promise<void> {
    await this.db.deleteFrom('follow_up_links').where('follow_up', '=', followUp).where('state', '=', 'pending').execute();
  }

  /** Follow-ups to ask the tracker about now: linked, still open here, their look due; earliest first. */
  async dueForSync(now: string, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('follow_up_links')
      .innerJoin('follow_ups', 'follow_ups.id', 'follow_up_links.follow_up')
      .select('follow_up_links.follow_up')
      .where('follow_up_links.state', '=', 'linked')
      .where('follow_ups.state', '=', 'open')
      .where('follow_up_links.sync_at', '<=', now)
      .orderBy('follow_up_links.sync_at')
      .orderBy('follow_up_links.follow_up')
      .limit(limit)
      .execute();
    return rows.map((r) => r.follow_up);
  }

  /** The earliest look due of an open follow-up's issue, or null. */
  async nextSyncAt(): Promise<string | null> {
    const row = await this.db
      .selectFrom('follow_up_links')
      .innerJoin('follow_ups', 'follow_ups.id', 'follow_up_links.follow_up')
      .select(sql<string | null>`min(follow_up_links.sync_at)`.as('at'))
      .where('follow_up_links.state', '=', 'linked')
      .where('follow_ups.state', '=', 'open')
      .executeTakeFirst();
    return row?.at ?? null;
  }
}
