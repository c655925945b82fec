/** Scheduled maintenance: schedule, change, cancel (responders and admins). The rules are src/maintenance/window.ts. */
import { randomBytes } from 'node:crypto';
import type { CommandContext } from './context.js';
import { DomainError } from '../domain/model/errors.js';
import { authorize } from '../domain/people/policy.js';
import { knownComponentIds } from './components.js';
import { recordAudit } from './audit.js';
import { decideCancel, decideChange, decideSchedule, type MaintenanceFields, type MaintenanceWindow, type ScheduleInput } from '../domain/maintenance/window.js';
import { NO_NOTICES, noticeOfChange, scheduledNotice, type Notice, type NoticeKind } from '../domain/maintenance/notices.js';

async function load(ctx: CommandContext, id: string, expectedVersion: number | undefined): Promise<MaintenanceWindow> {
  const window = await ctx.tx.maintenance.get(id, true);
  if (!window) throw new DomainError('MAINTENANCE_NOT_FOUND', `There is no maintenance ${id}.`);
  if (expectedVersion !== undefined && expectedVersion !== window.version)
    throw new DomainError('VERSION_CONFLICT', `Maintenance ${id} is at version ${window.version}, not ${expectedVersion}; reload and retry.`);
  return window;
}

async function noticeKinds(ctx: CommandContext, id: string): Promise<ReadonlySet<NoticeKind>> {
  return ((await ctx.tx.maintenance.noticeHistory([id])).get(id) ?? NO_NOTICES).kinds;
}

/** Kept with the change; the subscribers' notice worker fans it out after commit (woken by noteStatusPageChanged). */
async function tell(ctx: CommandContext, window: MaintenanceWindow, notice: Notice | null): Promise<void> {
  if (notice) await ctx.tx.maintenance.addNotice(window.id, notice, ctx.now);
}

export async function scheduleMaintenance(ctx: CommandContext, input: ScheduleInput): Promise<MaintenanceWindow> {
  authorize(ctx.actor, 'maintenance.manage');
  const window = decideSchedule(input, { id: `mnt_${randomBytes(8).toString('hex')}`, actor: ctx.actor.handle, now: ctx.now, knownComponents: await knownComponentIds(ctx) });
  await ctx.tx.maintenance.insert(window);
  await tell(ctx, window, scheduledNotice(window));
  await ctx.tx.noteStatusPageChanged();
  await recordAudit(ctx, 'maintenance.scheduled', window.id, { after: window });
  return window;
}

export async function changeMaintenance(ctx: CommandContext, id: string, patch: Partial<MaintenanceFields>, expectedVersion?: number): Promise<MaintenanceWindow> {
  authorize(ctx.actor, 'maintenance.manage');
  const window = await load(ctx, id, expectedVersion);
  const changed = decideChange(window, patch, { now: ctx.now, knownComponents: await knownComponentIds(ctx) });
  await ctx.tx.maintenance.replace(changed, window.version);
  await tell(ctx, changed, noticeOfChange(window, changed, ctx.now, await noticeKinds(ctx, id)));
  await ctx.tx.noteStatusPageChanged();
  await recordAudit(ctx, 'maintenance.changed', id, { before: window, after: changed });
  return changed;
}

export async function cancelMaintenance(ctx: CommandContext, id: string, expectedVersion?: number): Promise<MaintenanceWindow> {
  authorize(ctx.actor, 'maintenance.manage');
  const window = await load(ctx, id, expectedVersion);
  const cancelled = decideCancel(window, ctx.now);
  await ctx.tx.maintenance.replace(cancelled, window.version);
  await tell(ctx, cancelled, noticeOfChange(window, cancelled, ctx.now, await noticeKinds(ctx, id)));
  await ctx.tx.noteStatusPageChanged();
  await recordAudit(ctx, 'maintenance.cancelled', id, { before: window, after: cancelled });
  return cancelled;
}
