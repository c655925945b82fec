/**
 * Pages out and the acknowledgements that come back (src/domain/notifications/pages.ts):
 * queued by the notification fan-out in the event's transaction, one per (event, tool,
 * page, action), claimed with a lease and retried like webhook deliveries.
 */
import { sql, type Selectable } from 'kysely';
import type { Database, Executor } from './schema.js';
import type { Dialect } from './migrations/index.js';
import { claimDue } from './leases.js';
import type { PageProvider } from '../domain/notifications/pages.js';

export interface PageDelivery {
  id: number;
  eventId: number;
  incident: number;
  provider: PageProvider;
  action: 'trigger' | 'resolve';
  key: string;
  people: string[];
  url: string;
  body: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  remaining: number;
  nextAttemptAt: string | null;
  lastError: string | null;
}

export type NewPageDelivery = Pick<PageDelivery, 'eventId' | 'incident' | 'provider' | 'action' | 'key' | 'people' | 'url' | 'body' | 'remaining'> & { at: string };

function toPage(row: Selectable<Database['page_deliveries']>): PageDelivery {
  return {
    id: Number(row.id),
    eventId: Number(row.event_id),
    incident: Number(row.incident),
    provider: row.provider,
    action: row.action,
    key: row.page_key,
    people: JSON.parse(row.people) as string[],
    url: row.url,
    body: row.body,
    status: row.status,
    attempts: Number(row.attempts),
    remaining: Number(row.remaining),
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
  };
}

export class PageStore {
  constructor(
    private readonly db: Executor,
    private readonly dialect: Dialect,
  ) {}

  async add(page: NewPageDelivery): Promise<void> {
    await this.db
      .insertInto('page_deliveries')
      .values({
        event_id: page.eventId,
        incident: page.incident,
        provider: page.provider,
        action: page.action,
        page_key: page.key,
        people: JSON.stringify(page.people),
        url: page.url,
        body: page.body,
        status: 'pending',
        attempts: 0,
        remaining: page.remaining,
        next_attempt_at: page.at,
        created_at: page.at,
      })
      .onConflict((oc) => oc.columns(['event_id', 'provider', 'page_key', 'action']).doNothing())
      .execute();
  }

  /** The pages raised for an incident (each tool and key once, the first raised), for resolving them. */
  async raised(incident: number): Promise<PageDelivery[]> {
    const rows = await this.db.selectFrom('page_deliveries').selectAll().where('incident', '=', incident).where('action', '=', 'trigger').orderBy('id').execute();
    const seen = new Set<string>();
    return rows.map(toPage).filter((p) => !seen.has(`${p.provider} ${p.key}`) && Boolean(seen.add(`${p.provider} ${p.key}`)));
  }

  /** The people a page told (every event that raised it), or null when no page has that key. */
  async people(key: string): Promise<string[] | null> {
    const rows = await this.db.selectFrom('page_deliveries').select('people').where('page_key', '=', key).where('action', '=', 'trigger').orderBy('id').execute();
    return rows.length ? [...new Set(rows.flatMap((r) => JSON.parse(r.people) as string[]))] : null;
  }

  /**
   * Gives up the incident's triggers still waiting (for a retry) and not in hand at `now`: once it is resolved they
   * would raise pages after their resolve. One that reached its tool on an earlier attempt is ended by the resolve.
   */
  async cancelWaitingTriggers(incident: number, now: string): Promise<void> {
    await this.db
      .updateTable('page_deliveries')
      .set({ status: 'failed', next_attempt_at: null, last_error: 'the incident was resolved before this page was sent' })
      .where('incident', '=', incident)
      .where('action', '=', 'trigger')
      .where('status', '=', 'pending')
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
      .execute();
  }

  async claimDue(now: string, until: string, limit: number): Promise<PageDelivery[]> {
    const rows = await claimDue(this.db, this.dialect, 'page_deliveries', now, until, limit);
    return rows.map(toPage).sort((a, b) => a.id - b.id);
  }

  /** What followed one attempt (already charged by the claim): delivered, another try at `retryAt`, or failed. */
  async recordAttempt(page: PageDelivery, error: string | null, retryAt: string | null): Promise<void> {
    await this.db
      .updateTable('page_deliveries')
      .set({
        attempts: page.attempts + 1,
        status: error === null ? 'delivered' : retryAt ? 'pending' : 'failed',
        next_attempt_at: error === null ? null : retryAt,
        claimed_until: null,
        last_error: error === null ? null : error.slice(0, 2000),
      })
      .where('id', '=', page.id)
      .execute();
  }

  async all(): Promise<PageDelivery[]> {
    return (await this.db.selectFrom('page_deliveries').selectAll().orderBy('id').execute()).map(toPage);
  }

  async nextWake(): Promise<string | null> {
    const row = await this.db
      .selectFrom('page_deliveries')
      .select(sql<string | null>`min(case when claimed_until is not null and claimed_until > next_attempt_at then claimed_until else next_attempt_at end)`.as('at'))
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return row?.at ?? null;
  }

  /** Marks a page acknowledged through `provider`; false when it already was (nothing is recorded twice). */
  async acknowledge(provider: PageProvider, key: string, incident: number, at: string): Promise<boolean> {
    const inserted = await this.db
      .insertInto('page_acks')
      .values({ provider, page_key: key, incident, at })
      .onConflict((oc) => oc.columns(['provider', 'page_key']).doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
  }
}
