/**
 * The chat port over Mattermost's REST API v4, through the official client (@mattermost/client,
 * Client4). Like the Slack adapter it never retries: the delivery worker (src/processors/chat)
 * owns retrying.
 *
 * Client4 builds its errors from the answer's JSON body alone (`status_code`, `id`): an answer
 * that is not Mattermost's own JSON — its rate limiter's plain-text 429, a proxy's 502 page —
 * reaches the caller with no status and no Retry-After. So every request is made with Client4's
 * `ignoreStatus` and the answer's real status and headers are read here.
 */
// A CommonJS package: Node gives its exports to an ES module as the default import only.
import mattermostClient, { type Client4 } from '@mattermost/client';
import { ChatError, type ChatMessage, type ChatPort, type ChatUser } from '../port.js';
import { MAX_HEADER, messageMarkdown, namedIds, toMarkdown } from './markdown.js';
import { ActionSigner, attachmentsOf, dialogOf } from './interactive.js';
import { listen, type MattermostReaction, type SocketListener, type SocketOptions } from './socket.js';

export interface MattermostSettings {
  /** MATTERMOST_URL: the server's address (https://chat.example.com). */
  url: string;
  /** MATTERMOST_BOT_TOKEN: the bot account's access token. */
  token: string;
  /** MATTERMOST_TEAM: the team's name (as in its URL), where incident channels are made. */
  team: string;
  /**
   * Where Mattermost sends dialog submissions and button clicks: this server's POST
   * /mattermost/actions as Mattermost reaches it. Without it there are no dialogs and no buttons.
   */
  actionsUrl?: string | null;
}


/** A non-2xx answer, as Mattermost (or whatever stood in front of it) gave it. */
class MattermostHttpError extends Error {
  constructor(
    readonly status: number,
    /** Mattermost's error id (`store.sql_channel.save_channel.exists.app_error`, …), when it answered in JSON. */
    readonly id: string | null,
    readonly retryAfter: string | null,
    message: string,
  ) {
    super(message);
  }
}

type Fetch = (url: string, options: Record<string, unknown>) => Promise<{ response: Response; headers: Map<string, string>; data: unknown }>;

const TIMEOUT_MS = 10_000;
/** The error id of a channel name already taken in the team. */
const NAME_TAKEN = 'store.sql_channel.save_channel.exists.app_error';
/** Error ids that mean the call did what was asked, or nothing is left to do. */
const ALREADY_DONE = new Set(['api.channel.delete_channel.deleted.app_error']);

function translate(method: string, error: unknown): ChatError | null {
  if (error instanceof MattermostHttpError) {
    if (error.status === 429) {
      const seconds = Number(error.retryAfter);
      return new ChatError('rate_limited', `${method}: rate limited`, null, Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000);
    }
    if (error.status >= 500) return new ChatError('unavailable', `${method}: HTTP ${error.status}`);
    if (error.id && ALREADY_DONE.has(error.id)) return null;
    const code = error.id ?? `http_${error.status}`;
    return new ChatError('refused', `${method}: ${error.status} ${code}`, code);
  }
  // A dropped connection, a refused one, a timeout.
  return new ChatError('unavailable', `${method}: ${(error as Error).message}`);
}

/** Mattermost's ids: 26 lower-case letters and digits. Channel names may look alike; ours never do (they begin with the incident's id). */
const isId = (room: string) => /^[a-z0-9]{26}$/.test(room);

interface Post {
  id: string;
  user_id: string;
  message: string;
  create_at?: number;
  update_at?: number;
  has_reactions?: boolean;
  props?: Record<string, unknown>;
  metadata?: { reactions?: { user_id: string; post_id: string; emoji_name: string; create_at: number }[] };
}

export class MattermostChat implements ChatPort {
  private readonly client: Client4;
  /** Signs what dialogs and buttons carry; POST /mattermost/actions checks it. */
  readonly signer: ActionSigner;
  private teamId: string | null = null;
  private botId: string | null = null;
  /** Channel ids by name and names by id, usernames by id: once found (they seldom change, and only a link shows them). */
  private readonly channelIds = new Map<string, string>();
  private readonly channelNames = new Map<string, string>();
  private readonly usernames = new Map<string, string>();

  constructor(private readonly settings: MattermostSettings) {
    this.client = new mattermostClient.Client4();
    this.client.setUrl(settings.url.replace(/\/+$/, ''));
    this.client.setToken(settings.token);
    this.signer = new ActionSigner(settings.token);
    // Client4's request function is private API (see the top of this file for why it is wrapped).
    const holder = this.client as unknown as { doFetchWithResponse: Fetch };
    const inner = holder.doFetchWithResponse;
    holder.doFetchWithResponse = async (url, options) => {
      const answer = await inner(url, { ...options, ignoreStatus: true, signal: AbortSignal.timeout(TIMEOUT_MS) });
      if (answer.response.ok) return answer;
      const body = (typeof answer.data === 'object' && answer.data !== null ? answer.data : {}) as { id?: string; message?: string };
      throw new MattermostHttpError(answer.response.status, body.id ?? null, answer.response.headers.get('retry-after'), body.message ?? String(answer.data).slice(0, 200));
    };
  }

  private async call<T>(method: string, run: () => Promise<T>): Promise<T | null> {
    try {
      return await run();
    } catch (error) {
      const translated = translate(method, error);
      if (translated) throw translated;
      return null;
    }
  }

  /** As `call`, with "not found" (404) as null. */
  private async find<T>(method: string, run: () => Promise<T>): Promise<T | null> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof MattermostHttpError && error.status === 404) return null;
      throw translate(method, error) ?? error;
    }
  }

  private async team(): Promise<string> {
    if (this.teamId) return this.teamId;
    const team = await this.call('GET /teams/name', () => this.client.getTeamByName(this.settings.team));
    if (!team?.id) throw new ChatError('refused', `team ${this.settings.team} not found`, 'team_not_found');
    this.teamId = team.id;
    return team.id;
  }

  private async bot(): Promise<string> {
    if (this.botId) return this.botId;
    const me = await this.call('GET /users/me', () => this.client.getMe());
    if (!me?.id) throw new ChatError('unavailable', 'GET /users/me: no user in the answer');
    this.botId = me.id;
    return me.id;
  }

  /** A channel id from an id or a name in the team (the announce channel is configured by name). */
  private async channelId(room: string): Promise<string | null> {
    if (isId(room)) return room;
    const known = this.channelIds.get(room);
    if (known) return known;
    const team = await this.team();
    const channel = await this.find('GET /teams/channels/name', () => this.client.getChannelByName(team, room.replace(/^[#~]/, '')));
    if (!channel) return null;
    this.channelIds.set(room, channel.id);
    this.channelNames.set(channel.id, channel.name);
    return channel.id;
  }

  private async channel(room: string): Promise<string> {
    const id = await this.channelId(room);
    if (!id) throw new ChatError('refused', `channel ${room} not found in team ${this.settings.team}`, 'channel_not_found');
    return id;
  }

  async createRoom(name: string, options: { private: boolean }): Promise<{ room: string }> {
    const team = await this.team();
    // Mattermost's channel names: up to 64 of a-z, 0-9, - and _.
    const handle = name.toLowerCase().replace(/[^a-z0-9_-]/g, '-').slice(0, 64);
    try {
      const created = await this.client.createChannel({ team_id: team, name: handle, display_name: name.slice(0, 64), type: options.private ? 'P' : 'O' } as never);
      this.channelNames.set(created.id, created.name);
      return { room: created.id };
    } catch (error) {
      if (!(error instanceof MattermostHttpError && error.id === NAME_TAKEN)) throw translate('POST /channels', error) ?? error;
      // Created before a crash kept us from recording it: the channel of that name the bot made is ours.
      const found = await this.find('GET /teams/channels/name', () => this.client.getChannelByName(team, handle));
      if (!found || found.creator_id !== (await this.bot())) throw new ChatError('refused', `POST /channels: ${handle} is taken`, NAME_TAKEN);
      this.channelNames.set(found.id, found.name);
      return { room: found.id };
    }
  }

  async invite(room: string, users: string[]): Promise<void> {
    const channel = await this.channel(room);
    // One at a time: adding someone already in the channel is success, so a repeat after a crash is harmless.
    for (const user of users) await this.call('POST /channels/members', () => this.client.addToChannel(user, channel));
  }

  /** The Markdown of a message, its mentions and links resolved to names. */
  private async markdown(message: ChatMessage): Promise<string> {
    const source = `${message.text} ${JSON.stringify(message.blocks ?? [])}`;
    const named = namedIds(source);
    await this.resolve(named.users, named.channels);
    return messageMarkdown(message, this.usernames, this.channelNames);
  }

  private async resolve(users: string[], channels: string[]): Promise<void> {
    for (const id of users) {
      if (this.usernames.has(id)) continue;
      const found = await this.find('GET /users', () => this.client.getUser(id));
      if (found) this.usernames.set(id, found.username);
    }
    for (const id of channels) {
      if (this.channelNames.has(id)) continue;
      const found = await this.find('GET /channels', () => this.client.getChannel(id));
      if (found) this.channelNames.set(id, found.name);
    }
  }

  async post(room: string, message: ChatMessage): Promise<{ message: string }> {
    const channel = await this.channel(room);
    const text = await this.markdown(message);
    const attachments = attachmentsOf(message.blocks, this.settings.actionsUrl ?? null, this.signer);
    const props = { ...(message.mark ? { incident_mark: message.mark } : {}), ...(attachments.length ? { attachments } : {}) };
    const posted = await this.call('POST /posts', () => this.client.createPost({ channel_id: channel, message: text, ...(Object.keys(props).length ? { props } : {}) } as never));
    return { message: posted?.id ?? '' };
  }

  async edit(room: string, message: string, content: ChatMessage): Promise<void> {
    const text = await this.markdown(content);
    await this.call('PUT /posts/patch', () => this.client.patchPost({ id: message, message: text } as never));
  }

  async pin(_room: string, message: string): Promise<void> {
    await this.call('POST /posts/pin', () => this.client.pinPost(message));
  }

  async marks(room: string, since: string): Promise<Map<string, string>> {
    const marks = new Map<string, string>();
    const channel = await this.channelId(room);
    if (!channel) return marks;
    const bot = await this.bot();
    // Everything posted or changed in the channel since then, in one answer.
    const answer = await this.call('GET /channels/posts', () => this.client.getPostsSince(channel, Date.parse(since) || 0));
    for (const post of Object.values((answer?.posts ?? {}) as Record<string, Post>)) {
      const mark = post.props?.incident_mark;
      if (post.user_id === bot && typeof mark === 'string') marks.set(mark, post.id);
    }
    return marks;
  }

  async directRoom(user: string): Promise<{ room: string }> {
    const bot = await this.bot();
    const channel = await this.call('POST /channels/direct', () => this.client.createDirectChannel([bot, user]));
    if (!channel?.id) throw new ChatError('unavailable', 'POST /channels/direct: no channel in the answer');
    return { room: channel.id };
  }

  async setTopic(room: string, topic: string): Promise<void> {
    const channel = await this.channel(room);
    const named = namedIds(topic);
    await this.resolve(named.users, named.channels);
    const header = toMarkdown(topic, this.usernames, this.channelNames).slice(0, MAX_HEADER);
    await this.call('PUT /channels/patch', () => this.client.patchChannel(channel, { header }));
  }

  async archive(room: string): Promise<void> {
    const channel = await this.channel(room);
    await this.call('DELETE /channels', () => this.client.deleteChannel(channel));
  }

  async dm(user: string, message: ChatMessage): Promise<void> {
    await this.post((await this.directRoom(user)).room, message);
  }

  async ephemeral(room: string, user: string, message: ChatMessage): Promise<void> {
    const channel = await this.channel(room);
    const text = await this.markdown(message);
    await this.call('POST /posts/ephemeral', () => this.client.createPostEphemeral(user, { channel_id: channel, message: text } as never));
  }

  /** A slash command's `response_url` (Mattermost's, like Slack's, takes a JSON answer); Client4 has no call for it. */
  async respond(address: string, message: ChatMessage): Promise<void> {
    let answer: Response;
    try {
      answer = await fetch(address, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ response_type: 'ephemeral', text: await this.markdown(message) }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw new ChatError('unavailable', `response_url: ${(error as Error).message}`);
    }
    if (answer.ok) return;
    if (answer.status === 429 || answer.status >= 500) throw translate('response_url', new MattermostHttpError(answer.status, null, answer.headers.get('retry-after'), answer.statusText))!;
    throw new ChatError('refused', `response_url: HTTP ${answer.status}`, 'expired_url');
  }

  /** The presenters' modal as an interactive dialog; Client4 has a call to submit one, none to open it. */
  async openForm(trigger: string, form: unknown): Promise<void> {
    const url = this.settings.actionsUrl;
    if (!url) throw new ChatError('refused', 'dialogs need the actions address (INCIDENT_PUBLIC_URL)', 'not_supported');
    const holder = this.client as unknown as { doFetch: (url: string, options: Record<string, unknown>) => Promise<unknown> };
    const body = dialogOf(form as never, trigger, url, this.signer);
    await this.call('POST /actions/dialogs/open', () => holder.doFetch(`${this.client.getBaseRoute()}/actions/dialogs/open`, { method: 'post', body: JSON.stringify(body) }));
  }

  async message(_room: string, id: string): Promise<{ text: string; user: string | null; at: string | null } | null> {
    const post = (await this.find('GET /posts', () => this.client.getPost(id))) as Post | null;
    return post ? { text: post.message, user: post.user_id || null, at: post.create_at ? new Date(post.create_at).toISOString() : null } : null;
  }

  /**
   * The reactions on posts of `room` changed since `since` (ms, Mattermost's clock; adding a
   * reaction changes its post), and the newest change seen: where the next look starts.
   */
  async reactionsSince(room: string, since: number): Promise<{ reactions: MattermostReaction[]; until: number }> {
    const answer = await this.call('GET /channels/posts', () => this.client.getPostsSince(room, since));
    const reactions: MattermostReaction[] = [];
    let until = since;
    for (const post of Object.values((answer?.posts ?? {}) as Record<string, Post>)) {
      until = Math.max(until, post.update_at ?? 0);
      if (!post.has_reactions && !post.metadata?.reactions?.length) continue;
      const listed = post.metadata?.reactions ?? (await this.call('GET /posts/reactions', () => this.client.getReactionsForPost(post.id))) ?? [];
      for (const r of listed) reactions.push({ post: r.post_id, user: r.user_id, emoji: r.emoji_name, at: r.create_at });
    }
    return { reactions: reactions.sort((a, b) => a.at - b.at), until };
  }

  /** The bot's WebSocket connection (api/v4/websocket), reconnecting by itself until closed. */
  listen(listener: SocketListener, options?: SocketOptions): { close(): void } {
    return listen({ url: `${this.client.getBaseRoute().replace(/^http/, 'ws')}/websocket`, token: this.settings.token }, listener, options);
  }

  async user(id: string): Promise<ChatUser | null> {
    const found = await this.find('GET /users', () => this.client.getUser(id));
    if (!found) return null;
    this.usernames.set(found.id, found.username);
    return { id: found.id, email: found.email || null };
  }

  async userByEmail(email: string): Promise<ChatUser | null> {
    const found = await this.find('GET /users/email', () => this.client.getUserByEmail(email));
    if (!found) return null;
    this.usernames.set(found.id, found.username);
    return { id: found.id, email: found.email || email };
  }
}
