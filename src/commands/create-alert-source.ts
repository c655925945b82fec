import { randomBytes } from 'node:crypto';
import type { CommandContext } from './context.js';
import type { AlertSource, SourceType } from '../domain/alerts/source.js';
import { authorize } from '../domain/people/policy.js';
import { hashToken } from './tokens.js';
import { DomainError } from '../domain/model/errors.js';
import { recordAudit } from './audit.js';
import { overlapEnds } from '../domain/people/rotation.js';

const newKey = () => `ics_${randomBytes(32).toString('base64url')}`;

/** A source and its key; like an API token, the key is 256 random bits, stored hashed and shown once. */
export async function createAlertSource(ctx: CommandContext, input: { name: string; type: SourceType }): Promise<{ source: AlertSource; key: string }> {
  authorize(ctx.actor, 'alerts.sources');
  const name = input.name.trim();
  if (!name) throw new DomainError('VALIDATION_FAILED', 'An alert source needs a name, such as prometheus-prod.', { field: 'name' });
  const key = newKey();
  const source: AlertSource = { id: `src_${randomBytes(6).toString('hex')}`, name, type: input.type, createdBy: ctx.actor.handle, createdAt: ctx.now };
  await ctx.tx.alertSources.insert(source, hashToken(key));
  await recordAudit(ctx, 'alert_source.created', source.id, { after: { name: source.name, type: source.type } });
  return { source, key };
}

/**
 * A new key for a source, answered once. The key it replaces is still accepted until
 * `previousValidUntil` (24 h), so Alertmanager configs can be rolled out; refused (401) after.
 * The audit records when, never a key.
 */
export async function rotateAlertSourceKey(ctx: CommandContext, id: string): Promise<{ source: AlertSource; key: string; previousValidUntil: string }> {
  authorize(ctx.actor, 'alerts.sources');
  const source = await ctx.tx.alertSources.byId(id);
  if (!source) throw new DomainError('ALERT_SOURCE_NOT_FOUND', `There is no alert source ${id}.`, { field: 'id' });
  const key = newKey();
  const previousValidUntil = overlapEnds(ctx.now);
  await ctx.tx.alertSources.rotateKey(id, hashToken(key), previousValidUntil);
  await recordAudit(ctx, 'alert_source.key_rotated', id, { after: { previousValidUntil } });
  return { source, key, previousValidUntil };
}
