/**
 * The chat port: what the product asks of a chat platform, named by capability so that
 * Slack, Mattermost and Teams adapters can stand behind it. Rooms and users are the
 * platform's own ids; messages carry plain text for every platform and, for those that
 * understand them, Block Kit blocks.
 */

export interface ChatMessage {
  /** The message as plain text: notifications, and platforms without blocks. */
  text: string;
  /** Block Kit layout (Slack); other platforms fall back to `text`. */
  blocks?: unknown[];
  /**
   * A mark the platform keeps with the posted message (Slack: a block's `block_id`), unique
   * to one delivery: `marks` finds it again when a crash left unknown whether it was posted.
   */
  mark?: string;
}

export interface ChatUser {
  id: string;
  email: string | null;
}

export interface ChatPort {
  /** Creates a room, or finds the one of that name the app already made (a crash may have left it unrecorded); answers its id. */
  createRoom(name: string, options: { private: boolean }): Promise<{ room: string }>;
  invite(room: string, users: string[]): Promise<void>;
  /** Posts a message; answers its id (Slack's `ts`), which `pin` takes. */
  post(room: string, message: ChatMessage): Promise<{ message: string }>;
  pin(room: string, message: string): Promise<void>;
  /** Replaces a message the app posted (the pinned announcement, kept current). */
  edit(room: string, message: string, content: ChatMessage): Promise<void>;
  /** The marks of the app's messages posted in `room` since `since` (UTC), with each message's id. */
  marks(room: string, since: string): Promise<Map<string, string>>;
  /** The room of direct messages with one user. */
  directRoom(user: string): Promise<{ room: string }>;
  setTopic(room: string, topic: string): Promise<void>;
  archive(room: string): Promise<void>;
  /** A direct message to one user. */
  dm(user: string, message: ChatMessage): Promise<void>;
  /** A message only `user` sees, in `room`. */
  ephemeral(room: string, user: string, message: ChatMessage): Promise<void>;
  /**
   * A message only its person sees, through the answer address their request carried
   * (Slack: the `response_url` of a slash command or an interaction). It reaches them where
   * they acted, even in a channel the app is not in, but it lapses (Slack: 30 minutes, 5 answers).
   */
  respond(address: string, message: ChatMessage): Promise<void>;
  /** Opens a form (Slack: a modal view) in answer to an interaction `trigger`. */
  openForm(trigger: string, form: unknown): Promise<void>;
  /** A message in a room by its id: its text, author and when it was posted (UTC); null if gone. */
  message(room: string, id: string): Promise<{ text: string; user: string | null; at: string | null } | null>;
  user(id: string): Promise<ChatUser | null>;
  userByEmail(email: string): Promise<ChatUser | null>;
}

/**
 * Why a call failed, in the terms the delivery worker acts on: wait and retry this method
 * (`rate_limited`), retry with backoff (`unavailable`), or the platform refused (`refused`,
 * with its error code) — retried a few times, then given up.
 */
export class ChatError extends Error {
  constructor(
    readonly reason: 'rate_limited' | 'unavailable' | 'refused',
    message: string,
    /** `refused`: the platform's code (`channel_not_found`, `name_taken`, …). */
    readonly code: string | null = null,
    /** `rate_limited`: how long the platform asked us to wait. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'ChatError';
  }
}
