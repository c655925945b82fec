/**
 * A local fake of Slack's Web API for tests and the bench. Every call is checked against
 * Slack's published OpenAPI description of the methods the app uses
 * (test/fixtures/slack/web-api-methods.json, MIT, from slackapi/slack-api-specs): an
 * unknown method or a missing required argument is a violation the test fails on. It
 * records the calls and each channel's messages, answers after `delayMs`, and can answer
 * 429 with Retry-After or go down (503) on demand.
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
  messages: { ts: string; text: string; user?: string; blocks?: unknown[] }[];
}

export class FakeSlack {
  readonly calls: SlackCall[] = [];
  readonly violations: string[] = [];
  readonly channels = new Map<string, FakeChannel>();
  readonly ephemerals: { channel: string; user: string; text: string }[] = [];
  readonly views: unknown[] = [];
  /** Users the fake knows: id → e-mail. */
  readonly users = new Map<string, string>();
  delayMs = 0;
  /** Answer 503 to everything. */
  down = false;
  private limited = new Map<string, { count: number; retryAfterS: number }>();
  private seq = 0;
  private server: Server | null = null;
  url = '';
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
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/`;
    return this.url;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
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
    if (this.down) return { status: 503, body: { ok: false, error: 'service_unavailable' } };
    const limit = this.limited.get(method);
    if (limit && limit.count > 0) {
      limit.count--;
      return { status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': String(limit.retryAfterS) } };
    }
    this.calls.push({ method, args, at: Date.now() });
    if (!this.check(method, args, req.headers.authorization)) return { status: 200, body: { ok: false, error: 'unknown_method' } };
    return { status: 200, body: this.answer(method, args) };
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
        for (const user of String(args.users).split(',')) if (!channel.members.includes(user)) channel.members.push(user);
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
        channel.messages.push({ ts, text: String(args.text ?? ''), ...(blocks ? { blocks } : {}) });
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
        const channel = this.channel(args.channel);
        if (!channel) return fail('channel_not_found');
        const latest = String(args.latest ?? '9999999999');
        const messages = channel.messages.filter((m) => m.ts <= latest).reverse().slice(0, Number(args.limit ?? 100));
        return { ok: true, messages: messages.map((m) => ({ type: 'message', ts: m.ts, text: m.text, ...(m.user ? { user: m.user } : {}) })) };
      }
      case 'chat.postEphemeral':
        this.ephemerals.push({ channel: String(args.channel), user: String(args.user), text: String(args.text ?? '') });
        return { ok: true, message_ts: `${Date.now() / 1000}` };
      case 'views.open':
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
