/** What the alert commands share: finding a group, and who an alert source acts as. */
import type { CommandContext } from './context.js';
import type { Person } from '../domain/people/person.js';
import type { AlertGroup } from '../domain/alerts/group.js';
import type { AlertSource } from '../domain/alerts/source.js';
import type { Alert } from '../domain/alerts/alert.js';
import { DomainError } from '../domain/model/errors.js';
import { runIncidentCommand, type CommandResult } from './incident-command.js';

export async function loadAlertGroup(ctx: Pick<CommandContext, 'tx'>, id: number): Promise<AlertGroup> {
  const group = await ctx.tx.alertGroups.get(id, true);
  if (!group) throw new DomainError('ALERT_GROUP_NOT_FOUND', `There is no alert group ${id}.`, { field: 'groupId' });
  return group;
}

/**
 * An alert source writes to an incident's timeline as `alerts:<name>`. It is not a
 * person and cannot sign in: the name cannot be a handle, and it exists only here.
 */
export function sourceActor(source: AlertSource): Person {
  return { handle: `alerts:${source.name}`, name: source.name, email: null, role: 'responder', chat: {}, createdAt: source.createdAt, deactivatedAt: null, version: 1 };
}

/** The alerts onto the incident's timeline, as observed by the group's source (`ctx.actor`); `total` counts those not listed too. */
export function observeAlerts(ctx: CommandContext, incident: number, group: number, alerts: Alert[], total: number): Promise<CommandResult> {
  const listed = alerts.map((a) => ({ status: a.status, labels: a.labels, severity: a.severity, summary: a.summary, generatorUrl: a.generatorUrl, startsAt: a.startsAt, endsAt: a.endsAt }));
  return runIncidentCommand(ctx, incident, { type: 'ObserveAlerts', group, alerts: listed, more: total - alerts.length });
}
