/**
 * The chat delivery worker: the incident's messages reach its room, in order, however
 * busy the server or the platform.
 *
 * - Woken by commits (this instance's directly, others' through LISTEN/NOTIFY), not polling.
 * - On PostgreSQL it reads and writes over connections of its own (`Store.apart`), not
 *   queued behind the API's requests for the shared pool.
 * - Fan-out (fan-out.ts) turns up to 500 outbox rows at a time into deliveries, in one transaction.
 * - Lanes: one per incident room. A lane's deliveries go strictly in (event, step) order;
 *   lanes run side by side (up to `concurrency`). Each pass claims the due prefix of every
 *   idle lane in one statement, with a lease, so two instances never send one lane together.
 * - Results are recorded in batches: one statement marks everything sent since the last one.
 * - Several topic changes (or announcement edits) waiting in one lane are one call: the last.
 * - A 429 pauses that method for its Retry-After; "unavailable" (Slack down, 5xx, network)
 *   backs the lane off (1 s doubling to a minute) and keeps trying, so the room catches up
 *   in order when the platform returns; a refusal is retried a few times, then given up.
 * - Each message is posted once. A claim marks its deliveries uncertain (a call may reach the
 *   platform from then on) until their outcome is recorded; a post still uncertain when it is
 *   next taken (its holder crashed, or the answer was lost) is first looked for in the room by
 *   the mark it was posted with, and recorded as sent if it is there. The other calls are
 *   safe to repeat: a room of that name the app made is taken up, "already pinned/in the
 *   channel/archived" is success, topics and edits set what they set. A worker sends only
 *   while its lease has time left for the call, so no two ever send one lane.
 */
import { createHash } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { WakeLoop } from '../wake-loop.js';
import type { Worker, WorkerHealth } from '../worker.js';
import type { Clock } from '../../domain/model/time.js';
import type { ChatSettings } from '../../domain/chat/plan.js';
import type { IncidentState } from '../../domain/model/state.js';
import type { Store } from '../../store/store.js';
import type { ChatDelivery } from '../../store/chat.js';
import { ChatError, type ChatMessage, type ChatPort } from '../../integrations/chat/port.js';
import { fanOutChat, ROOM_LINK, type ChatAction } from './fan-out.js';
import type { ToldDms } from './told-dms.js';
import { sendTeamsCard, type TeamsChannels } from './teams.js';

export interface ChatDeliveryOptions {
  store: Store;
  /** The deployment's chat platform; null: Teams channel cards only. */
  chat: ChatPort | null;
  clock: Clock;
  settings: ChatSettings;
  /** The platform's name in people's `chat` ids (`slack`, `mattermost`); null with no platform. */
  platform: string | null;
  /** Teams channel cards (Workflows webhooks), beside the platform or alone. */
  teams?: TeamsChannels | null;
  log?: Pick<FastifyBaseLogger, 'error' | 'warn'>;
  /** Lanes sent side by side. */
  concurrency?: number;
  /** Attempts before a refused call is given up. */
  maxRefusals?: number;
  /** Direct messages to those told at once (./told-dms.ts); absent: none. */
  told?: ToldDms | null;
}

const LEASE_MS = 60_000;
/** A call is not begun with less of the lease left: more than a call may take (the Slack client gives up after 10 s). */
const LEASE_SPARE_MS = 20_000;
/** How far before a post's uncertainty began its room is searched for it: the platform's clock may differ from ours. */
const CLOCK_SKEW_MS = 10 * 60_000;
const MAX_BACKOFF_MS = 60_000;
/** Deliveries one lane takes per claim. */
const CHUNK = 50;

interface Outcome {
  done: number[];
  /** Claimed but not reached (the lane stopped early): released. */
  unreached: number[];
  /** Known not to have reached the platform (never begun, or looked for and not found). */
  notSent: ReadonlySet<number>;
}

/** One claim's run of a lane: what is known of its deliveries, and the marks found in each room (read once). */
interface Run {
  leaseUntilMs: number;
  notSent: Set<number>;
  /** From when the claim's uncertain posts may be in their rooms. */
  since: string;
  marks: Map<string, Promise<Map<string, string>>>;
}

export class ChatDeliveryWorker implements Worker {
  private readonly loop: WakeLoop;
  /** Where this worker's own reads and writes go. */
  private readonly db: Store;
  private readonly busy = new Set<string>();
  private readonly running = new Set<Promise<void>>();
  /** Method → until when the platform asked us to wait (ms since epoch). */
  private readonly paused = new Map<string, number>();
  private readonly rooms = new Map<number, string>();
  /** Each incident's state as of the last event fanned out here (fan-out.ts). */
  private readonly folded = new Map<number, IncidentState>();
  private doneIds: number[] = [];

  constructor(private readonly options: ChatDeliveryOptions) {
    this.loop = new WakeLoop({ clock: options.clock, maxSleepMs: 30_000, retryMs: 1_000, log: options.log, name: 'chat delivery', pass: () => this.pass(), wakeOn: (listener) => options.store.onIncidentsChanged(listener) });
    // From here on every event queues its messages, even before the loop starts: the room catches up.
    options.store.queueChat();
    this.db = options.store.apart('chat delivery');
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await Promise.all(this.running);
    await this.flush();
  }

  health(): WorkerHealth {
    return this.loop.health();
  }

  /** Runs until nothing is queued or due now (tests, the bench). */
  async drain(): Promise<void> {
    for (;;) {
      const next = await this.pass();
      if (this.running.size) {
        await Promise.all(this.running);
        await this.flush();
        continue;
      }
      if (!(await this.db.chat.outboxWaiting()) && (next === null || next > this.now())) return;
    }
  }

  private now(): string {
    return this.options.clock.now().toISOString();
  }

  /** Passes run one after another (the loop's and drain's): one claims while the other waits. */
  private passing: Promise<string | null> = Promise.resolve(null);
  private pass(): Promise<string | null> {
    this.passing = this.passing.catch(() => null).then(() => this.passOnce());
    return this.passing;
  }

  private async passOnce(): Promise<string | null> {
    const { settings } = this.options;
    const store = this.db;
    while ((await store.transaction((tx) => fanOutChat(tx, settings, this.now(), 500, this.folded, this.options.platform, this.options.told ?? null, this.options.teams ?? null))) === 500 && !this.loop.stopped);
    await this.flush();
    const now = this.now();
    const nowMs = Date.parse(now);
    // Lanes being sent are not read: their next chunk is claimed when they are done.
    const pending = await store.chat.pending(CHUNK, 5000, [...this.busy]);
    const lanes = new Map<string, ChatDelivery[]>();
    for (const d of pending) (lanes.get(d.lane) ?? lanes.set(d.lane, []).get(d.lane)!).push(d);
    const chosen: ChatDelivery[][] = [];
    let next: string | null = null;
    const limit = this.options.concurrency ?? 64;
    for (const [lane, rows] of lanes) {
      if (this.busy.has(lane)) continue;
      const head = rows[0]!;
      const headWait = Math.max(Date.parse(head.nextAttemptAt), head.claimedUntil && head.claimedUntil > now ? Date.parse(head.claimedUntil) : 0, this.paused.get(opOf(head)) ?? 0);
      if (headWait > nowMs) {
        const at = new Date(headWait).toISOString();
        if (next === null || at < next) next = at;
        continue;
      }
      if (this.busy.size + chosen.length >= limit) {
        next = now;
        continue;
      }
      const prefix: ChatDelivery[] = [];
      for (const row of rows) {
        if (prefix.length >= CHUNK || row.nextAttemptAt > now || (row.claimedUntil && row.claimedUntil > now)) break;
        prefix.push(row);
      }
      chosen.push(prefix);
    }
    if (!chosen.length) return next;
    const leaseUntilMs = nowMs + LEASE_MS;
    const held = await store.chat.claim(chosen.flat().map((d) => d.id), now, new Date(leaseUntilMs).toISOString());
    for (const prefix of chosen) {
      // Only a prefix from the head keeps the lane in order; whatever another instance took breaks it.
      const cut = prefix.findIndex((d) => !held.has(d.id));
      const mine = cut === -1 ? prefix : prefix.slice(0, cut);
      const stray = cut === -1 ? [] : prefix.slice(cut).filter((d) => held.has(d.id));
      if (stray.length) await store.chat.release(stray.map((d) => d.id), new Set(stray.filter((d) => d.uncertainSince === null).map((d) => d.id)));
      if (!mine.length) continue;
      const lane = mine[0]!.lane;
      this.busy.add(lane);
      const run = this.runLane(mine, leaseUntilMs)
        .then((outcome) => this.settle(outcome))
        .catch((error: unknown) => this.options.log?.error({ err: error, lane }, 'chat lane failed'))
        .finally(() => {
          this.busy.delete(lane);
          this.running.delete(run);
          this.loop.notice();
        });
      this.running.add(run);
    }
    return next;
  }

  private async settle(outcome: Outcome): Promise<void> {
    this.doneIds.push(...outcome.done);
    await this.flush();
    if (outcome.unreached.length) await this.db.chat.release(outcome.unreached, outcome.notSent);
  }

  /** Records every delivery sent since the last flush in one statement; concurrent callers share it. */
  private flushing: Promise<void> | null = null;
  private async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (!this.doneIds.length) return;
    const ids = this.doneIds;
    this.doneIds = [];
    this.flushing = this.db.chat.markDone(ids).finally(() => (this.flushing = null));
    await this.flushing;
  }

  private async runLane(rows: ChatDelivery[], leaseUntilMs: number): Promise<Outcome> {
    const done: number[] = [];
    const uncertain = rows.filter((r) => r.uncertainSince !== null).map((r) => r.uncertainSince!);
    const since = uncertain.length ? new Date(Date.parse(uncertain.sort()[0]!) - CLOCK_SKEW_MS).toISOString() : '';
    const run: Run = { leaseUntilMs, notSent: new Set(rows.filter((r) => r.uncertainSince === null).map((r) => r.id)), since, marks: new Map() };
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const action = JSON.parse(row.action) as ChatAction;
      // A later topic (or announcement) in the same claim replaces this one.
      if ((action.op === 'set_topic' || action.op === 'edit_announcement') && rows.slice(i + 1).some((r) => opOf(r) === action.op)) {
        done.push(row.id);
        continue;
      }
      const nowMs = this.options.clock.now().getTime();
      // The lease may lapse during the call: another worker could then send this lane too.
      if (leaseUntilMs - nowMs < LEASE_SPARE_MS) return { done, unreached: rows.slice(i).map((r) => r.id), notSent: run.notSent };
      const pausedUntil = this.paused.get(action.op) ?? 0;
      if (pausedUntil > nowMs) {
        await this.db.chat.retryLater(row.id, row.attempts, new Date(pausedUntil).toISOString(), 'waiting out a rate limit', run.notSent.has(row.id));
        return { done, unreached: rows.slice(i + 1).map((r) => r.id), notSent: run.notSent };
      }
      try {
        await this.send(row, action, run);
        done.push(row.id);
      } catch (error) {
        const stop = await this.failed(row, action, error, run.notSent.has(row.id));
        if (stop) return { done, unreached: rows.slice(i + 1).map((r) => r.id), notSent: run.notSent };
      }
    }
    return { done, unreached: [], notSent: run.notSent };
  }

  /**
   * Records a failed call; answers whether the lane must stop (anything but a call given up).
   * `notSent`: nothing of this delivery reached the platform before this call.
   */
  private async failed(row: ChatDelivery, action: ChatAction, error: unknown, notSent: boolean): Promise<boolean> {
    const chat = this.db.chat;
    const nowMs = this.options.clock.now().getTime();
    const attempts = row.attempts + 1;
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof ChatError && error.reason === 'rate_limited') {
      const until = nowMs + (error.retryAfterMs ?? 1000);
      this.paused.set(action.op, Math.max(until, this.paused.get(action.op) ?? 0));
      await chat.retryLater(row.id, row.attempts, new Date(until).toISOString(), message, notSent);
      return true;
    }
    if (error instanceof ChatError && error.reason === 'refused' && attempts >= (this.options.maxRefusals ?? 5)) {
      this.options.log?.warn({ delivery: row.id, error: message }, 'chat call refused; given up');
      await chat.markFailed(row.id, attempts, message);
      return false;
    }
    const backoff = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(row.attempts, 10));
    // A refusal did nothing; anything else (a timeout, a dropped connection, a 5xx) may have.
    const refused = error instanceof ChatError && error.reason === 'refused';
    await chat.retryLater(row.id, attempts, new Date(nowMs + backoff).toISOString(), message, notSent && refused);
    return true;
  }

  private async room(incident: number): Promise<string> {
    const known = this.rooms.get(incident);
    if (known) return known;
    const row = await this.db.chat.room(incident);
    if (!row) throw new ChatError('refused', `no room for incident ${incident} yet`, 'no_room');
    this.rooms.set(incident, row.room);
    return row.room;
  }

  /**
   * Posts `message` once: a post that may already have gone out (its delivery uncertain) is
   * looked for in `target` by its mark first, and taken as sent if found.
   */
  private async postOnce(row: ChatDelivery, target: string, message: ChatMessage, run: Run): Promise<{ message: string; mark: string }> {
    const mark = markOf(row, message);
    if (!run.notSent.has(row.id)) {
      const marks = run.marks.get(target) ?? run.marks.set(target, this.port.marks(target, run.since)).get(target)!;
      // A failed read is not kept: the next uncertain post in this room reads again.
      const found = (await marks.catch((error: unknown) => {
        run.marks.delete(target);
        throw error;
      })).get(mark);
      if (found) return { message: found, mark };
      run.notSent.add(row.id);
    }
    const posted = await this.port.post(target, { ...message, mark });
    return { message: posted.message, mark };
  }

  /** Platform steps are queued only with a platform; the guard is for rows left from a deployment that had one. */
  private get port(): ChatPort {
    if (!this.options.chat) throw new ChatError('refused', 'no chat platform is configured', 'no_platform');
    return this.options.chat;
  }

  private async send(row: ChatDelivery, action: ChatAction, run: Run): Promise<void> {
    // Posted again if its outcome was lost: a webhook gives no way to look for an earlier post.
    if (action.op === 'teams_card') return sendTeamsCard(this.options.teams ?? null, action);
    const chat = this.port;
    const store = this.db.chat;
    switch (action.op) {
      case 'create_room': {
        if (await store.room(row.incident)) return;
        const { room } = await chat.createRoom(action.name, { private: action.private });
        await store.saveRoom(row.incident, room, this.now());
        this.rooms.set(row.incident, room);
        return;
      }
      case 'invite': {
        const users = await this.users(action.people);
        if (users.length) await chat.invite(await this.room(row.incident), users);
        return;
      }
      case 'post': {
        const room = await this.room(row.incident);
        const target = action.to === 'room' ? room : action.to === 'announce' ? this.options.settings.announceChannel : this.options.settings.leadershipChannel;
        if (!target) return;
        const message = action.to === 'room' ? action.message : withRoomLink(action.message, `<#${room}>`);
        const posted = await this.postOnce(row, target, message, run);
        if (action.pin) {
          await store.saveAnnouncement(row.incident, posted.message, posted.mark);
          await chat.pin(room, posted.message);
        }
        return;
      }
      case 'set_topic':
        return chat.setTopic(await this.room(row.incident), action.topic);
      case 'edit_announcement': {
        const room = await store.room(row.incident);
        // The announcement was given up: there is nothing to edit.
        if (!room?.announcement) return;
        return chat.edit(room.room, room.announcement, { ...action.message, ...(room.announcementMark ? { mark: room.announcementMark } : {}) });
      }
      case 'dm': {
        const [user] = await this.users([action.person]);
        if (user) await this.postOnce(row, (await chat.directRoom(user)).room, action.message, run);
        return;
      }
      case 'archive':
        return chat.archive(await this.room(row.incident));
    }
  }

  /** Platform users of these people: their own chat id, one remembered, or found by e-mail (and remembered). */
  private async users(handles: string[]): Promise<string[]> {
    const { platform } = this.options;
    if (!platform) return [];
    const chat = this.port;
    const store = this.db;
    const ids = await store.chat.userIds(platform);
    const users: string[] = [];
    for (const handle of handles) {
      let id = ids.get(handle);
      if (!id) {
        const email = (await store.people.get(handle))?.email;
        const found = email ? await chat.userByEmail(email) : null;
        if (found) {
          id = found.id;
          await store.chat.rememberUser(platform, found.id, handle, this.now());
        }
      }
      if (id) users.push(id);
    }
    return users;
  }
}

/**
 * The mark a delivery's message is posted with: its event and step, and a digest of its text,
 * so that another installation posting into the same channel never shares one.
 */
function markOf(row: ChatDelivery, message: ChatMessage): string {
  return `ic.${row.eventId}.${row.step}.${createHash('sha256').update(message.text).digest('hex').slice(0, 12)}`;
}

function opOf(row: ChatDelivery): string {
  return (JSON.parse(row.action) as ChatAction).op;
}

function withRoomLink(message: ChatMessage, link: string): ChatMessage {
  const replace = (text: string) => text.split(ROOM_LINK).join(link);
  return { text: replace(message.text), ...(message.blocks ? { blocks: JSON.parse(replace(JSON.stringify(message.blocks))) as unknown[] } : {}) };
}
