/**
 * A local fake of Mattermost's REST API v4 (the paths the adapter uses), for tests. Each call
 * is checked against Mattermost's API reference (api.mattermost.com): the path and method,
 * the bearer token, and the body's required fields (POST /channels: team_id, name,
 * display_name, type; POST /posts: channel_id, message; POST /channels/{id}/members:
 * user_id; POST /posts/ephemeral: user_id and post.channel_id, post.message; POST
 * /channels/direct: two user ids; POST /actions/dialogs/open: trigger_id, url, dialog.title of at
 * most 24 characters and dialog.elements, each with display_name (at most 24), name and a known
 * type; a post's attachment actions with id, name and integration.url). A call that breaks them is a violation the test fails on.
 * The bot's WebSocket (/api/v4/websocket) answers the authentication challenge and pings, says
 * hello, and sends `reaction_added` events in sequence; `dropSockets` cuts every connection.
 * Errors are answered as Mattermost does: JSON with `id` and `status_code`; a rate limit as
 * its limiter does, 429 in plain text with Retry-After; `down` as a proxy would, 502 in HTML.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface MattermostCall {
  method: string;
  /** The route as the reference names it (`POST /channels/{channel_id}/members`). */
  route: string;
  body: unknown;
}

export interface FakePost {
  id: string;
  channel_id: string;
  user_id: string;
  message: string;
  props: Record<string, unknown>;
  is_pinned: boolean;
  create_at: number;
  update_at: number;
  has_reactions?: boolean;
  metadata?: { reactions?: FakeReaction[] };
}

export interface FakeReaction {
  user_id: string;
  post_id: string;
  emoji_name: string;
  create_at: number;
}

export interface FakeMattermostChannel {
  id: string;
  team_id: string;
  name: string;
  display_name: string;
  type: 'O' | 'P' | 'D';
  header: string;
  creator_id: string;
  delete_at: number;
  members: string[];
  posts: FakePost[];
}

interface Answer {
  status: number;
  body: unknown;
  type?: string;
  headers?: Record<string, string>;
}

type Handler = (params: string[], body: Record<string, unknown>, query: URLSearchParams) => Answer;

const id = () => randomBytes(13).toString('hex');
const error = (status: number, errorId: string, message = errorId): Answer => ({ status, body: { id: errorId, message, detailed_error: '', request_id: id(), status_code: status } });
const CHANNEL_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export class FakeMattermost {
  readonly token = 'mm-bot-token';
  readonly calls: MattermostCall[] = [];
  readonly violations: string[] = [];
  readonly team = { id: id(), name: 'acme', display_name: 'Acme' };
  readonly bot = { id: id(), username: 'incident-bot', email: 'incident-bot@localhost' };
  readonly users = new Map<string, { id: string; username: string; email: string }>([[this.bot.id, this.bot]]);
  readonly channels = new Map<string, FakeMattermostChannel>();
  readonly posts = new Map<string, FakePost>();
  readonly ephemerals: { user: string; channel: string; message: string }[] = [];
  /** What was answered through a slash command's response_url. */
  readonly responses: { user: string; channel: string; text: string; responseType: string }[] = [];
  private readonly answerAddresses = new Map<number, { user: string; channel: string }>();
  /** The dialogs opened (POST /actions/dialogs/open bodies), in order. */
  readonly dialogs: { trigger_id: string; url: string; dialog: { callback_id: string; title: string; state: string; elements: Record<string, unknown>[] } }[] = [];
  private sockets = new Set<WebSocket>();
  private websockets: WebSocketServer | null = null;
  /** WebSocket connections that authenticated, in all. */
  connections = 0;
  /** Answer 502 (an HTML page from the proxy in front) to everything. */
  down = false;
  /** Do the next call of this route, then answer 502 as if the connection dropped on the way back. */
  loseAnswerOf: string | null = null;
  private readonly limited = new Map<string, { count: number; retryAfterS: number }>();
  private readonly routes: [method: string, pattern: RegExp, route: string, handler: Handler][];
  private server: Server | null = null;
  url = '';

  constructor() {
    this.routes = [
      ['GET', /^\/users\/me$/, 'GET /users/me', () => ({ status: 200, body: this.bot })],
      ['GET', /^\/users\/email\/([^/]+)$/, 'GET /users/email/{email}', ([email]) => this.found([...this.users.values()].find((u) => u.email === decodeURIComponent(email!)), 'app.user.missing_account.const')],
      ['GET', /^\/users\/([a-z0-9]{26})$/, 'GET /users/{user_id}', ([user]) => this.found(this.users.get(user!), 'app.user.missing_account.const')],
      ['GET', /^\/teams\/name\/([^/]+)$/, 'GET /teams/name/{name}', ([name]) => this.found(name === this.team.name ? this.team : undefined, 'app.team.get_by_name.missing.app_error')],
      ['POST', /^\/channels$/, 'POST /channels', (_, body) => this.createChannel(body)],
      ['POST', /^\/channels\/direct$/, 'POST /channels/direct', (_, body) => this.direct(body)],
      ['GET', /^\/channels\/([a-z0-9]{26})$/, 'GET /channels/{channel_id}', ([channel]) => this.found(this.view(channel!), 'app.channel.get.existing.app_error')],
      ['GET', /^\/teams\/([a-z0-9]{26})\/channels\/name\/([^/]+)$/, 'GET /teams/{team_id}/channels/name/{channel_name}', ([team, name]) =>
        this.found(this.view([...this.channels.values()].find((c) => c.team_id === team && c.name === name && !c.delete_at)?.id ?? ''), 'app.channel.get_by_name.missing.app_error')],
      ['POST', /^\/channels\/([a-z0-9]{26})\/members$/, 'POST /channels/{channel_id}/members', ([channel], body) => this.addMember(channel!, body)],
      ['PUT', /^\/channels\/([a-z0-9]{26})\/patch$/, 'PUT /channels/{channel_id}/patch', ([channel], body) => this.patchChannel(channel!, body)],
      ['DELETE', /^\/channels\/([a-z0-9]{26})$/, 'DELETE /channels/{channel_id}', ([channel]) => this.deleteChannel(channel!)],
      ['GET', /^\/channels\/([a-z0-9]{26})\/posts$/, 'GET /channels/{channel_id}/posts', ([channel], _, query) => this.postsSince(channel!, Number(query.get('since') ?? 0))],
      ['POST', /^\/posts$/, 'POST /posts', (_, body) => this.createPost(body)],
      ['POST', /^\/posts\/ephemeral$/, 'POST /posts/ephemeral', (_, body) => this.ephemeral(body)],
      ['GET', /^\/posts\/([a-z0-9]{26})$/, 'GET /posts/{post_id}', ([post]) => this.found(this.posts.get(post!), 'app.post.get.app_error')],
      ['PUT', /^\/posts\/([a-z0-9]{26})\/patch$/, 'PUT /posts/{post_id}/patch', ([post], body) => this.patchPost(post!, body)],
      ['POST', /^\/posts\/([a-z0-9]{26})\/pin$/, 'POST /posts/{post_id}/pin', ([post]) => this.pin(post!)],
      ['GET', /^\/posts\/([a-z0-9]{26})\/reactions$/, 'GET /posts/{post_id}/reactions', ([post]) => this.found(this.posts.get(post!) && (this.posts.get(post!)!.metadata?.reactions ?? []), 'app.post.get.app_error')],
      ['POST', /^\/actions\/dialogs\/open$/, 'POST /actions/dialogs/open', (_, body) => this.openDialog(body)],
    ];
  }

  /** A person on the server; answers their id. */
  addUser(username: string, email: string): string {
    const user = { id: id(), username, email };
    this.users.set(user.id, user);
    return user.id;
  }

  /** A slash command's response_url for `user` in `channel`, as Mattermost puts in the request. */
  responseUrl(user: string, channel: string): string {
    const n = this.answerAddresses.size + 1;
    this.answerAddresses.set(n, { user, channel });
    return `${this.url}/hooks/commands/${n}`;
  }

  /** A channel someone else made in the team (the announce channel). */
  addChannel(name: string): FakeMattermostChannel {
    const channel: FakeMattermostChannel = { id: id(), team_id: this.team.id, name, display_name: name, type: 'O', header: '', creator_id: '', delete_at: 0, members: [], posts: [] };
    this.channels.set(channel.id, channel);
    return channel;
  }

  /** The next `count` calls of `route` (as in `calls`) are answered 429 with Retry-After. */
  rateLimit(route: string, count: number, retryAfterS = 1): void {
    this.limited.set(route, { count, retryAfterS });
  }

  channelByName(name: string): FakeMattermostChannel | undefined {
    return [...this.channels.values()].find((c) => c.name === name);
  }

  /** The messages posted to a channel (by name or id), in order. */
  texts(channel: string): string[] {
    return (this.channels.get(channel) ?? this.channelByName(channel))?.posts.map((p) => p.message) ?? [];
  }

  /** Someone (not the bot) says something in a channel, at `at` (ms); answers the post's id. */
  userPost(channel: string, user: string, message: string, at = Date.now()): string {
    const room = this.channels.get(channel) ?? this.channelByName(channel)!;
    const post: FakePost = { id: id(), channel_id: room.id, user_id: user, message, props: {}, is_pinned: false, create_at: at, update_at: at };
    room.posts.push(post);
    this.posts.set(post.id, post);
    return post.id;
  }

  /** `user` reacts to a post: kept on the post (its update_at moves, as Mattermost's does) and sent to every open socket. */
  react(postId: string, user: string, emoji: string, at = Date.now()): void {
    const post = this.posts.get(postId)!;
    const reaction: FakeReaction = { user_id: user, post_id: postId, emoji_name: emoji, create_at: at };
    post.metadata = { reactions: [...(post.metadata?.reactions ?? []), reaction] };
    post.has_reactions = true;
    post.update_at = Math.max(post.update_at, at);
    for (const socket of this.sockets) this.send(socket, 'reaction_added', { reaction: JSON.stringify(reaction) }, { channel_id: post.channel_id });
  }

  /** Cuts every WebSocket connection, as a restart of Mattermost or a proxy's timeout would. */
  dropSockets(): void {
    for (const socket of this.sockets) socket.terminate();
    this.sockets.clear();
  }

  private readonly sequence = new WeakMap<WebSocket, number>();
  private send(socket: WebSocket, event: string, data: unknown, broadcast: Record<string, string> = {}): void {
    const seq = this.sequence.get(socket) ?? 0;
    this.sequence.set(socket, seq + 1);
    socket.send(JSON.stringify({ event, data, broadcast: { omit_users: null, user_id: '', channel_id: '', team_id: '', ...broadcast }, seq }));
  }

  private socket(socket: WebSocket): void {
    socket.on('message', (raw: Buffer) => {
      const message = JSON.parse(raw.toString('utf8')) as { seq?: number; action?: string; data?: { token?: string } };
      if (typeof message.seq !== 'number' || !message.action) return void this.violations.push('websocket: a message without seq or action');
      if (message.action === 'authentication_challenge') {
        if (message.data?.token !== this.token) {
          this.violations.push('websocket: wrong token');
          return void socket.close(4001);
        }
        this.connections++;
        this.sockets.add(socket);
        socket.send(JSON.stringify({ status: 'OK', seq_reply: message.seq }));
        return this.send(socket, 'hello', { connection_id: id(), server_version: '10.5.0' }, { user_id: this.bot.id });
      }
      socket.send(JSON.stringify({ status: 'OK', seq_reply: message.seq, ...(message.action === 'ping' ? { data: { text: 'pong' } } : {}) }));
    });
    socket.on('close', () => this.sockets.delete(socket));
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(
        ({ status, body, type, headers }) => {
          res.writeHead(status, { 'content-type': type ?? 'application/json', ...headers });
          res.end(typeof body === 'string' ? body : JSON.stringify(body));
        },
        (failure: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(String(failure));
        },
      );
    });
    this.websockets = new WebSocketServer({ server: this.server, path: '/api/v4/websocket' });
    this.websockets.on('connection', (socket) => this.socket(socket));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async close(): Promise<void> {
    this.dropSockets();
    this.websockets?.close();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage): Promise<Answer> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    if (this.down) return { status: 502, type: 'text/html', body: '<html><body><h1>502 Bad Gateway</h1></body></html>' };
    const answering = /^\/hooks\/commands\/(\d+)$/.exec(url.pathname);
    if (answering && req.method === 'POST') return this.answerThrough(Number(answering[1]), raw);
    if (!url.pathname.startsWith('/api/v4/')) {
      this.violations.push(`not under /api/v4: ${req.method} ${url.pathname}`);
      return error(404, 'api.context.404.app_error');
    }
    const path = url.pathname.slice('/api/v4'.length);
    const found = this.routes.map(([method, pattern, route, handler]) => ({ method, match: pattern.exec(path), route, handler })).find((r) => r.method === req.method && r.match);
    if (!found) {
      this.violations.push(`not in the API reference: ${req.method} ${path}`);
      return error(404, 'api.context.404.app_error');
    }
    // Mattermost reads the scheme in any case (Client4 sends "BEARER").
    if (!/^bearer /i.test(req.headers.authorization ?? '') || req.headers.authorization!.slice(7) !== this.token) {
      this.violations.push(`${found.route}: no bot token`);
      return error(401, 'api.context.session_expired.app_error');
    }
    const limit = this.limited.get(found.route);
    if (limit && limit.count > 0) {
      limit.count--;
      // Mattermost's rate limiter answers in plain text, not its JSON errors.
      return { status: 429, type: 'text/plain; charset=utf-8', body: 'limit exceeded\n', headers: { 'retry-after': String(limit.retryAfterS), 'x-ratelimit-limit': '10', 'x-ratelimit-remaining': '0' } };
    }
    let body: unknown = {};
    try {
      body = raw ? JSON.parse(raw) : {};
    } catch {
      this.violations.push(`${found.route}: the body is not JSON`);
    }
    this.calls.push({ method: req.method!, route: found.route, body });
    const answer = found.handler(found.match!.slice(1), (body ?? {}) as Record<string, unknown>, url.searchParams);
    if (this.loseAnswerOf === found.route) {
      this.loseAnswerOf = null;
      return { status: 502, type: 'text/html', body: '<html><body><h1>502 Bad Gateway</h1></body></html>' };
    }
    return answer;
  }

  private answerThrough(n: number, raw: string): Answer {
    const address = this.answerAddresses.get(n);
    if (!address) return error(404, 'web.command_webhook.command.app_error');
    const body = JSON.parse(raw || '{}') as { text?: string; response_type?: string };
    if (!body.text) this.violations.push('response_url: no text');
    if (body.response_type !== 'ephemeral' && body.response_type !== 'in_channel') this.violations.push(`response_url: response_type ${String(body.response_type)}`);
    this.responses.push({ ...address, text: String(body.text ?? ''), responseType: String(body.response_type) });
    return { status: 200, body: { status: 'OK' } };
  }

  private require(route: string, body: Record<string, unknown>, fields: string[]): boolean {
    const missing = fields.filter((f) => typeof body[f] !== 'string' || body[f] === '');
    for (const f of missing) this.violations.push(`${route}: missing required ${f}`);
    return missing.length === 0;
  }

  private found(value: unknown, errorId: string): Answer {
    return value ? { status: 200, body: value } : error(404, errorId);
  }

  private view(channelId: string): Omit<FakeMattermostChannel, 'members' | 'posts'> | undefined {
    const channel = this.channels.get(channelId);
    if (!channel) return undefined;
    return { id: channel.id, team_id: channel.team_id, name: channel.name, display_name: channel.display_name, type: channel.type, header: channel.header, creator_id: channel.creator_id, delete_at: channel.delete_at };
  }

  private createChannel(body: Record<string, unknown>): Answer {
    if (!this.require('POST /channels', body, ['team_id', 'name', 'display_name', 'type'])) return error(400, 'api.context.invalid_body_param.app_error');
    const name = String(body.name);
    if (!CHANNEL_NAME.test(name)) this.violations.push(`POST /channels: invalid name ${name}`);
    if (String(body.display_name).length > 64) this.violations.push('POST /channels: display_name over 64');
    if (body.type !== 'O' && body.type !== 'P') this.violations.push(`POST /channels: type ${String(body.type)}`);
    if (body.team_id !== this.team.id) return error(403, 'api.context.permissions.app_error');
    if (this.channelByName(name)) return error(400, 'store.sql_channel.save_channel.exists.app_error', 'A channel with that name already exists on the same team.');
    const channel: FakeMattermostChannel = {
      id: id(),
      team_id: this.team.id,
      name,
      display_name: String(body.display_name),
      type: body.type as 'O' | 'P',
      header: String(body.header ?? ''),
      creator_id: this.bot.id,
      delete_at: 0,
      members: [this.bot.id],
      posts: [],
    };
    this.channels.set(channel.id, channel);
    return { status: 201, body: this.view(channel.id) };
  }

  private direct(body: unknown): Answer {
    if (!Array.isArray(body) || body.length !== 2 || !body.every((u) => typeof u === 'string')) {
      this.violations.push('POST /channels/direct: not an array of two user ids');
      return error(400, 'api.context.invalid_body_param.app_error');
    }
    const [a, b] = body as string[];
    if (!this.users.has(a!) || !this.users.has(b!)) return error(400, 'api.channel.create_direct_channel.invalid_user.app_error');
    const name = [a, b].sort().join('__');
    const existing = this.channelByName(name);
    if (existing) return { status: 201, body: this.view(existing.id) };
    const channel: FakeMattermostChannel = { id: id(), team_id: '', name, display_name: '', type: 'D', header: '', creator_id: '', delete_at: 0, members: [a!, b!], posts: [] };
    this.channels.set(channel.id, channel);
    return { status: 201, body: this.view(channel.id) };
  }

  private addMember(channelId: string, body: Record<string, unknown>): Answer {
    const channel = this.channels.get(channelId);
    if (!channel) return error(404, 'app.channel.get.existing.app_error');
    if (!this.require('POST /channels/{channel_id}/members', body, ['user_id'])) return error(400, 'api.context.invalid_body_param.app_error');
    const user = String(body.user_id);
    if (!this.users.has(user)) return error(400, 'app.user.missing_account.const');
    if (!channel.members.includes(user)) channel.members.push(user);
    return { status: 201, body: { channel_id: channelId, user_id: user } };
  }

  private patchChannel(channelId: string, body: Record<string, unknown>): Answer {
    const channel = this.channels.get(channelId);
    if (!channel) return error(404, 'app.channel.get.existing.app_error');
    const known = new Set(['name', 'display_name', 'purpose', 'header', 'group_constrained', 'banner_info']);
    for (const key of Object.keys(body)) if (!known.has(key)) this.violations.push(`PUT /channels/{channel_id}/patch: unknown field ${key}`);
    if (typeof body.header === 'string') {
      if (body.header.length > 1024) this.violations.push('PUT /channels/{channel_id}/patch: header over 1024');
      channel.header = body.header;
    }
    return { status: 200, body: this.view(channelId) };
  }

  private deleteChannel(channelId: string): Answer {
    const channel = this.channels.get(channelId);
    if (!channel) return error(404, 'app.channel.get.existing.app_error');
    if (channel.delete_at) return error(400, 'api.channel.delete_channel.deleted.app_error');
    channel.delete_at = Date.now();
    return { status: 200, body: { status: 'OK' } };
  }

  private postsSince(channelId: string, since: number): Answer {
    const channel = this.channels.get(channelId);
    if (!channel) return error(404, 'app.channel.get.existing.app_error');
    const posts = channel.posts.filter((p) => p.update_at >= since);
    return { status: 200, body: { order: posts.map((p) => p.id).reverse(), posts: Object.fromEntries(posts.map((p) => [p.id, p])) } };
  }

  private createPost(body: Record<string, unknown>): Answer {
    if (!this.require('POST /posts', body, ['channel_id', 'message'])) return error(400, 'api.context.invalid_body_param.app_error');
    const channel = this.channels.get(String(body.channel_id));
    if (!channel || channel.delete_at) return error(403, 'api.context.permissions.app_error');
    if (channel.type === 'P' && !channel.members.includes(this.bot.id)) return error(403, 'api.context.permissions.app_error');
    if (String(body.message).length > 16383) this.violations.push('POST /posts: message over 16383');
    const now = Date.now();
    const props = (body.props ?? {}) as Record<string, unknown>;
    this.checkActions(props);
    const post: FakePost = { id: id(), channel_id: channel.id, user_id: this.bot.id, message: String(body.message), props, is_pinned: false, create_at: now, update_at: now };
    channel.posts.push(post);
    this.posts.set(post.id, post);
    return { status: 201, body: post };
  }

  private openDialog(body: Record<string, unknown>): Answer {
    const route = 'POST /actions/dialogs/open';
    const dialog = (body.dialog ?? {}) as Record<string, unknown>;
    if (!this.require(route, body, ['trigger_id', 'url']) || !this.require(`${route} dialog`, dialog, ['title']) || !Array.isArray(dialog.elements))
      return error(400, 'api.context.invalid_body_param.app_error');
    if (String(dialog.title).length > 24) this.violations.push(`${route}: title over 24`);
    for (const element of dialog.elements as Record<string, unknown>[]) {
      this.require(`${route} element`, element, ['display_name', 'name', 'type']);
      if (String(element.display_name).length > 24) this.violations.push(`${route}: display_name over 24 (${String(element.display_name)})`);
      if (!['text', 'textarea', 'select', 'bool', 'radio'].includes(String(element.type))) this.violations.push(`${route}: element type ${String(element.type)}`);
      if (typeof element.help_text === 'string' && element.help_text.length > 150) this.violations.push(`${route}: help_text over 150`);
    }
    this.dialogs.push(body as (typeof this.dialogs)[number]);
    return { status: 200, body: { status: 'OK' } };
  }

  /** The attachments' actions of a post, checked as Mattermost reads them. */
  private checkActions(props: Record<string, unknown>): void {
    for (const attachment of (props.attachments ?? []) as { actions?: Record<string, unknown>[] }[])
      for (const action of attachment.actions ?? []) {
        if (typeof action.id !== 'string' || !/^[A-Za-z0-9]+$/.test(action.id)) this.violations.push(`POST /posts: action id ${String(action.id)}`);
        if (!action.name) this.violations.push('POST /posts: action without a name');
        if (typeof (action.integration as { url?: unknown } | undefined)?.url !== 'string') this.violations.push('POST /posts: action without integration.url');
      }
  }

  private ephemeral(body: Record<string, unknown>): Answer {
    const post = (body.post ?? {}) as Record<string, unknown>;
    const okUser = this.require('POST /posts/ephemeral', body, ['user_id']);
    const okPost = this.require('POST /posts/ephemeral post', post, ['channel_id', 'message']);
    if (!okUser || !okPost) return error(400, 'api.context.invalid_body_param.app_error');
    this.ephemerals.push({ user: String(body.user_id), channel: String(post.channel_id), message: String(post.message) });
    return { status: 201, body: { id: id(), ...post } };
  }

  private patchPost(postId: string, body: Record<string, unknown>): Answer {
    const post = this.posts.get(postId);
    if (!post) return error(404, 'app.post.get.app_error');
    // Client4 sends the post's id along; Mattermost ignores it.
    const known = new Set(['id', 'is_pinned', 'message', 'file_ids', 'has_reactions', 'props']);
    for (const key of Object.keys(body)) if (!known.has(key)) this.violations.push(`PUT /posts/{post_id}/patch: unknown field ${key}`);
    if (typeof body.message === 'string') post.message = body.message;
    post.update_at = Date.now();
    return { status: 200, body: post };
  }

  private pin(postId: string): Answer {
    const post = this.posts.get(postId);
    if (!post) return error(404, 'app.post.get.app_error');
    post.is_pinned = true;
    return { status: 200, body: { status: 'OK' } };
  }
}
