/** Writing to and reading the audit log. Every admin action records itself here, in its own transaction. */
import type { CommandContext } from './context.js';
import { authorize } from '../domain/people/policy.js';
import { changed, scrub, type AuditEntry, type AuditFilter, type AuditRecord } from '../domain/audit/entry.js';

const NO_ORIGIN = { address: null, userAgent: null };

/** Appends one entry as the context's actor; secrets are scrubbed whatever `before`/`after` hold. */
export async function recordAudit(
  ctx: Pick<CommandContext, 'tx' | 'now' | 'actor' | 'origin'>,
  action: string,
  target: string | null,
  values: { before?: object | null; after?: object | null } = {},
): Promise<void> {
  let before = scrub((values.before ?? null) as Record<string, unknown> | null);
  let after = scrub((values.after ?? null) as Record<string, unknown> | null);
  if (before && after) ({ before, after } = changed(before, after));
  const record: AuditRecord = { actor: ctx.actor.handle, action, target, before, after };
  await ctx.tx.audit.append(ctx.now, record, ctx.origin ?? NO_ORIGIN);
}

export async function readAudit(ctx: Pick<CommandContext, 'tx' | 'actor'>, filter: AuditFilter): Promise<AuditEntry[]> {
  authorize(ctx.actor, 'audit.read');
  return ctx.tx.audit.list(filter);
}
