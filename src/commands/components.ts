/** The status page's components (R10): created and changed by admins, set per incident by its responders. */
import type { CommandContext } from './context.js';
import { runIncidentCommand, type CommandResult } from './incident-command.js';
import { DomainError } from '../domain/model/errors.js';
import { authorize } from '../domain/people/policy.js';
import { allComponents, componentFingerprint, type ComponentStatus, type StatusComponent } from '../domain/status-page/components.js';
import { recordAudit } from './audit.js';

const PAGE_KEY = 'page';
const componentKey = (id: string) => `component:${id}`;

export async function listComponents(ctx: Pick<CommandContext, 'tx' | 'config'>): Promise<StatusComponent[]> {
  const [created, records] = await Promise.all([ctx.tx.statusComponents.list(), ctx.tx.statusComponents.records()]);
  const times = new Map(records.filter((r) => r.key.startsWith('component:')).map((r) => [r.key.slice('component:'.length), r]));
  return allComponents(ctx.config.components, created, times);
}

/** When the status page was first recorded (null before the publisher's first start). */
export async function statusPageCreatedAt(ctx: Pick<CommandContext, 'tx'>): Promise<string | null> {
  return (await ctx.tx.statusComponents.records()).find((r) => r.key === PAGE_KEY)?.createdAt ?? null;
}

/**
 * Dates what the configuration file cannot: when the page and each configured component
 * first appeared, and when a component's configured definition last changed. On the first
 * start that keeps these times, what is already configured is dated from the first event
 * ever recorded (its history before counts); a component configured later, from now.
 */
export async function recordStatusPageInventory(ctx: Pick<CommandContext, 'tx' | 'config' | 'now'>): Promise<void> {
  const store = ctx.tx.statusComponents;
  const records = new Map((await store.records()).map((r) => [r.key, r]));
  const first = records.has(PAGE_KEY) ? ctx.now : ((await store.firstEventAt()) ?? ctx.now);
  const since = first < ctx.now ? first : ctx.now;
  if (!records.has(PAGE_KEY)) await store.insertRecord({ key: PAGE_KEY, fingerprint: '', createdAt: since, updatedAt: since });
  for (const component of ctx.config.components) {
    const key = componentKey(component.id);
    const fingerprint = componentFingerprint(component);
    const known = records.get(key);
    if (!known) await store.insertRecord({ key, fingerprint, createdAt: since, updatedAt: since });
    else if (known.fingerprint !== fingerprint) await store.touchRecord(key, fingerprint, ctx.now);
  }
}

/** The ids an incident may name; empty when no component exists (then any id is accepted, as before components were listed). */
export async function knownComponentIds(ctx: Pick<CommandContext, 'tx' | 'config'>): Promise<string[]> {
  return (await listComponents(ctx)).map((c) => c.id);
}

export interface ComponentFields {
  name: string;
  group?: string | null;
  description?: string | null;
  order?: number;
}

/** What the audit log keeps of a component. */
function audited(c: StatusComponent) {
  return { name: c.name, group: c.group, description: c.description, order: c.order };
}

function clean(text: string | null | undefined, field: string, required: boolean): string | null {
  const value = text?.trim() || null;
  if (required && value === null) throw new DomainError('VALIDATION_FAILED', `A component needs a ${field}.`, { field });
  return value;
}

export async function createComponent(ctx: CommandContext, input: ComponentFields & { id: string }): Promise<StatusComponent> {
  authorize(ctx.actor, 'components.manage');
  const existing = await listComponents(ctx);
  if (existing.some((c) => c.id === input.id))
    throw new DomainError('COMPONENT_EXISTS', `There is already a component "${input.id}".`, { field: 'id' });
  const component: StatusComponent = {
    id: input.id,
    name: clean(input.name, 'name', true)!,
    group: clean(input.group, 'group', false),
    description: clean(input.description, 'description', false),
    order: input.order ?? existing.reduce((max, c) => Math.max(max, c.order + 1), 0),
    source: 'api',
    version: 1,
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  await ctx.tx.statusComponents.insert(component, ctx.now);
  await ctx.tx.noteStatusPageChanged();
  await recordAudit(ctx, 'component.created', component.id, { after: audited(component) });
  return component;
}

export async function updateComponent(
  ctx: CommandContext,
  id: string,
  changes: Partial<ComponentFields>,
  expectedVersion?: number,
): Promise<StatusComponent> {
  authorize(ctx.actor, 'components.manage');
  if (ctx.config.components.some((c) => c.id === id))
    throw new DomainError('COMPONENT_FROM_CONFIGURATION', `"${id}" is defined in the configuration file (${ctx.config.source}); change it there.`, {
      field: 'id',
    });
  const current = await ctx.tx.statusComponents.get(id);
  if (!current) throw new DomainError('COMPONENT_NOT_FOUND', `There is no component "${id}".`, { field: 'componentId' });
  if (expectedVersion !== undefined && expectedVersion !== current.version)
    throw new DomainError('VERSION_CONFLICT', `Component "${id}" is at version ${current.version}, not ${expectedVersion}: someone changed it; reload.`, {
      currentVersion: current.version,
    });
  const next: StatusComponent = {
    ...current,
    name: changes.name === undefined ? current.name : clean(changes.name, 'name', true)!,
    group: changes.group === undefined ? current.group : clean(changes.group, 'group', false),
    description: changes.description === undefined ? current.description : clean(changes.description, 'description', false),
    order: changes.order ?? current.order,
    version: current.version + 1,
    updatedAt: ctx.now,
  };
  if (!(await ctx.tx.statusComponents.update(next, current.version, ctx.now)))
    throw new DomainError('VERSION_CONFLICT', `Component "${id}" changed while this edit was made; reload.`, { currentVersion: current.version + 1 });
  await ctx.tx.noteStatusPageChanged();
  await recordAudit(ctx, 'component.updated', id, { before: audited(current), after: audited(next) });
  return next;
}

/** R10: how an affected component is doing during this incident; naming a new one adds it to the affected. */
export async function setIncidentComponentStatus(
  ctx: CommandContext,
  number: number,
  component: string,
  status: ComponentStatus,
  expectedVersion?: number,
): Promise<CommandResult> {
  const known = await knownComponentIds(ctx);
  if (!known.includes(component))
    throw new DomainError('COMPONENT_NOT_FOUND', `There is no component "${component}".`, { field: 'componentId', allowed: known });
  return runIncidentCommand(ctx, number, { type: 'SetComponentStatus', component, status }, expectedVersion);
}

/** R10: puts an incident whose severity is not public on the status page. */
export function publishIncident(ctx: CommandContext, number: number, expectedVersion?: number): Promise<CommandResult> {
  return runIncidentCommand(ctx, number, { type: 'Publish' }, expectedVersion);
}

/** R10: takes a responder's publication back; refused for an incident public by its severity. */
export function unpublishIncident(ctx: CommandContext, number: number, expectedVersion?: number): Promise<CommandResult> {
  return runIncidentCommand(ctx, number, { type: 'Unpublish' }, expectedVersion);
}
