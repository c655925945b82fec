/**
 * The chat port over Slack's Web API, through the official SDK (@slack/web-api). The SDK's
 * own retries and rate-limit waits are off: the delivery worker (src/processors/chat) owns
 * retrying, so that a 429 pauses only that method and a Slack outage leaves work stored.
 */
import { ErrorCode, LogLevel, WebClient, type WebAPICallError } from '@slack/web-api';
import { ChatError, type ChatMessage, type ChatPort, type ChatUser } from '../port.js';

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

function user(raw: { id?: string; profile?: { email?: string } } | undefined): ChatUser | null {
  return raw?.id ? { id: raw.id, email: raw.profile?.email ?? null } : null;
}

export class SlackChat implements ChatPort {
  private readonly client: WebClient;

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
    const answer = await this.call('conversations.create', () => this.client.conversations.create({ name, is_private: options.private }));
    const id = answer?.channel?.id;
    if (!id) throw new ChatError('unavailable', 'conversations.create: no channel in the answer');
    return { room: id };
  }

  async invite(room: string, users: string[]): Promise<void> {
    if (users.length) await this.call('conversations.invite', () => this.client.conversations.invite({ channel: room, users: users.join(',') }));
  }

  async post(room: string, message: ChatMessage): Promise<{ message: string }> {
    const answer = await this.call('chat.postMessage', () =>
      this.client.chat.postMessage({ channel: room, text: message.text, ...(message.blocks ? { blocks: message.blocks as never } : {}) }),
    );
    return { message: answer?.ts ?? '' };
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
    const opened = await this.call('conversations.open', () => this.client.conversations.open({ users: userId }));
    const channel = opened?.channel?.id;
    if (!channel) throw new ChatError('unavailable', 'conversations.open: no channel in the answer');
    await this.post(channel, message);
  }

  async ephemeral(room: string, userId: string, message: ChatMessage): Promise<void> {
    await this.call('chat.postEphemeral', () =>
      this.client.chat.postEphemeral({ channel: room, user: userId, text: message.text, ...(message.blocks ? { blocks: message.blocks as never } : {}) }),
    );
  }

  async openForm(trigger: string, form: unknown): Promise<void> {
    await this.call('views.open', () => this.client.views.open({ trigger_id: trigger, view: form as never }));
  }

  async message(room: string, id: string): Promise<{ text: string; user: string | null } | null> {
    const answer = await this.call('conversations.history', () => this.client.conversations.history({ channel: room, latest: id, inclusive: true, limit: 1 }));
    const found = answer?.messages?.find((m) => m.ts === id);
    return found ? { text: found.text ?? '', user: found.user ?? null } : null;
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
