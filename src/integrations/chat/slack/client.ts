/**
 * The chat port over Slack's Web API, through the official SDK (@slack/web-api). The SDK's
 * own retries and rate-limit waits are off: the delivery worker (src/processors/chat) owns
 * retrying, so that a 429 pauses only that method and a Slack outage leaves work stored.
 */
import { ErrorCode, LogLevel, WebClient, type WebAPICallError } from '@slack/web-api';
import { createRespond } from '@slack/bolt/dist/context/create-respond.js';
import { ChatError, type ChatMessage, type ChatPort, type ChatUser } from '../port.js';
import { messageTime } from '../../../domain/chat/commands.js';

export interface SlackSettings {
  token: string;
  /** SLACK_API_URL; Slack's own by default. */
  apiUrl?: string;
}

/** Errors that mean the call did what was asked, or nothing is left to do. */
const ALREADY_DONE = new Set(['already_in_channel', 'already_pinned', 'already_archived', 'cant_invite_self']);

function translate(method: string, error: unknown): ChatError | null {
  const e = error as WebAPICallError;
  switch (e.code) {
    case ErrorCode.RateLimitedError:
      return new ChatError('rate_limited', `${method}: rate limited`, null, e.retryAfter * 1000);
    case ErrorCode.PlatformError: {
      const code = String(e.data.error);
      return ALREADY_DONE.has(code) ? null : new ChatError('refused', `${method}: ${code}`, code);
    }
    case ErrorCode.HTTPError:
      return new ChatError('unavailable', `${method}: HTTP ${e.statusCode}`);
    default:
      return new ChatError('unavailable', `${method}: ${(error as Error).message}`);
  }
}

/** Slack's ids are upper case (C…, G…, D…); channel names never are. */
const isChannelId = (room: string) => /^[CGD][A-Z0-9]+$/.test(room);

/** Pages read when looking for a channel by name or for marks since a time: bounded, whatever the workspace. */
const MAX_PAGES = 50;

/** The blocks Slack keeps for a message, with `mark` as a block's `block_id` (a message with text alone gets a section). */
function markedBlocks(message: ChatMessage): unknown[] | undefined {
  if (!message.mark) return message.blocks;
  const blocks = (message.blocks?.length ? message.blocks : [{ type: 'section', text: { type: 'mrkdwn', text: message.text.slice(0, 3000) } }]) as Record<string, unknown>[];
  // The presenters give a block its own id only after the first (the IC offer's buttons).
  const at = Math.max(0, blocks.findIndex((b) => b.block_id === undefined));
  return blocks.map((b, i) => (i === at ? { ...b, block_id: message.mark } : b));
}

function user(raw: { id?: string; profile?: { email?: string } } | undefined): ChatUser | null {
  return raw?.id ? { id: raw.id, email: raw.profile?.email ?? null } : null;
}

export class SlackChat implements ChatPort {
  private readonly client: WebClient;
  /** Channel ids by name, once found (ids never change). */
  private readonly ids = new Map<string, string>();

  constructor(settings: SlackSettings) {
    this.client = new WebClient(settings.token, {
      ...(settings.apiUrl ? { slackApiUrl: settings.apiUrl } : {}),
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
      timeout: 10_000,
      logLevel: LogLevel.ERROR,
    });
  }

  /** One call; an error that means "already so" is success. */
  private async call<T>(method: string, run: () => Promise<T>): Promise<T | null> {
    try {
      return await run();
    } catch (error) {
      const translated = translate(method, error);
      if (translated) throw translated;
      return null;
    }
  }

  async createRoom(name: string, options: { private: boolean }): Promise<{ room: string }> {
    try {
      const answer = await this.call('conversations.create', () => this.client.conversations.create({ name, is_private: options.private }));
      const id = answer?.channel?.id;
      if (!id) throw new ChatError('unavailable', 'conversations.create: no channel in the answer');
      return { room: id };
    } catch (error) {
      // Created before a crash kept us from recording it: the channel of that name the app is in is ours.
      if (!(error instanceof ChatError) || error.code !== 'name_taken') throw error;
      const found = await this.channelNamed(name);
      if (!found) throw error;
      return { room: found };
    }
  }

  /** The id of the channel of this name the app is a member of, or null. */
  private async channelNamed(name: string): Promise<string | null> {
    const known = this.ids.get(name);
    if (known) return known;
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const answer = await this.call('conversations.list', () =>
        this.client.conversations.list({ types: 'public_channel,private_channel', exclude_archived: true, limit: 1000, ...(cursor ? { cursor } : {}) }),
      );
      const found = answer?.channels?.find((c) => c.name === name && c.is_member);
      if (found?.id) {
        this.ids.set(name, found.id);
        return found.id;
      }
      cursor = answer?.response_metadata?.next_cursor;
      if (!cursor) return null;
    }
    return null;
  }

  async marks(room: string, since: string): Promise<Map<string, string>> {
    const marks = new Map<string, string>();
    const channel = isChannelId(room) ? room : await this.channelNamed(room);
    // The app posts only where it is a member: a channel it is not in holds none of its messages.
    if (!channel) return marks;
    const oldest = (Date.parse(since) / 1000).toFixed(6);
    let latest: string | undefined;
    // Newest first: each page ends where the next, older one starts.
    for (let page = 0; page < MAX_PAGES; page++) {
      const answer = await this.call('conversations.history', () => this.client.conversations.history({ channel, oldest, limit: 200, ...(latest ? { latest } : {}) }));
      const messages = answer?.messages ?? [];
      for (const m of messages) for (const b of m.blocks ?? []) if (b.block_id && m.ts && m.bot_id) marks.set(b.block_id, m.ts);
      if (!answer?.has_more || !messages.length) return marks;
      latest = messages[messages.length - 1]!.ts;
    }
    // Never guess: a post whose fate cannot be read is neither repeated nor taken as sent.
    throw new ChatError('refused', `conversations.history: more than ${MAX_PAGES} pages since ${since} in ${room}`, 'history_too_long');
  }

  async directRoom(userId: string): Promise<{ room: string }> {
    const opened = await this.call('conversations.open', () => this.client.conversations.open({ users: userId }));
    const channel = opened?.channel?.id;
    if (!channel) throw new ChatError('unavailable', 'conversations.open: no channel in the answer');
    return { room: channel };
  }

  async invite(room: string, users: string[]): Promise<void> {
    if (!users.length) return;
    try {
      await this.client.conversations.invite({ channel: room, users: users.join(',') });
    } catch (error) {
      const e = error as WebAPICallError;
      // Some were in already (invited before a crash, or by hand): each of the others on their own.
      if (users.length > 1 && e.code === ErrorCode.PlatformError && e.data.error === 'already_in_channel') {
        for (const one of users) await this.call('conversations.invite', () => this.client.conversations.invite({ channel: room, users: one }));
        return;
      }
      const translated = translate('conversations.invite', error);
      if (translated) throw translated;
    }
  }

  async post(room: string, message: ChatMessage): Promise<{ message: string }> {
    const blocks = markedBlocks(message);
    const answer = await this.call('chat.postMessage', () => this.client.chat.postMessage({ channel: room, text: message.text, ...(blocks ? { blocks: blocks as never } : {}) }));
    return { message: answer?.ts ?? '' };
  }

  async edit(room: string, message: string, content: ChatMessage): Promise<void> {
    const blocks = markedBlocks(content);
    await this.call('chat.update', () => this.client.chat.update({ channel: room, ts: message, text: content.text, ...(blocks ? { blocks: blocks as never } : {}) }));
  }

  async pin(room: string, message: string): Promise<void> {
    await this.call('pins.add', () => this.client.pins.add({ channel: room, timestamp: message }));
  }

  async setTopic(room: string, topic: string): Promise<void> {
    await this.call('conversations.setTopic', () => this.client.conversations.setTopic({ channel: room, topic }));
  }

  async archive(room: string): Promise<void> {
    await this.call('conversations.archive', () => this.client.conversations.archive({ channel: room }));
  }

  async dm(userId: string, message: ChatMessage): Promise<void> {
    await this.post((await this.directRoom(userId)).room, message);
  }

  async ephemeral(room: string, userId: string, message: ChatMessage): Promise<void> {
    await this.call('chat.postEphemeral', () =>
      this.client.chat.postEphemeral({ channel: room, user: userId, text: message.text, ...(message.blocks ? { blocks: message.blocks as never } : {}) }),
    );
  }

  async respond(responseUrl: string, message: ChatMessage): Promise<void> {
    // Bolt's own respond(); fetch waits forever unless told otherwise.
    const answer = createRespond((url, init) => fetch(url, { ...init, signal: AbortSignal.timeout(10_000) }), responseUrl);
    try {
      await answer({ response_type: 'ephemeral', text: message.text, ...(message.blocks ? { blocks: message.blocks as never } : {}) });
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      // 404: the address lapsed or was used up; anything else may pass.
      throw new ChatError(status === 404 ? 'refused' : 'unavailable', `response_url: ${(error as Error).message}`, status === 404 ? 'expired_url' : null);
    }
  }

  async openForm(trigger: string, form: unknown): Promise<void> {
    await this.call('views.open', () => this.client.views.open({ trigger_id: trigger, view: form as never }));
  }

  async message(room: string, id: string): Promise<{ text: string; user: string | null; at: string | null } | null> {
    const answer = await this.call('conversations.history', () => this.client.conversations.history({ channel: room, latest: id, inclusive: true, limit: 1 }));
    const found = answer?.messages?.find((m) => m.ts === id);
    return found ? { text: found.text ?? '', user: found.user ?? null, at: messageTime(id) } : null;
  }

  async user(id: string): Promise<ChatUser | null> {
    try {
      return user((await this.client.users.info({ user: id })).user);
    } catch (error) {
      if ((error as WebAPICallError).code === ErrorCode.PlatformError) return null;
      throw translate('users.info', error) ?? error;
    }
  }

  async userByEmail(email: string): Promise<ChatUser | null> {
    try {
      return user((await this.client.users.lookupByEmail({ email })).user);
    } catch (error) {
      if ((error as WebAPICallError).code === ErrorCode.PlatformError) return null;
      throw translate('users.lookupByEmail', error) ?? error;
    }
  }
}
