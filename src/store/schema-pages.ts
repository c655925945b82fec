/** The paging tables (migration 0052), apart from schema.ts to keep that file within its size. */
import type { Generated } from 'kysely';

export interface PageDeliveryTable {
  id: Generated<number>;
  event_id: number;
  incident: number;
  provider: 'pagerduty' | 'opsgenie' | 'webhook';
  action: 'trigger' | 'resolve';
  page_key: string;
  /** The handles paged, as JSON. */
  people: string;
  url: string;
  body: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  remaining: number;
  next_attempt_at: string | null;
  claimed_until: string | null;
  last_error: string | null;
  created_at: string;
}

export interface PageAckTable {
  provider: string;
  page_key: string;
  incident: number;
  at: string;
}
