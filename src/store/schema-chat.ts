/** The chat tables (src/store/chat.ts), apart from schema.ts to keep that file within its size. */
import type { Generated } from 'kysely';

export interface ChatTables {
  chat_outbox: {
    event_id: number;
    incident: number;
    created_at: string;
  };
  chat_deliveries: {
    id: Generated<number>;
    lane: string;
    incident: number;
    event_id: number;
    step: number;
    action: string;
    status: 'pending' | 'done' | 'failed';
    attempts: number;
    next_attempt_at: string;
    claimed_until: string | null;
    last_error: string | null;
    created_at: string;
    uncertain_since: string | null;
  };
  chat_rooms: {
    incident: number;
    room: string;
    announcement: string | null;
    created_at: string;
    announcement_mark: string | null;
  };
  chat_inbox: {
    id: Generated<number>;
    key: string;
    kind: string;
    body: string;
    status: 'pending' | 'done';
    claimed_until: string | null;
    received_at: string;
  };
  /** Mattermost: reactions read back per room up to `seen_until` (src/processors/chat/reactions.ts). */
  chat_cursors: { room: string; seen_until: string };
  chat_users: {
    user_id: string;
    handle: string;
    found_at: string;
    /** `slack`, `mattermost`. */
    platform: Generated<string>;
  };
}
