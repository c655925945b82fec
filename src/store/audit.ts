/** The audit log: appended to and read, never changed or deleted. */
import type { Database, Executor } from './schema.js';
import type { AuditEntry, AuditFilter, AuditOrigin, AuditRecord } from '../domain/audit/entry.js';

function parse(text: string | null): Record<string, unknown> | null {
  return text === null ? null : (JSON.parse(text) as Record<string, unknown>);
}

function toEntry(row: Database['audit_log'] & { id: number }): AuditEntry {
  return {
    id: Number(row.id),
    at: row.at,
    actor: row.actor,
    action: row.action,
    target: row.target,
    address: row.address,
    userAgent: row.user_agent,
    before: parse(row.before),
    after: parse(row.after),
  };
}

export class AuditStore {
  constructor(private readonly db: Executor) {}

  async append(at: string, record: AuditRecord, origin: AuditOrigin): Promise<void> {
    await this.db
      .insertInto('audit_log')
      .values({
        at,
        actor: record.actor,
        action: record.action,
        target: record.target,
        address: origin.address,
        // A user agent is the client's to choose: bounded, so the log cannot be stuffed through it.
        user_agent: origin.userAgent?.slice(0, 300) ?? null,
        before: record.before === null ? null : JSON.stringify(record.before),
        after: record.after === null ? null : JSON.stringify(record.after),
      })
      .execute();
  }

  /** Newest first. */
  async list(filter: AuditFilter): Promise<AuditEntry[]> {
    let query = this.db.selectFrom('audit_log').selectAll();
    if (filter.actor !== undefined) query = query.where('actor', '=', filter.actor);
    if (filter.action !== undefined)
      // `person` matches every person.* action; `person.updated` only that one.
      query = filter.action.includes('.') ? query.where('action', '=', filter.action) : query.where('action', 'like', `${filter.action}.%`);
    if (filter.since !== undefined) query = query.where('at', '>=', filter.since);
    if (filter.until !== undefined) query = query.where('at', '<', filter.until);
    if (filter.before !== undefined) query = query.where('id', '<', filter.before);
    const rows = await query.orderBy('id', 'desc').limit(filter.limit).execute();
    return rows.map((row) => toEntry(row as Database['audit_log'] & { id: number }));
  }
}
