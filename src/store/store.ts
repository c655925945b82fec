/**
 * Storage for both databases behind one interface. An incident's events and its
 * read model are written in one transaction, with the incident's version checked.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import type { Database, Executor } from './schema.js';
import { migrations, type Dialect } from './migrations.js';
import type { IncidentEvent, RecordedEvent } from '../domain/model/events.js';
import { READ_MODEL_VERSION, fold, type IncidentState } from '../domain/model/state.js';
import { DomainError } from '../domain/model/errors.js';
import { AlertStore } from './alerts.js';
import { ReminderStore } from './reminders.js';
import { WebhookStore } from './webhooks.js';
import { EmailStore } from './email.js';
import { SessionStore } from './sessions.js';
import { EventFeedStore } from './event-feed.js';
import { StatusComponentStore } from './status-components.js';
import { MaintenanceStore } from './maintenance.js';
import { StatusSubscriberStore } from './status-subscribers.js';
import { notificationType } from '../domain/notifications/events.js';
import type { DueMoment } from '../domain/reminders/rules.js';
import type { Person } from '../domain/people/person.js';
import { incidentId } from '../domain/model/ids.js';

export interface IncidentFilter {
  phases?: IncidentState['phase'][];
  severity?: string;
  /** Only incidents whose promised update is (or is not) overdue at `at` (R8). */
  overdue?: { at: string; is: boolean };
  /** Leaves out private incidents this person is not in (unless an admin), before the limit. */
  visibleTo?: { handle: string; admin: boolean };
  /** Only incidents the status page may show: not private, and of a public severity or published. */
  publicWith?: { severities: string[] };
  limit?: number;
}

export interface IdempotentAnswer {
  fingerprint: string;
  status: number;
  body: string;
}

function isOtherSchemaGone(error: unknown, ours: string | undefined): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === '3F000' && typeof message === 'string' && (ours === undefined || !message.includes(`"${ours}"`));
}

/** What one transaction did that listeners hear of once it has committed. */
interface AfterCommit {
  /** Due times of reminders added. */
  scheduled: string[];
  /** Notification work queued (outbox rows, a redelivery). */
  queued: boolean;
  /** Incidents that got new events. */
  changed: Set<number>;
  /** Something other than an incident that the status page shows changed (components, maintenance). */
  everything: boolean;
}

/** The PostgreSQL NOTIFY channel that carries "incident N has new events" between instances. */
const INCIDENT_CHANNEL = 'incident_command_incidents';

function toPerson(row: Database['people']): Person {
  return {
    handle: row.handle,
    name: row.name,
    email: row.email,
    role: row.role,
    chat: JSON.parse(row.chat) as Record<string, string>,
    createdAt: row.created_at,
  };
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

/** The incidents row for a state, as of its last event. */
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
  };
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** Reads and writes inside one transaction (or straight on the database outside one). */
export class Repository {
  constructor(
    protected readonly db: Executor,
    readonly dialect: Dialect,
    /** Inside `Store.transaction`: what this transaction did that is announced after it commits. */
    private readonly committed: AfterCommit | null = null,
  ) {}

  /** Webhook subscriptions, the notification outbox and the delivery log, in the same transaction. */
  get webhooks(): WebhookStore {
    return new WebhookStore(this.db, this.dialect);
  }

  /** Incident subscribers, notification preferences and e-mail deliveries, in the same transaction. */
  get email(): EmailStore {
    return new EmailStore(this.db, this.dialect);
  }

  /** Console sessions (src/sessions), in the same transaction. */
  get sessions(): SessionStore {
    return new SessionStore(this.db, this.dialect);
  }

  /** Wakes this instance's notification processor after commit (the outbox or a delivery changed). */
  noteNotificationQueued(): void {
    if (this.committed) this.committed.queued = true;
  }

  /** Scheduled maintenance windows, in the same transaction. */
  get maintenance(): MaintenanceStore {
    return new MaintenanceStore(this.db, this.dialect);
  }

  /** The status page's e-mail subscribers, in the same transaction. */
  get statusSubscribers(): StatusSubscriberStore {
    return new StatusSubscriberStore(this.db);
  }

  /**
   * After commit, `onIncidentsChanged` listeners hear "anything may have changed" (an empty
   * list), on every instance: for what the status page shows besides incidents
   * (components, maintenance windows).
   */
  async noteStatusPageChanged(): Promise<void> {
    if (this.committed) this.committed.everything = true;
    if (this.dialect === 'postgres') await this.notify('*');
  }

  /**
   * PostgreSQL delivers it at commit (never for a rollback) to every listening instance. The
   * channel is database-wide, so the payload names the schema: stores in other schemas ignore it.
   */
  private async notify(what: string): Promise<void> {
    await sql`select pg_notify(${INCIDENT_CHANNEL}, current_schema() || '|' || ${what})`.execute(this.db);
  }

  /** The reminders' schedule (R4, R8, R11), in the same transaction. */
  get reminders(): ReminderStore {
    return new ReminderStore(this.db, this.dialect);
  }

  /** The status page's API-created components, in the same transaction. */
  get statusComponents(): StatusComponentStore {
    return new StatusComponentStore(this.db);
  }

  /** Alert sources, the intake inbox, groups and alerts, in the same transaction. */
  get alerts(): AlertStore {
    return new AlertStore(this.db, this.dialect);
  }

  async countPeople(): Promise<number> {
    const row = await this.db.selectFrom('people').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async insertPerson(person: Person): Promise<void> {
    try {
      await this.db
        .insertInto('people')
        .values({
          handle: person.handle,
          name: person.name,
          email: person.email,
          role: person.role,
          chat: JSON.stringify(person.chat),
          created_at: person.createdAt,
        })
        .execute();
    } catch (error) {
      if (isUniqueViolation(error))
        throw new DomainError('PERSON_EXISTS', `@${person.handle} already exists.`, { field: 'handle' });
      throw error;
    }
  }

  async getPerson(handle: string): Promise<Person | null> {
    const row = await this.db.selectFrom('people').selectAll().where('handle', '=', handle).executeTakeFirst();
    return row ? toPerson(row) : null;
  }

  async listPeople(): Promise<Person[]> {
    const rows = await this.db.selectFrom('people').selectAll().orderBy('handle').execute();
    return rows.map(toPerson);
  }

  async insertToken(token: { id: string; person: string; name: string; hash: string; createdAt: string }): Promise<void> {
    await this.db
      .insertInto('tokens')
      .values({ id: token.id, person: token.person, name: token.name, hash: token.hash, created_at: token.createdAt })
      .execute();
  }

  async personByTokenHash(hash: string): Promise<Person | null> {
    const row = await this.db
      .selectFrom('tokens')
      .innerJoin('people', 'people.handle', 'tokens.person')
      .selectAll('people')
      .where('tokens.hash', '=', hash)
      .executeTakeFirst();
    return row ? toPerson(row) : null;
  }

  async nextIncidentNumber(): Promise<number> {
    const row = await this.db
      .updateTable('counters')
      .set((eb) => ({ value: eb('value', '+', 1) }))
      .where('name', '=', 'incident')
      .returning('value')
      .executeTakeFirstOrThrow();
    return Number(row.value);
  }

  /** With `lock`, later writers to the same incident wait for this transaction (PostgreSQL row lock). */
  async loadIncident(number: number, lock = false): Promise<IncidentState | null> {
    let query = this.db.selectFrom('incidents').select('state').where('number', '=', number);
    if (lock && this.dialect === 'postgres') query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row ? (JSON.parse(row.state) as IncidentState) : null;
  }

  async loadEvents(number: number): Promise<RecordedEvent[]> {
    const rows = await this.db
      .selectFrom('incident_events')
      .select(['incident', 'seq', 'actor', 'recorded_at', 'data'])
      .where('incident', '=', number)
      .orderBy('seq')
      .execute();
    return rows.map(toRecorded);
  }

  async listIncidents(filter: IncidentFilter): Promise<IncidentState[]> {
    let query = this.db.selectFrom('incidents').select('state');
    if (filter.phases?.length) query = query.where('phase', 'in', filter.phases);
    if (filter.severity) query = query.where('severity', '=', filter.severity);
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
    if (filter.publicWith) {
      const { severities } = filter.publicWith;
      query = query
        .where('private', '=', 0)
        .where((eb) => (severities.length ? eb.or([eb('severity', 'in', severities), eb('published_at', 'is not', null)]) : eb('published_at', 'is not', null)));
    }
    const rows = await query
      .orderBy(sql`case when phase = 'active' then 0 else 1 end`)
      .orderBy('declared_at', 'desc')
      .limit(filter.limit ?? 500)
      .execute();
    return rows.map((r) => JSON.parse(r.state) as IncidentState);
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
    // whatever order concurrent transactions commit in (see src/notifications/processor.ts).
    const notifiable = ids.filter((_, i) => notificationType(recorded[i]!.event.type) !== null).map((r) => Number(r.id));
    if (notifiable.length) {
      await this.webhooks.enqueue(notifiable, state.number, row.updated_at);
      this.noteNotificationQueued();
    }
    await this.syncReminders(state.number, deadlines, row.updated_at);
    this.committed?.changed.add(state.number);
    if (this.dialect === 'postgres') await this.notify(String(state.number));
  }

  /** Replaces the incident's reminders with `deadlines` (see `ReminderStore.sync`). */
  async syncReminders(incident: number, deadlines: DueMoment[], at: string): Promise<void> {
    const added = await this.reminders.sync(incident, deadlines, at);
    this.committed?.scheduled.push(...added);
  }

  /**
   * Makes concurrent requests with one Idempotency-Key wait for each other until the first
   * commits, so the others read its answer instead of redoing (and being refused) the change.
   * PostgreSQL only: SQLite runs one transaction at a time.
   */
  async lockIdempotencyKey(person: string, key: string): Promise<void> {
    if (this.dialect !== 'postgres') return;
    await sql`select pg_advisory_xact_lock(hashtextextended(${`${person}\n${key}`}, 0))`.execute(this.db);
  }

  async getIdempotent(person: string, key: string): Promise<IdempotentAnswer | null> {
    const row = await this.db
      .selectFrom('idempotency_keys')
      .select(['fingerprint', 'status', 'body'])
      .where('person', '=', person)
      .where('key', '=', key)
      .executeTakeFirst();
    return row ? { fingerprint: row.fingerprint, status: Number(row.status), body: row.body } : null;
  }

  async putIdempotent(person: string, key: string, answer: IdempotentAnswer, at: string): Promise<void> {
    await this.db
      .insertInto('idempotency_keys')
      .values({ person, key, fingerprint: answer.fingerprint, status: answer.status, body: answer.body, created_at: at })
      .execute();
  }
}

export interface StoreOptions {
  databaseUrl?: string | undefined;
  dataDir: string;
}

export class Store extends Repository {
  private constructor(
    private readonly kysely: Kysely<Database>,
    dialect: Dialect,
    readonly location: string,
    private readonly databaseUrl: string | null = null,
  ) {
    super(kysely, dialect);
  }

  /** Reads for the realtime stream (src/realtime), outside any transaction. */
  get feed(): EventFeedStore {
    return new EventFeedStore(this.kysely, this.dialect);
  }

  static async open(options: StoreOptions): Promise<Store> {
    let store: Store;
    if (options.databaseUrl) {
      const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
      const url = new URL(options.databaseUrl);
      store = new Store(new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), 'postgres', `postgres://${url.host}${url.pathname}`, options.databaseUrl);
    } else {
      mkdirSync(options.dataDir, { recursive: true });
      const file = join(options.dataDir, 'incident.sqlite');
      const database = new SQLite(file);
      database.pragma('journal_mode = WAL');
      // better-sqlite3 would otherwise run WAL at NORMAL, which can lose acknowledged commits on power loss.
      database.pragma('synchronous = FULL');
      database.pragma('foreign_keys = ON');
      database.pragma('busy_timeout = 5000');
      store = new Store(new Kysely<Database>({ dialect: new SqliteDialect({ database }) }), 'sqlite', file);
    }
    await store.migrate();
    await store.refreshReadModel();
    return store;
  }

  private async migrate(): Promise<void> {
    // Kysely looks for its migration tables in every schema unless told which one; another
    // schema in the same database that has them would make it skip creating ours.
    const schema =
      this.dialect === 'postgres'
        ? ((await sql<{ schema: string | null }>`select current_schema() as schema`.execute(this.kysely)).rows[0]?.schema ?? undefined)
        : undefined;
    this.schema = schema;
    // Numbers were handed out to work done side by side, so a database may have run a later one first (0007 before 0006): run what is missing.
    const migrator = new Migrator({
      db: this.kysely,
      provider: migrations(this.dialect),
      allowUnorderedMigrations: true,
      ...(schema ? { migrationTableSchema: schema } : {}),
    });
    for (let attempt = 1; ; attempt++) {
      const { error } = await migrator.migrateToLatest();
      if (!error) return;
      // Kysely's introspection reads every schema's tables; one dropped meanwhile by someone else
      // fails it with "schema … does not exist" (3F000). Nothing was migrated: look again.
      if (!(this.dialect === 'postgres' && attempt < 5 && isOtherSchemaGone(error, schema))) throw error;
    }
  }

  /**
   * Re-folds every incident from its events when the rows were written by another
   * `READ_MODEL_VERSION`, so a release that changes `evolve` does not serve stale snapshots.
   */
  private async refreshReadModel(): Promise<void> {
    const stored = async (db: Executor) =>
      Number((await db.selectFrom('counters').select('value').where('name', '=', 'read_model').executeTakeFirstOrThrow()).value);
    if ((await stored(this.kysely)) === READ_MODEL_VERSION) return;
    await this.kysely.transaction().execute(async (trx) => {
      // Instances starting together take turns; the later ones find the work done.
      if (this.dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtextextended('incident-command read model', 0))`.execute(trx);
      if ((await stored(trx)) === READ_MODEL_VERSION) return;
      // Row-locked so that a running instance's writes wait rather than being overwritten.
      let numbers = trx.selectFrom('incidents').select('number').orderBy('number');
      if (this.dialect === 'postgres') numbers = numbers.forUpdate();
      const repository = new Repository(trx, this.dialect);
      for (const { number } of await numbers.execute()) {
        const events = await repository.loadEvents(number);
        const row = incidentRow(fold(events), events[events.length - 1]!.recordedAt);
        await trx.updateTable('incidents').set(row).where('number', '=', number).execute();
      }
      await trx.updateTable('counters').set({ value: READ_MODEL_VERSION }).where('name', '=', 'read_model').execute();
    });
  }

  /** Runs `work` in one transaction; with PostgreSQL, a clash on a unique key is retried once. */
  async transaction<T>(work: (tx: Repository) => Promise<T>): Promise<T> {
    const run = async () => {
      const committed: AfterCommit = { scheduled: [], queued: false, changed: new Set(), everything: false };
      const result = await this.kysely.transaction().execute((trx) => work(new Repository(trx, this.dialect, committed)));
      if (committed.scheduled.length) this.announceScheduled(committed.scheduled.reduce((a, b) => (b < a ? b : a)));
      if (committed.queued) for (const listener of this.queuedListeners) listener();
      if (committed.everything) this.announceChanged([]);
      else if (committed.changed.size) this.announceChanged([...committed.changed]);
      return result;
    };
    try {
      return await run();
    } catch (error) {
      if (this.dialect === 'postgres' && isUniqueViolation(error)) return run();
      throw error;
    }
  }

  private readonly scheduledListeners = new Set<(dueAt: string) => void>();

  /** Calls `listener` after each commit that added reminders, with the earliest due time added (this instance's writes only). */
  onReminderScheduled(listener: (dueAt: string) => void): () => void {
    this.scheduledListeners.add(listener);
    return () => this.scheduledListeners.delete(listener);
  }

  private readonly queuedListeners = new Set<() => void>();

  /** Calls `listener` after each commit on this instance that queued notification work (new outbox rows, a redelivery). */
  onNotificationQueued(listener: () => void): () => void {
    this.queuedListeners.add(listener);
    return () => this.queuedListeners.delete(listener);
  }

  private readonly changedListeners = new Set<(incidents: number[]) => void>();
  private listening: Promise<pg.Client | null> | null = null;

  /**
   * Calls `listener` after each commit that appended incident events, with the incident
   * numbers. On SQLite (one instance) that is this instance's commits; on PostgreSQL also
   * every other instance's, through LISTEN/NOTIFY, so the realtime stream and the status
   * page see all changes. A number may be announced more than once (a local commit is
   * heard directly and again through PostgreSQL): listeners re-read, they do not count.
   */
  onIncidentsChanged(listener: (incidents: number[]) => void): () => void {
    this.changedListeners.add(listener);
    if (this.dialect === 'postgres' && this.databaseUrl && !this.listening) this.listening = this.listen(this.databaseUrl);
    return () => this.changedListeners.delete(listener);
  }

  private announceChanged(incidents: number[]): void {
    for (const listener of this.changedListeners) listener(incidents);
  }

  /** One dedicated connection LISTENing; reconnects after a drop, announcing "anything may have changed" (an empty list) once back. */
  private async listen(url: string): Promise<pg.Client | null> {
    while (!this.closing) {
      const client = new pg.Client({ connectionString: url });
      try {
        await client.connect();
        client.on('notification', (message) => {
          const [schema, what] = (message.payload ?? '').split('|');
          if (schema !== this.schema) return;
          // '*' (noteStatusPageChanged) is "anything may have changed".
          const number = Number(what);
          if (what === '*') this.announceChanged([]);
          else if (Number.isInteger(number)) this.announceChanged([number]);
        });
        const dropped = new Promise<void>((resolve) => {
          client.once('error', () => resolve());
          client.once('end', () => resolve());
        });
        await client.query(`listen ${INCIDENT_CHANNEL}`);
        this.listener = client;
        if (!this.closing) {
          this.announceChanged([]);
          await dropped;
        }
      } catch {
        // Unreachable database: try again below, unless closing.
      }
      this.listener = null;
      await client.end().catch(() => undefined);
      if (!this.closing) await new Promise((resolve) => setTimeout(resolve, 1000).unref());
    }
    return null;
  }

  private listener: pg.Client | null = null;
  /** PostgreSQL: the schema this store's tables live in (the connection's current_schema). */
  private schema: string | undefined;
  private closing = false;

  private announceScheduled(dueAt: string): void {
    for (const listener of this.scheduledListeners) listener(dueAt);
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.kysely);
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.listener?.end().catch(() => undefined);
    await this.listening;
    await this.kysely.destroy();
  }
}
