/**
 * Chat: the outbox written with each incident event (while chat is on), the delivery
 * queue of platform calls (one lane per channel, sent in order), each incident's room,
 * what arrived from the platform (the inbox, which also dedupes retries) and which
 * platform user is which person.
 */
import { sql } from 'kysely';
import type { Database, Executor } from './schema.js';
import type { Dialect } from './migrations/index.js';
import { isUniqueViolation } from './errors.js';

export interface ChatDelivery {
  id: number;
  lane: string;
  incident: number;
  eventId: number;
  step: number;
  action: string;
  attempts: number;
  nextAttemptAt: string;
  claimedUntil: string | null;
  /** Since when a call for it may have reached the platform with no outcome recorded; null: known not sent. */
  uncertainSince: string | null;
}

export interface NewChatDelivery {
  lane: string;
  incident: number;
  eventId: number;
  step: number;
  action: string;
  /** When it may be sent (now, or later: an archive). */
  dueAt: string;
}

export interface ChatInboxItem {
  id: number;
  kind: string;
  body: string;
  receivedAt: string;
}

function toDelivery(row: Omit<Database['chat_deliveries'], 'id'> & { id: number }): ChatDelivery {
  return {
    id: Number(row.id),
    lane: row.lane,
    incident: Number(row.incident),
    eventId: Number(row.event_id),
    step: Number(row.step),
    action: row.action,
    attempts: Number(row.attempts),
    nextAttemptAt: row.next_attempt_at,
    claimedUntil: row.claimed_until,
    uncertainSince: row.uncertain_since,
  };
}

export class ChatStore {
  constructor(
    private readonly db: Executor,
    private readonly dialect: Dialect,
  ) {}

  async enqueue(eventIds: number[], incident: number, at: string): Promise<void> {
    await this.db
      .insertInto('chat_outbox')
      .values(eventIds.map((id) => ({ event_id: id, incident, created_at: at })))
      .execute();
  }

  /** The oldest outbox rows with their events; on PostgreSQL locked, skipping rows another instance holds. */
  async claimOutbox(limit: number): Promise<{ eventId: number; incident: number; seq: number }[]> {
    let query = this.db
      .selectFrom('chat_outbox')
      .innerJoin('incident_events', 'incident_events.id', 'chat_outbox.event_id')
      .select(['chat_outbox.event_id', 'chat_outbox.incident', 'incident_events.seq'])
      .orderBy('chat_outbox.event_id')
      .limit(limit);
    if (this.dialect === 'postgres') query = query.forUpdate('chat_outbox').skipLocked();
    const rows = await query.execute();
    return rows.map((r) => ({ eventId: Number(r.event_id), incident: Number(r.incident), seq: Number(r.seq) }));
  }

  async outboxWaiting(): Promise<boolean> {
    return (await this.db.selectFrom('chat_outbox').select('event_id').limit(1).executeTakeFirst()) !== undefined;
  }

  async deleteOutbox(eventIds: number[]): Promise<void> {
    if (eventIds.length) await this.db.deleteFrom('chat_outbox').where('event_id', 'in', eventIds).execute();
  }

  /** Adds deliveries; one already there for the same (event, step) stays as it is. */
  async addDeliveries(rows: NewChatDelivery[], at: string): Promise<void> {
    for (let i = 0; i < rows.length; i += 500) {
      await this.db
        .insertInto('chat_deliveries')
        .values(
          rows.slice(i, i + 500).map((r) => ({
            lane: r.lane,
            incident: r.incident,
            event_id: r.eventId,
            step: r.step,
            action: r.action,
            status: 'pending' as const,
            attempts: 0,
            next_attempt_at: r.dueAt,
            claimed_until: null,
            last_error: null,
            created_at: at,
            uncertain_since: null,
          })),
        )
        .onConflict((oc) => oc.columns(['event_id', 'step']).doNothing())
        .execute();
    }
  }

  /**
   * The first `perLane` pending deliveries of each lane but those skipped (lanes being sent),
   * in lane order (each lane's first is its head), at most `limit` in all.
   */
  async pending(perLane: number, limit: number, skip: readonly string[] = []): Promise<ChatDelivery[]> {
    let ranked = this.db
      .selectFrom('chat_deliveries')
      .selectAll()
      .select(sql<number>`row_number() over (partition by lane order by event_id, step)`.as('place'))
      .where('status', '=', 'pending');
    if (skip.length) ranked = ranked.where('lane', 'not in', [...skip]);
    const rows = await this.db
      .selectFrom(ranked.as('p'))
      .selectAll()
      .where('place', '<=', perLane)
      .orderBy('lane')
      .orderBy('event_id')
      .orderBy('step')
      .limit(limit)
      .execute();
    return rows.map(toDelivery);
  }

  /**
   * Leases the given deliveries unless someone else holds them; answers the ids now held. From
   * here until an outcome is recorded, a call for them may reach the platform: they are
   * uncertain since `now`, unless they already were since earlier.
   */
  async claim(ids: number[], now: string, until: string): Promise<Set<number>> {
    if (!ids.length) return new Set();
    const rows = await this.db
      .updateTable('chat_deliveries')
      .set((eb) => ({ claimed_until: until, uncertain_since: eb.fn.coalesce('uncertain_since', eb.val(now)) }))
      .where('id', 'in', ids)
      .where('status', '=', 'pending')
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
      .returning('id')
      .execute();
    return new Set(rows.map((r) => Number(r.id)));
  }

  /** Gives up the lease of deliveries not sent; those in `notSent` are known not to have reached the platform. */
  async release(ids: number[], notSent: ReadonlySet<number>): Promise<void> {
    const known = ids.filter((id) => notSent.has(id));
    const unknown = ids.filter((id) => !notSent.has(id));
    if (known.length) await this.db.updateTable('chat_deliveries').set({ claimed_until: null, uncertain_since: null }).where('id', 'in', known).execute();
    if (unknown.length) await this.db.updateTable('chat_deliveries').set({ claimed_until: null }).where('id', 'in', unknown).execute();
  }

  async markDone(ids: number[]): Promise<void> {
    if (ids.length) await this.db.updateTable('chat_deliveries').set({ status: 'done', claimed_until: null }).where('id', 'in', ids).execute();
  }

  /** `notSent`: the call is known not to have reached the platform (refused, rate limited, not made). */
  async retryLater(id: number, attempts: number, at: string, error: string, notSent: boolean): Promise<void> {
    await this.db
      .updateTable('chat_deliveries')
      .set({ attempts, next_attempt_at: at, last_error: error, claimed_until: null, ...(notSent ? { uncertain_since: null } : {}) })
      .where('id', '=', id)
      .execute();
  }

  async markFailed(id: number, attempts: number, error: string): Promise<void> {
    await this.db
      .updateTable('chat_deliveries')
      .set({ status: 'failed', attempts, last_error: error, claimed_until: null })
      .where('id', '=', id)
      .execute();
  }

  /** The earliest time a pending delivery falls due, or null. */
  async nextDue(): Promise<string | null> {
    const row = await this.db
      .selectFrom('chat_deliveries')
      .select((eb) => eb.fn.min('next_attempt_at').as('due'))
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return (row?.due as string | null | undefined) ?? null;
  }

  async deliveries(incident: number): Promise<(ChatDelivery & { status: string; lastError: string | null })[]> {
    const rows = await this.db.selectFrom('chat_deliveries').selectAll().where('incident', '=', incident).orderBy('event_id').orderBy('step').execute();
    return rows.map((r) => ({ ...toDelivery(r as Database['chat_deliveries'] & { id: number }), status: r.status, lastError: r.last_error }));
  }

  async room(incident: number): Promise<{ room: string; announcement: string | null; announcementMark: string | null } | null> {
    const row = await this.db.selectFrom('chat_rooms').select(['room', 'announcement', 'announcement_mark']).where('incident', '=', incident).executeTakeFirst();
    return row ? { room: row.room, announcement: row.announcement, announcementMark: row.announcement_mark } : null;
  }

  async incidentOfRoom(room: string): Promise<number | null> {
    const row = await this.db.selectFrom('chat_rooms').select('incident').where('room', '=', room).executeTakeFirst();
    return row ? Number(row.incident) : null;
  }

  async saveRoom(incident: number, room: string, at: string): Promise<void> {
    await this.db
      .insertInto('chat_rooms')
      .values({ incident, room, announcement: null, announcement_mark: null, created_at: at })
      .onConflict((oc) => oc.column('incident').doUpdateSet({ room }))
      .execute();
  }

  async saveAnnouncement(incident: number, message: string, mark: string): Promise<void> {
    await this.db.updateTable('chat_rooms').set({ announcement: message, announcement_mark: mark }).where('incident', '=', incident).execute();
  }

  /**
   * The rooms of incidents not closed, with where reading their reactions back left off (null:
   * never; then from when the room was made).
   */
  async watchedRooms(): Promise<{ room: string; createdAt: string; seenUntil: string | null }[]> {
    const rows = await this.db
      .selectFrom('chat_rooms')
      .innerJoin('incidents', 'incidents.number', 'chat_rooms.incident')
      .leftJoin('chat_cursors', 'chat_cursors.room', 'chat_rooms.room')
      .select(['chat_rooms.room', 'chat_rooms.created_at', 'chat_cursors.seen_until'])
      .where('incidents.phase', '<>', 'closed')
      .orderBy('chat_rooms.incident')
      .execute();
    return rows.map((r) => ({ room: r.room, createdAt: r.created_at, seenUntil: r.seen_until }));
  }

  /** Moves a room's cursor forward only: two instances reading back at once never move it back. */
  async saveCursor(room: string, seenUntil: string): Promise<void> {
    await this.db
      .insertInto('chat_cursors')
      .values({ room, seen_until: seenUntil })
      .onConflict((oc) => oc.column('room').doUpdateSet({ seen_until: seenUntil }).where('chat_cursors.seen_until', '<', seenUntil))
      .execute();
  }

  /** Stores what arrived under `key`; false when that key was already received (a retry). */
  async receive(key: string, kind: string, body: string, at: string): Promise<boolean> {
    return (await this.receiveHeld(key, kind, body, at, null)) !== null;
  }

  /**
   * Stores what arrived, held (claimed) until `heldUntil` by whoever acts on it at once (the
   * Teams bot, in its turn) so that no inbox worker takes it meanwhile; answers its row, or
   * null when that key was already received.
   */
  async receiveHeld(key: string, kind: string, body: string, at: string, heldUntil: string | null): Promise<number | null> {
    try {
      const row = await this.db
        .insertInto('chat_inbox')
        .values({ key, kind, body, status: 'pending', claimed_until: heldUntil, received_at: at })
        .returning('id')
        .executeTakeFirstOrThrow();
      return Number(row.id);
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
  }

  async claimInbox(now: string, until: string, limit: number): Promise<ChatInboxItem[]> {
    let due = this.db
      .selectFrom('chat_inbox')
      .select('id')
      .where('status', '=', 'pending')
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
      .orderBy('id')
      .limit(limit);
    if (this.dialect === 'postgres') due = due.forUpdate().skipLocked();
    const rows = await this.db.updateTable('chat_inbox').set({ claimed_until: until }).where('id', 'in', due).returningAll().execute();
    return rows
      .map((r) => ({ id: Number(r.id), kind: r.kind, body: r.body, receivedAt: r.received_at }))
      .sort((a, b) => a.id - b.id);
  }

  /** Marks a request done unless it already is (answers false): in the transaction of the work it asks for. */
  async takeInbox(id: number): Promise<boolean> {
    const row = await this.db.updateTable('chat_inbox').set({ status: 'done', claimed_until: null }).where('id', '=', id).where('status', '=', 'pending').returning('id').executeTakeFirst();
    return row !== undefined;
  }

  async inboxDone(id: number): Promise<void> {
    await this.db.updateTable('chat_inbox').set({ status: 'done', claimed_until: null }).where('id', '=', id).execute();
  }

  /** The person a platform user was found to be, if remembered. */
  async handleOf(platform: string, userId: string): Promise<string | null> {
    const row = await this.db.selectFrom('chat_users').select('handle').where('platform', '=', platform).where('user_id', '=', userId).executeTakeFirst();
    return row?.handle ?? null;
  }

  async rememberUser(platform: string, userId: string, handle: string, at: string): Promise<void> {
    await this.db
      .insertInto('chat_users')
      .values({ user_id: userId, handle, found_at: at, platform })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ handle, found_at: at, platform }))
      .execute();
  }

  /** Platform user ids by handle: a person's own `chat.<platform>` id first, else one remembered. */
  async userIds(platform: string): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    for (const row of await this.db.selectFrom('chat_users').select(['user_id', 'handle']).where('platform', '=', platform).execute()) ids.set(row.handle, row.user_id);
    const people = await this.db.selectFrom('people').select(['handle', 'chat']).where('chat', '!=', '{}').execute();
    for (const row of people) {
      const id = (JSON.parse(row.chat) as Record<string, string>)[platform];
      if (id) ids.set(row.handle, id);
    }
    return ids;
  }

  async handleByEmail(email: string): Promise<string | null> {
    const row = await this.db.selectFrom('people').select('handle').where('email', '=', email).executeTakeFirst();
    return row?.handle ?? null;
  }

  /** The person whose `chat.<platform>` id is `userId`. */
  async handleByChatId(platform: string, userId: string): Promise<string | null> {
    const needle = JSON.stringify({ [platform]: userId }).slice(1, -1);
    const position = this.dialect === 'postgres' ? sql<number>`strpos(chat, ${needle})` : sql<number>`instr(chat, ${needle})`;
    const rows = await this.db.selectFrom('people').select(['handle', 'chat']).where(position, '>', 0).execute();
    return rows.find((r) => (JSON.parse(r.chat) as Record<string, string>)[platform] === userId)?.handle ?? null;
  }
}
