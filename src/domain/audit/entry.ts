/**
 * The audit log: who did what to access and settings, when, from where. Incident history is
 * the timeline, not this. Pure: the shape of an entry and what is never written into one.
 */
export interface AuditOrigin {
  address: string | null;
  userAgent: string | null;
}

export interface AuditRecord {
  /** The person who acted; null when nobody could be named (a refused sign-in). */
  actor: string | null;
  /** `person.updated`, `token.revoked`, `session.refused`, … */
  action: string;
  /** What was acted on: a handle, a token id, a webhook id. */
  target: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export interface AuditEntry extends AuditRecord, AuditOrigin {
  id: number;
  at: string;
}

export interface AuditFilter {
  actor?: string | undefined;
  action?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  /** Entries older than this id (the previous page's `next`). */
  before?: number | undefined;
  limit: number;
}

/** Keys whose values are secrets or stand-ins for them: never in the log, whatever an entry is given. */
const SECRET_KEY = /token|secret|key|hash|password|csrf|cookie/i;

export function scrub(value: Record<string, unknown> | null): Record<string, unknown> | null {
  if (value === null) return null;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (SECRET_KEY.test(key)) continue;
    out[key] = item !== null && typeof item === 'object' && !Array.isArray(item) ? scrub(item as Record<string, unknown>) : item;
  }
  return out;
}

/** An edit's entry keeps only what changed, both sides. */
export function changed(before: Record<string, unknown>, after: Record<string, unknown>): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key]) === JSON.stringify(after[key])) continue;
    b[key] = before[key] ?? null;
    a[key] = after[key] ?? null;
  }
  return { before: b, after: a };
}
