import { randomBytes } from 'node:crypto';
import type { CommandContext } from './context.js';
import type { AlertSource, SourceType } from '../domain/alerts/source.js';
import { authorize } from '../domain/people/policy.js';
import { hashToken } from './tokens.js';
import { DomainError } from '../domain/model/errors.js';
import { recordAudit } from './audit.js';

/** A source and its key; like an API token, the key is 256 random bits, stored hashed and shown once. */
export async function createAlertSource(ctx: CommandContext, input: { name: string; type: SourceType }): Promise<{ source: AlertSource; key: string }> {
  authorize(ctx.actor, 'alerts.sources');
  const name = input.name.trim();
  if (!name) throw new DomainError('VALIDATION_FAILED', 'An alert source needs a name, such as prometheus-prod.', { field: 'name' });
  const key = `ics_${randomBytes(32).toString('base64url')}`;
  const source: AlertSource = { id: `src_${randomBytes(6).toString('hex')}`, name, type: input.type, createdBy: ctx.actor.handle, createdAt: ctx.now };
  await ctx.tx.alertSources.insert(source, hashToken(key));
  await recordAudit(ctx, 'alert_source.created', source.id, { after: { name: source.name, type: source.type } });
  return { source, key };
}
