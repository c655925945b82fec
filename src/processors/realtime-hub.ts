/**
 * One reader of `incident_events` per process, fanning out to every connected stream.
 * A commit (this instance's, or any instance's on PostgreSQL through `onIncidentsChanged`)
 * wakes it; it reads the rows past its watermark once, whatever the number of clients, and
 * writes each client the ones it may see. Rows go out in id order only (see ./feed.ts), so
 * a client resuming after its last id misses nothing and gets nothing twice.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { EventFeedStore, FeedRow } from '../store/event-feed.js';
import type { Person } from '../domain/people/person.js';
import { canSee } from '../domain/people/policy.js';
import { advance, isSettled, type FeedPosition, type Gap, type Snapshot } from '../domain/realtime/feed.js';
import { HEARTBEAT, HEARTBEAT_EVERY_MS, incidentMessage } from '../presenters/sse.js';
import { FailureRecord, type Worker, type WorkerHealth } from './worker.js';

/** One connected stream, as the HTTP route gives it to the hub. */
export interface Subscriber {
  person: Pick<Person, 'handle' | 'role'>;
  /** Only this incident's events, or every incident's. */
  incident: number | null;
  /** Called once, as the stream joins, before anything is sent: whatever commits after this reaches it. */
  open(): void;
  send(chunk: string): void;
  end(): void;
}

interface Client {
  subscriber: Subscriber;
  /** The last event id this client has been given (or skipped as not its own). */
  cursor: number;
  /** While the client replays what it missed, live rows wait here; null once live. */
  queue: FeedRow[] | null;
}

export interface HubOptions {
  /** Rows read per query. */
  batch: number;
  /** How soon a read held back by a gap is retried (the commit that fills it also wakes the hub). */
  gapPollMs: number;
  /** A gap whose transactions never seem to end is given up after this long (ids are then skipped). */
  gapGiveUpMs: number;
  /** A replaying client with more live rows than this waiting is dropped; it reconnects and resumes. */
  maxQueued: number;
  heartbeatMs: number;
}

const DEFAULTS: HubOptions = { batch: 1000, gapPollMs: 20, gapGiveUpMs: 30_000, maxQueued: 10_000, heartbeatMs: HEARTBEAT_EVERY_MS };
const REPLAY_PAGE = 500;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function visible(subscriber: Subscriber, row: FeedRow): boolean {
  return (subscriber.incident === null || subscriber.incident === row.incident) && canSee(subscriber.person, row);
}

export class RealtimeHub implements Worker {
  private readonly options: HubOptions;
  private readonly clients = new Set<Client>();
  private position: FeedPosition | null = null;
  private starting: Promise<void> | null = null;
  private reading: Promise<void> | null = null;
  private again = false;
  private retry: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private closed = false;

  /** Stopped or stopping: no new stream is taken on. */
  get closing(): boolean {
    return this.closed;
  }
  private readonly failures = new FailureRecord();

  constructor(
    private readonly feed: EventFeedStore,
    private readonly subscribe: (listener: () => void) => () => void,
    private readonly log: FastifyBaseLogger,
    options: Partial<HubOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** Connected streams (for tests and the log). */
  get size(): number {
    return this.clients.size;
  }

  /**
   * Adds a stream. With `after`, first replays the events after that id up to the hub's
   * watermark from the table, then goes live; without, starts from now. Resolves with the
   * function that removes it.
   */
  async attach(subscriber: Subscriber, after: number | null): Promise<() => void> {
    await this.begun();
    if (this.closed) throw new Error('the realtime stream is closing');
    // Synchronous from here to `open()`: every event delivered later is above `upTo`, and
    // every event at or below it has committed (the watermark is exact), so whatever
    // commits once the stream is open reaches it.
    const upTo = this.position!.watermark;
    const client: Client = { subscriber, cursor: after ?? upTo, queue: after === null ? null : [] };
    this.clients.add(client);
    const detach = () => void this.clients.delete(client);
    subscriber.open();
    if (after === null) return detach;

    try {
      while (client.cursor < upTo && this.clients.has(client)) {
        const rows = await this.feed.replay(client.cursor, upTo, subscriber.incident, REPLAY_PAGE);
        if (rows.length === 0) break;
        this.write(client, rows);
      }
    } catch (error) {
      detach();
      throw error;
    }
    // A client ahead of this instance (it was connected to a faster one) keeps its own position.
    client.cursor = Math.max(client.cursor, upTo);
    const queued = client.queue ?? [];
    client.queue = null;
    this.write(client, queued);
    return detach;
  }

  /**
   * Nothing to do until someone streams: the first stream starts the reading (see begin),
   * at the head as it then stands.
   */
  start(): void {}

  /** Ends every stream and stops reading; the store may close after this resolves. */
  async stop(): Promise<void> {
    this.closed = true;
    this.unsubscribe?.();
    if (this.retry) clearTimeout(this.retry);
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const client of this.clients) client.subscriber.end();
    this.clients.clear();
    await this.starting?.catch(() => undefined);
    await this.reading;
  }

  health(): WorkerHealth {
    return this.failures.health(!this.closed);
  }

  private begun(): Promise<void> {
    this.starting ??= this.begin().catch((error: unknown) => {
      this.failures.failed(error, new Date());
      // The next stream tries again (the store may be back by then).
      this.unsubscribe?.();
      this.unsubscribe = null;
      this.starting = null;
      throw error;
    });
    return this.starting;
  }

  private async begin(): Promise<void> {
    // Listening before reading the head: a commit between the two still wakes the hub.
    this.unsubscribe = this.subscribe(() => this.wake());
    this.position = await this.headPosition();
    this.heartbeat = setInterval(() => this.beat(), this.options.heartbeatMs);
    this.heartbeat.unref();
    this.wake();
  }

  /**
   * The stream starts at the newest event. Transactions still committing events below it
   * belong before the stream: wait until they have ended, so the watermark is exact.
   */
  private async headPosition(): Promise<FeedPosition> {
    const head = await this.feed.head();
    let snapshot: Snapshot | null = head.snapshot;
    const below: Gap = { from: head.id, blockers: snapshot?.inProgress ?? [], seenAt: Date.now() };
    while (snapshot !== null && below.blockers.length > 0 && !this.closed) {
      await sleep(this.options.gapPollMs);
      snapshot = await this.feed.snapshot();
      if (isSettled(below, snapshot, Date.now(), this.options.gapGiveUpMs)) break;
    }
    return { watermark: head.id, gap: null };
  }

  private wake(): void {
    if (this.closed || this.position === null) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = this.readUntilCaughtUp().finally(() => (this.reading = null));
  }

  private async readUntilCaughtUp(): Promise<void> {
    do {
      this.again = false;
      try {
        if (await this.readOnce()) this.again = true;
        this.failures.succeeded();
      } catch (error) {
        this.failures.failed(error, new Date());
        // The store is unreachable: try again shortly; nothing is lost, the watermark has not moved.
        this.log.warn({ err: error }, 'realtime: reading new events failed; retrying');
        this.retryIn(1000);
        return;
      }
    } while (this.again && !this.closed);
  }

  /** One read past the watermark; true when a full page came back (read again at once). */
  private async readOnce(): Promise<boolean> {
    const { rows, snapshot } = await this.feed.readAfter(this.position!.watermark, this.options.batch);
    if (this.closed) return false;
    const step = advance(this.position!, rows, snapshot, Date.now(), this.options.gapGiveUpMs);
    for (const gap of step.skipped) this.log.debug(gap, 'realtime: event ids that never committed (rolled back), skipped');
    this.position = step.position;
    this.deliver(step.deliver);
    if (step.waiting) this.retryIn(this.options.gapPollMs);
    return !step.waiting && rows.length === this.options.batch;
  }

  private retryIn(ms: number): void {
    if (this.retry || this.closed) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      this.wake();
    }, ms);
  }

  private deliver(rows: FeedRow[]): void {
    if (rows.length === 0) return;
    const messages = new Map(rows.map((row) => [row, incidentMessage(row)]));
    for (const client of this.clients) {
      if (client.queue) {
        client.queue.push(...rows);
        if (client.queue.length > this.options.maxQueued) this.drop(client);
        continue;
      }
      this.write(client, rows, messages);
    }
  }

  /** Writes the rows this client may see and has not had, as one chunk. */
  private write(client: Client, rows: FeedRow[], messages?: Map<FeedRow, string>): void {
    let chunk = '';
    for (const row of rows) {
      if (row.id <= client.cursor) continue;
      client.cursor = row.id;
      if (visible(client.subscriber, row)) chunk += messages?.get(row) ?? incidentMessage(row);
    }
    if (chunk) client.subscriber.send(chunk);
  }

  private drop(client: Client): void {
    this.clients.delete(client);
    client.subscriber.end();
  }

  private beat(): void {
    for (const client of this.clients) client.subscriber.send(HEARTBEAT);
  }
}
