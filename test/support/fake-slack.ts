/**
 * A local fake of Slack's Web API for tests and the bench. Every call is checked against
 * Slack's published OpenAPI description of the methods the app uses
 * (test/fixtures/slack/web-api-methods.json, MIT, from slackapi/slack-api-specs): an
 * unknown method or a missing required argument is a violation the test fails on. It
 * records the calls and each channel's messages, answers after `delayMs`, and can answer
 * 429 with Retry-After or go down (503) on demand. It also hands out `response_url`s and
 * records what is posted to them (Slack's answer addresses: 30 minutes, 5 answers each).
 * `hold` lets a test stop the world at one call: Slack has done what was asked, and the
 * answer never leaves (the moment a crash makes the outcome unknown to the caller).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
}

const SPEC = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/slack/web-api-methods.json'), 'utf8')) as {
  paths: Record<string, Record<string, { parameters?: Parameter[] }>>;
};

export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
  at: number;
}

export interface FakeChannel {
  id: string;
  name: string;
  isPrivate: boolean;
  topic: string;
  members: string[];
  pins: string[];
  archived: boolean;
  messages: { ts: string; text: string; user?: string; botId?: string; blocks?: unknown[]; edits?: number }[];
}

/** The app's bot, as Slack names the author of what the app posts. */
export const FAKE_BOT_ID = 'B0INCIDENT';

export class FakeSlack {
  readonly calls: SlackCall[] = [];
  readonly violations: string[] = [];
  readonly channels = new Map<string, FakeChannel>();
  /** What only one person sees, by chat.postEphemeral or through a response_url. */
  readonly ephemerals: { channel: string; user: string; text: string; via: 'chat.postEphemeral' | 'response_url' }[] = [];
  /** response_url answers per address (by number); an address answers 404 once used up or lapsed. */
  private readonly answerAddresses = new Map<number, { user: string; channel: string; left: number; until: number }>();
  /** views.open answers expired_trigger_id (the work came later than Slack's 3 s). */
  triggersExpired = false;
  readonly views: unknown[] = [];
  /** Users the fake knows: id → e-mail. */
  readonly users = new Map<string, string>();
  delayMs = 0;
  /** Answer 503 to everything. */
  down = false;
  /** How many calls were answered 503 while down. */
  downAnswers = 0;
  private limited = new Map<string, { count: number; retryAfterS: number }>();
  private seq = 0;
  private server: Server | null = null;
  url = '';
  /** Answers true for a call that is done but never answered; `held` then resolves with it. */
  hold: ((method: string, args: Record<string, unknown>) => boolean) | null = null;
  private holding: ((call: SlackCall) => void) | null = null;
  readonly held = new Promise<SlackCall>((resolve) => (this.holding = resolve));
  /** Called for every call that reached a channel (the bench's arrival times). */
  onMessage: ((channel: string, text: string) => void) | null = null;

  /** The next `count` calls of `method` are answered 429 with Retry-After. */
  rateLimit(method: string, count: number, retryAfterS = 1): void {
    this.limited.set(method, { count, retryAfterS });
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(
        ({ status, body, headers }) => {
          res.writeHead(status, { 'content-type': 'application/json', ...headers });
          res.end(JSON.stringify(body));
        },
        (error: unknown) => {
          res.writeHead(500);
          res.end(String(error));
        },
      );
    });
    // Slack keeps connections open far longer than Node's 5 s; a shorter wait races a busy client reusing one (ECONNRESET).
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/`;
    return this.url;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** A response_url for a request `user` made in `channel`, as Slack puts in the payload. */
  responseUrl(user: string, channel: string, lifetimeMs = 30 * 60_000): string {
    const id = ++this.seq;
    this.answerAddresses.set(id, { user, channel, left: 5, until: Date.now() + lifetimeMs });
    return this.url.replace(/api\/$/, `commands/${id}`);
  }

  channelByName(name: string): FakeChannel | undefined {
    return [...this.channels.values()].find((c) => c.name === name);
  }

  /** The text of each message posted to a channel (by id or name), in order. */
  texts(channel: string): string[] {
    const found = this.channels.get(channel) ?? this.channelByName(channel.replace(/^#/, ''));
    return found?.messages.map((m) => m.text) ?? [];
  }

  /** A person's own message in a channel (what the Scribe captures); answers its ts. */
  userMessage(channel: string, user: string, text: string, at = Date.now()): string {
    const found = this.channel(channel)!;
    const ts = `${Math.floor(at / 1000)}.${String(++this.seq).padStart(6, '0')}`;
    found.messages.push({ ts, text, user });
    return ts;
  }

  private async body(req: IncomingMessage): Promise<Record<string, unknown>> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    const args: Record<string, unknown> = Object.fromEntries(url.searchParams);
    if ((req.headers['content-type'] ?? '').includes('application/json')) Object.assign(args, raw ? JSON.parse(raw) : {});
    else for (const [k, v] of new URLSearchParams(raw)) args[k] = v;
    return args;
  }

  private check(method: string, args: Record<string, unknown>, auth: string | undefined): boolean {
    const path = SPEC.paths[`/${method}`];
    if (!path) {
      this.violations.push(`unknown method ${method}`);
      return false;
    }
    const operation = Object.values(path)[0]!;
    if (!auth?.startsWith('Bearer ') && !args.token) this.violations.push(`${method}: no token`);
    for (const p of operation.parameters ?? []) {
      if (p.required && p.name !== 'token' && (args[p.name] === undefined || args[p.name] === '')) this.violations.push(`${method}: missing required ${p.name}`);
    }
    const known = new Set((operation.parameters ?? []).map((p) => p.name));
    for (const name of Object.keys(args)) if (!known.has(name) && name !== 'token') this.violations.push(`${method}: unknown argument ${name}`);
    return true;
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body: unknown; headers?: Record<string, string> }> {
    const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0]!;
    const args = await this.body(req);
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.down) {
      this.downAnswers++;
      return { status: 503, body: { ok: false, error: 'service_unavailable' } };
    }
    const answering = /^\/commands\/(\d+)$/.exec(req.url ?? '');
    if (answering) return this.holdOr('response_url', args, this.answerThrough(Number(answering[1]), args));
    const limit = this.limited.get(method);
    if (limit && limit.count > 0) {
      limit.count--;
      return { status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': String(limit.retryAfterS) } };
    }
    this.calls.push({ method, args, at: Date.now() });
    if (!this.check(method, args, req.headers.authorization)) return { status: 200, body: { ok: false, error: 'unknown_method' } };
    return this.holdOr(method, args, { status: 200, body: this.answer(method, args) });
  }

  /** The answer to a call already done, unless `hold` keeps it back (for ever). */
  private holdOr<T>(method: string, args: Record<string, unknown>, answer: T): T | Promise<never> {
    if (!this.hold?.(method, args)) return answer;
    this.hold = null;
    this.holding?.({ method, args, at: Date.now() });
    return new Promise<never>(() => undefined);
  }

  private answerThrough(id: number, args: Record<string, unknown>): { status: number; body: unknown } {
    const address = this.answerAddresses.get(id);
    if (!address || address.left <= 0 || address.until < Date.now()) return { status: 404, body: { ok: false, error: 'expired_url' } };
    address.left--;
    if (typeof args.text !== 'string' || !args.text) this.violations.push('response_url: no text');
    if (args.response_type !== 'ephemeral') this.violations.push(`response_url: response_type ${String(args.response_type)}, not ephemeral`);
    this.ephemerals.push({ channel: address.channel, user: address.user, text: String(args.text ?? ''), via: 'response_url' });
    return { status: 200, body: { ok: true } };
  }

  private channel(id: unknown): FakeChannel | null {
    const text = String(id ?? '');
    return this.channels.get(text) ?? this.channelByName(text.replace(/^#/, '')) ?? null;
  }

  private answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    const fail = (error: string) => ({ ok: false, error });
    switch (method) {
      case 'conversations.create': {
        const name = String(args.name);
        if (this.channelByName(name)) return fail('name_taken');
        const id = `C${String(++this.seq).padStart(8, '0')}`;
        const isPrivate = args.is_private === true || args.is_private === 'true';
        this.channels.set(id, { id, name, isPrivate, topic: '', members: [], pins: [], archived: false, messages: [] });
        return { ok: true, channel: { id, name, is_private: isPrivate } };
      }
      case 'conversations.invite': {
        const channel = this.channel(args.channel);
        if (!channel) return fail('channel_not_found');
        const users = String(args.users).split(',');
        // Slack refuses the whole call when anyone asked is a member already.
        if (users.some((u) => channel.members.includes(u))) return fail('already_in_channel');
        channel.members.push(...users);
        return { ok: true, channel: { id: channel.id } };
      }
      case 'chat.postMessage': {
        const name = String(args.channel);
        let channel = this.channel(name);
        // Shared channels the app was added to (announce, leadership) exist from the start here.
        if (!channel && !/^[CGD][A-Z0-9]{8}$/.test(name)) {
          const id = `C${String(++this.seq).padStart(8, '0')}`;
          channel = { id, name: name.replace(/^#/, ''), isPrivate: false, topic: '', members: [], pins: [], archived: false, messages: [] };
          this.channels.set(id, channel);
        }
        if (!channel) return fail('channel_not_found');
        if (channel.archived) return fail('is_archived');
        const ts = `${Math.floor(Date.now() / 1000)}.${String(++this.seq).padStart(6, '0')}`;
        const blocks = typeof args.blocks === 'string' ? (JSON.parse(args.blocks) as unknown[]) : (args.blocks as unknown[] | undefined);
        channel.messages.push({ ts, text: String(args.text ?? ''), botId: FAKE_BOT_ID, ...(blocks ? { blocks } : {}) });
        this.onMessage?.(channel.id, String(args.text ?? ''));
        return { ok: true, channel: channel.id, ts };
      }
      case 'pins.add': {
        const channel = this.channel(args.channel);
        if (!channel) return fail('channel_not_found');
        if (channel.pins.includes(String(args.timestamp))) return fail('already_pinned');
        channel.pins.push(String(args.timestamp));
        return { ok: true };
      }
      case 'conversations.setTopic': {
        const channel = this.channel(args.channel);
        if (!channel) return fail('channel_not_found');
        channel.topic = String(args.topic);
        return { ok: true, channel: { id: channel.id, topic: { value: channel.topic } } };
      }
      case 'conversations.archive': {
        const channel = this.channel(args.channel);
        if (!channel) return fail('channel_not_found');
        if (channel.archived) return fail('already_archived');
        channel.archived = true;
        return { ok: true };
      }
      case 'conversations.open': {
        const user = String(args.users);
        const id = `D${user.slice(1).padEnd(8, '0').slice(0, 8)}`;
        if (!this.channels.has(id)) this.channels.set(id, { id, name: `dm-${user}`, isPrivate: true, topic: '', members: [user], pins: [], archived: false, messages: [] });
        return { ok: true, channel: { id } };
      }
      case 'conversations.history': {
        // Slack takes ids here, not names.
        const channel = this.channels.get(String(args.channel));
        if (!channel) return fail('channel_not_found');
        const inclusive = args.inclusive === true || args.inclusive === 'true';
        const after = (ts: string, bound: unknown) => bound === undefined || (inclusive ? Number(ts) >= Number(bound) : Number(ts) > Number(bound));
        const before = (ts: string, bound: unknown) => bound === undefined || (inclusive ? Number(ts) <= Number(bound) : Number(ts) < Number(bound));
        const limit = Number(args.limit ?? 100);
        const inRange = channel.messages.filter((m) => after(m.ts, args.oldest) && before(m.ts, args.latest)).reverse();
        const messages = inRange.slice(0, limit).map((m) => ({
          type: 'message',
          ts: m.ts,
          text: m.text,
          ...(m.user ? { user: m.user } : {}),
          ...(m.botId ? { bot_id: m.botId } : {}),
          ...(m.blocks ? { blocks: m.blocks } : {}),
        }));
        return { ok: true, messages, has_more: inRange.length > limit, pin_count: channel.pins.length, channel_actions_ts: null, channel_actions_count: 0 };
      }
      case 'conversations.list': {
        const types = String(args.types ?? 'public_channel').split(',');
        const all = [...this.channels.values()].filter(
          (c) => !c.id.startsWith('D') && types.includes(c.isPrivate ? 'private_channel' : 'public_channel') && !(c.archived && (args.exclude_archived === true || args.exclude_archived === 'true')),
        );
        const from = Number(args.cursor ?? 0);
        const limit = Number(args.limit ?? 100);
        const page = all.slice(from, from + limit);
        return {
          ok: true,
          channels: page.map((c) => ({ id: c.id, name: c.name, is_private: c.isPrivate, is_archived: c.archived, is_member: true })),
          response_metadata: { next_cursor: from + limit < all.length ? String(from + limit) : '' },
        };
      }
      case 'chat.update': {
        const channel = this.channels.get(String(args.channel));
        if (!channel) return fail('channel_not_found');
        const message = channel.messages.find((m) => m.ts === String(args.ts));
        if (!message) return fail('message_not_found');
        if (!message.botId) return fail('cant_update_message');
        message.text = String(args.text ?? '');
        const blocks = typeof args.blocks === 'string' ? (JSON.parse(args.blocks) as unknown[]) : (args.blocks as unknown[] | undefined);
        if (blocks) message.blocks = blocks;
        else delete message.blocks;
        message.edits = (message.edits ?? 0) + 1;
        return { ok: true, channel: channel.id, ts: message.ts, text: message.text };
      }
      case 'chat.postEphemeral':
        this.ephemerals.push({ channel: String(args.channel), user: String(args.user), text: String(args.text ?? ''), via: 'chat.postEphemeral' });
        return { ok: true, message_ts: `${Date.now() / 1000}` };
      case 'views.open':
        if (this.triggersExpired) return fail('expired_trigger_id');
        this.views.push(typeof args.view === 'string' ? JSON.parse(args.view) : args.view);
        return { ok: true, view: { id: `V${++this.seq}` } };
      case 'users.info': {
        const email = this.users.get(String(args.user));
        return email === undefined ? fail('user_not_found') : { ok: true, user: { id: args.user, profile: { email } } };
      }
      case 'users.lookupByEmail': {
        const id = [...this.users].find(([, email]) => email === args.email)?.[0];
        return id ? { ok: true, user: { id, profile: { email: args.email } } } : fail('users_not_found');
      }
      default:
        return fail('not_faked');
    }
  }
}
