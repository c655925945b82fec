/**
 * Incidents: the events (the record) and the read model, written in one transaction with
 * the incident's version checked, with their reminders and notification outbox rows.
 */
import { sql } from 'kysely';
import type { Database, Executor } from './schema.js';
import type { Dialect } from './migrations/index.js';
import type { IncidentEvent, RecordedEvent } from '../domain/model/events.js';
import type { IncidentState } from '../domain/model/state.js';
import type { DueMoment } from '../domain/reminders/rules.js';
import { DomainError } from '../domain/model/errors.js';
import { incidentId } from '../domain/model/ids.js';
import { reachesOutbox } from '../domain/notifications/events.js';
import { postmortemStage, type PostmortemStage } from '../domain/postmortem/flow.js';
import { WebhookStore } from './webhooks.js';
import { ReminderStore } from './reminders.js';
import { ChatStore } from './chat.js';
import { notifyInstances, type CommitNotes } from './commit-notes.js';
import { column, descending, keyset, pageOf, type Page, type PageRequest } from './keyset.js';

const OPEN_FIRST = sql<number>`case when phase = 'active' then 0 else 1 end`;

export interface IncidentFilter {
  phases?: IncidentState['phase'][];
  severity?: string;
  /** Only incidents whose promised update is (or is not) overdue at `at` (R8). */
  overdue?: { at: string; is: boolean };
  /** Leaves out private incidents this person is not in (unless an admin), before the limit. */
  visibleTo?: { handle: string; admin: boolean };
  /** Only incidents the status page may show: not private, and of a public severity or published. */
  publicWith?: { severities: string[] };
  /** Leaves out every private incident. */
  notPrivate?: boolean;
  /** Only resolved incidents whose postmortem is at one of these stages. */
  postmortemStages?: PostmortemStage[];
  /** Only open incidents and those whose read model changed at or after this time. */
  changedSince?: string;
  limit?: number;
}

function toRecorded(row: Pick<Database['incident_events'], 'incident' | 'seq' | 'actor' | 'recorded_at' | 'data'>): RecordedEvent {
  return {
    incident: Number(row.incident),
    seq: Number(row.seq),
    actor: row.actor,
    recordedAt: row.recorded_at,
    event: JSON.parse(row.data) as IncidentEvent,
  };
}

export /** The incidents row for a state, as of its last event. */
function incidentRow(state: IncidentState, updatedAt: string): Omit<Database['incidents'], 'number'> {
  return {
    version: state.version,
    title: state.title,
    severity: state.severity,
    phase: state.phase,
    private: state.private ? 1 : 0,
    declared_at: state.declaredAt,
    next_update_by: state.phase === 'active' ? state.nextUpdateBy : null,
    published_at: state.publishedAt,
    participants: JSON.stringify(state.participants),
    state: JSON.stringify(state),
    updated_at: updatedAt,
    drill: state.drill?.id ?? null,
    drill_quiet: state.drill && !state.drill.notify ? 1 : 0,
    // Listed once resolved: those owed, and any that got further (an optional one scheduled or written).
    postmortem_stage: state.phase === 'active' || (!state.postmortemRequired && postmortemStage(state) === 'owed') ? null : postmortemStage(state),
  };
}

export class IncidentStore {
  constructor(
    private readonly db: Executor,
    private readonly dialect: Dialect,
    private readonly committed: CommitNotes | null,
    private readonly chatOn = false,
  ) {}

  async nextNumber(): Promise<number> {
    const row = await this.db
      .updateTable('counters')
      .set((eb) => ({ value: eb('value', '+', 1) }))
      .where('name', '=', 'incident')
      .returning('value')
      .executeTakeFirstOrThrow();
    return Number(row.value);
  }

  /** With `lock`, later writers to the same incident wait for this transaction (PostgreSQL row lock). */
  async load(number: number, lock = false): Promise<IncidentState | null> {
    let query = this.db.selectFrom('incidents').select('state').where('number', '=', number);
    if (lock && this.dialect === 'postgres') query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row ? (JSON.parse(row.state) as IncidentState) : null;
  }

  /** The incident's events, or only those after sequence number `after`. */
  async events(number: number, after = 0): Promise<RecordedEvent[]> {
    const rows = await this.db
      .selectFrom('incident_events')
      .select(['incident', 'seq', 'actor', 'recorded_at', 'data'])
      .where('incident', '=', number)
      .where('seq', '>', after)
      .orderBy('seq')
      .execute();
    return rows.map(toRecorded);
  }

  /** Several incidents' events, each after its own sequence number (incident → after), each incident's in order: one query. */
  async eventsAfter(after: ReadonlyMap<number, number>): Promise<RecordedEvent[]> {
    if (after.size === 0) return [];
    const rows = await this.db
      .selectFrom('incident_events')
      .select(['incident', 'seq', 'actor', 'recorded_at', 'data'])
      .where((eb) => eb.or([...after].map(([incident, seq]) => eb.and([eb('incident', '=', incident), eb('seq', '>', seq)]))))
      .orderBy('incident')
      .orderBy('seq')
      .execute();
    return rows.map(toRecorded);
  }

  /** Several incidents' events, each incident's in order. */
  async eventsOf(numbers: readonly number[]): Promise<RecordedEvent[]> {
    if (numbers.length === 0) return [];
    const rows = await this.db
      .selectFrom('incident_events')
      .select(['incident', 'seq', 'actor', 'recorded_at', 'data'])
      .where('incident', 'in', [...numbers])
      .orderBy('incident')
      .orderBy('seq')
      .execute();
    return rows.map(toRecorded);
  }

  async list(filter: IncidentFilter): Promise<IncidentState[]> {
    const rows = await this.filtered(filter)
      .orderBy(OPEN_FIRST)
      .orderBy('declared_at', 'desc')
      .limit(filter.limit ?? 500)
      .execute();
    return rows.map((r) => JSON.parse(r.state) as IncidentState);
  }

  /** A page of the incidents `filter` selects: open first, then the latest declared first. */
  async page(filter: Omit<IncidentFilter, 'limit'>, request: PageRequest): Promise<Page<IncidentState>> {
    const order = [{ expr: OPEN_FIRST }, descending(column('declared_at')), descending(column('number'))];
    const rows = await keyset(this.filtered(filter), order, request).execute();
    return pageOf(
      rows.map((r) => JSON.parse(r.state) as IncidentState),
      request,
      (s) => [s.phase === 'active' ? 0 : 1, s.declaredAt, s.number],
    );
  }

  private filtered(filter: Omit<IncidentFilter, 'limit'>) {
    let query = this.db.selectFrom('incidents').select('state');
    if (filter.phases?.length) query = query.where('phase', 'in', filter.phases);
    if (filter.severity) query = query.where('severity', '=', filter.severity);
    if (filter.postmortemStages) query = query.where('postmortem_stage', 'in', filter.postmortemStages.length ? filter.postmortemStages : ['']);
    // next_update_by is kept only while the incident is active, so it alone says "overdue".
    if (filter.overdue?.is === true) query = query.where('next_update_by', 'is not', null).where('next_update_by', '<', filter.overdue.at);
    if (filter.overdue?.is === false)
      query = query.where((eb) => eb.or([eb('next_update_by', 'is', null), eb('next_update_by', '>=', filter.overdue!.at)]));
    if (filter.visibleTo && !filter.visibleTo.admin) {
      // The quoted handle as it appears in the JSON array; a substring search, not LIKE,
      // because `_` (allowed in handles) is a LIKE wildcard.
      const quoted = JSON.stringify(filter.visibleTo.handle);
      const position = this.dialect === 'postgres' ? sql<number>`strpos(participants, ${quoted})` : sql<number>`instr(participants, ${quoted})`;
      query = query.where((eb) => eb.or([eb('private', '=', 0), eb(position, '>', 0)]));
    }
    // Both feed the public status page: a quiet drill's incident is never on it.
    if (filter.notPrivate) query = query.where('private', '=', 0).where('drill_quiet', '=', 0);
    if (filter.changedSince) query = query.where((eb) => eb.or([eb('phase', '=', 'active'), eb('updated_at', '>=', filter.changedSince!)]));
    if (filter.publicWith) {
      const { severities } = filter.publicWith;
      query = query
        .where('private', '=', 0)
        .where('drill_quiet', '=', 0)
        .where((eb) => (severities.length ? eb.or([eb('severity', 'in', severities), eb('published_at', 'is not', null)]) : eb('published_at', 'is not', null)));
    }
    return query;
  }

  /**
   * Appends events and replaces the read model, refusing if another writer got there
   * first (the unique (incident, seq) key and the version check both guard it). The
   * incident's reminders become `deadlines` (what its new state makes due) in the same
   * transaction: every change moves or cancels them here, in one place.
   */
  async append(expectedVersion: number, recorded: RecordedEvent[], state: IncidentState, deadlines: DueMoment[]): Promise<void> {
    if (recorded.length === 0) return;
    const row = incidentRow(state, recorded[recorded.length - 1]!.recordedAt);
    if (expectedVersion === 0) {
      await this.db.insertInto('incidents').values({ number: state.number, ...row }).execute();
    } else {
      const result = await this.db
        .updateTable('incidents')
        .set(row)
        .where('number', '=', state.number)
        .where('version', '=', expectedVersion)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1)
        throw new DomainError('VERSION_CONFLICT', `${incidentId(state.number)} changed while this change was being made; reload and retry.`);
    }
    const ids = await this.db
      .insertInto('incident_events')
      .values(
        recorded.map((r) => ({
          incident: r.incident,
          seq: r.seq,
          type: r.event.type,
          actor: r.actor,
          recorded_at: r.recordedAt,
          data: JSON.stringify(r.event),
        })),
      )
      .returning('id')
      .execute();
    // The outbox row commits with its event (or not at all): notifications never miss one,
    // whatever order concurrent transactions commit in (see src/processors/notifications/processor.ts).
    // A drill's incident reaches nobody outside (no webhook, e-mail, subscriber, page or chat) unless the drill asked to notify.
    const quiet = state.drill !== null && !state.drill.notify;
    const notifiable = quiet ? [] : ids.filter((_, i) => reachesOutbox(recorded[i]!.event.type)).map((r) => Number(r.id));
    if (notifiable.length) {
      await new WebhookStore(this.db, this.dialect).enqueue(notifiable, state.number, row.updated_at);
      this.committed?.noteQueued();
    }
    // Like the notification outbox: a chat message is owed exactly when its event commits.
    if (this.chatOn && !quiet) await new ChatStore(this.db, this.dialect).enqueue(ids.map((r) => Number(r.id)), state.number, row.updated_at);
    await this.syncReminders(state.number, deadlines, row.updated_at);
    this.committed?.changed.add(state.number);
    if (this.dialect === 'postgres') await notifyInstances(this.db, String(state.number));
  }

  /** Replaces the incident's reminders with `deadlines` (see `ReminderStore.sync`). */
  async syncReminders(incident: number, deadlines: DueMoment[], at: string): Promise<void> {
    const added = await new ReminderStore(this.db, this.dialect).sync(incident, deadlines, at);
    this.committed?.scheduled.push(...added);
  }
}
