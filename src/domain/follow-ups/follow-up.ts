/**
 * Follow-up action items (issue 16, item 2), pure: what a postmortem or a timeline entry
 * says must change, owned by one person, due on a date, tracked until done or
 * deliberately dropped. Time is passed in; nothing here reads a clock.
 *
 * Priorities are P1–P3: P1 before anything like this incident can happen again, P2 this
 * planning cycle, P3 when there is room. A due date is a UTC calendar day: the item is
 * due during that day and overdue from the start of the next.
 */
import { DomainError } from '../model/errors.js';
import type { Person } from '../people/person.js';
import { can } from '../people/policy.js';

export const FOLLOW_UP_STATES = ['open', 'done', 'wont_do'] as const;
export type FollowUpState = (typeof FOLLOW_UP_STATES)[number];
export const FOLLOW_UP_PRIORITIES = ['P1', 'P2', 'P3'] as const;
export type FollowUpPriority = (typeof FOLLOW_UP_PRIORITIES)[number];
export const DEFAULT_PRIORITY: FollowUpPriority = 'P2';
export const MAX_TITLE = 200;

export interface FollowUp {
  id: string;
  /** The incident it came from (its number: INC-7 is 7). */
  incident: number;
  title: string;
  /** A person's handle. */
  owner: string;
  /** YYYY-MM-DD, a UTC day. */
  due: string;
  priority: FollowUpPriority;
  state: FollowUpState;
  /** Why it will not be done (required for `wont_do`), null otherwise. */
  reason: string | null;
  /** The timeline entry (its id) it came from, if any. */
  sourceEntry: number | null;
  /** Bumped by every change, for `If-Match`. */
  version: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  /** When and by whom it was last marked done or won't do; null while open. */
  closedAt: string | null;
  closedBy: string | null;
}

export interface FollowUpFields {
  title: string;
  owner: string;
  due: string;
  priority: FollowUpPriority;
}

export interface FollowUpPatch extends Partial<FollowUpFields> {
  state?: FollowUpState;
  reason?: string;
}

const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The UTC day of a time. */
export function utcDay(now: string): string {
  return now.slice(0, 10);
}

/** The moment an item becomes due (start of its due day) and overdue (start of the day after). */
export function dueMoments(due: string): { due: string; overdue: string } {
  const start = Date.parse(`${due}T00:00:00.000Z`);
  return { due: new Date(start).toISOString(), overdue: new Date(start + DAY_MS).toISOString() };
}

export function isOverdue(item: Pick<FollowUp, 'state' | 'due'>, now: string): boolean {
  return item.state === 'open' && utcDay(now) > item.due;
}

function checkTitle(title: string): string {
  const trimmed = title.trim();
  if (!trimmed) throw new DomainError('VALIDATION_FAILED', 'title must say what will change.', { field: 'title' });
  if (trimmed.length > MAX_TITLE) throw new DomainError('VALIDATION_FAILED', `title is at most ${MAX_TITLE} characters.`, { field: 'title' });
  return trimmed;
}

function checkDue(due: string, now: string): string {
  const valid = DATE.test(due) && new Date(`${due}T00:00:00.000Z`).toISOString().slice(0, 10) === due;
  if (!valid) throw new DomainError('VALIDATION_FAILED', 'due must be a date, e.g. 2026-06-20.', { field: 'due' });
  if (due < utcDay(now)) throw new DomainError('VALIDATION_FAILED', `due ${due} is in the past; pick today (${utcDay(now)}) or later.`, { field: 'due' });
  return due;
}

function checkPriority(priority: string): FollowUpPriority {
  if (!(FOLLOW_UP_PRIORITIES as readonly string[]).includes(priority))
    throw new DomainError('VALIDATION_FAILED', `priority must be one of ${FOLLOW_UP_PRIORITIES.join(', ')}.`, { field: 'priority' });
  return priority as FollowUpPriority;
}

/** The owner must be someone who may close the item: an active responder or admin. */
function checkOwner(handle: string, owner: Person | null): string {
  if (!owner) throw new DomainError('UNKNOWN_PERSON', `There is no @${handle}; owner must be a person here.`, { field: 'owner' });
  if (owner.deactivatedAt !== null) throw new DomainError('PERSON_DEACTIVATED', `@${handle} has left; pick an owner who is still here.`, { field: 'owner' });
  if (!can(owner, 'followups.write'))
    throw new DomainError('PERSON_CANNOT_RESPOND', `@${handle} is a ${owner.role} and could not mark it done; pick a responder or admin.`, { field: 'owner' });
  return handle;
}

export interface CreateContext {
  id: string;
  incident: number;
  actor: string;
  now: string;
  /** The person named as owner, as found (null when there is none). */
  owner: Person | null;
  /** The incident's latest timeline entry id: a source entry must be one of its entries. */
  lastEntry: number;
}

export function decideCreate(
  input: { title: string; owner: string; due: string; priority?: string; sourceEntry?: number | null },
  context: CreateContext,
): FollowUp {
  const sourceEntry = input.sourceEntry ?? null;
  if (sourceEntry !== null && (sourceEntry < 1 || sourceEntry > context.lastEntry))
    throw new DomainError('ENTRY_NOT_FOUND', `The incident has no timeline entry ${sourceEntry}.`, { field: 'sourceEntry' });
  return {
    id: context.id,
    incident: context.incident,
    title: checkTitle(input.title),
    owner: checkOwner(input.owner, context.owner),
    due: checkDue(input.due, context.now),
    priority: checkPriority(input.priority ?? DEFAULT_PRIORITY),
    state: 'open',
    reason: null,
    sourceEntry,
    version: 1,
    createdBy: context.actor,
    createdAt: context.now,
    updatedAt: context.now,
    closedAt: null,
    closedBy: null,
  };
}

/** Title, owner, due date and priority of an open item; a closed one is reopened first. */
export function decideEdit(item: FollowUp, patch: Partial<FollowUpFields>, context: { now: string; owner: Person | null }): FollowUp {
  if (item.state !== 'open')
    throw new DomainError('FOLLOW_UP_CLOSED', `Follow-up ${item.id} is ${label(item.state)}; reopen it (state: open) to change it.`);
  const next: FollowUp = {
    ...item,
    title: patch.title === undefined ? item.title : checkTitle(patch.title),
    owner: patch.owner === undefined || patch.owner === item.owner ? item.owner : checkOwner(patch.owner, context.owner),
    due: patch.due === undefined || patch.due === item.due ? item.due : checkDue(patch.due, context.now),
    priority: patch.priority === undefined ? item.priority : checkPriority(patch.priority),
  };
  return next;
}

/** open → done, open → won't do (with a reason), done | won't do → open (reopened). */
export function decideTransition(item: FollowUp, to: FollowUpState, context: { actor: string; now: string; reason?: string }): FollowUp {
  if (item.state === to) throw new DomainError('FOLLOW_UP_TRANSITION', `Follow-up ${item.id} is already ${label(to)}.`, { field: 'state' });
  if (to === 'open') return { ...item, state: 'open', reason: null, closedAt: null, closedBy: null };
  if (item.state !== 'open')
    throw new DomainError('FOLLOW_UP_TRANSITION', `Follow-up ${item.id} is ${label(item.state)}; reopen it before marking it ${label(to)}.`, { field: 'state' });
  const reason = context.reason?.trim() ?? '';
  if (to === 'wont_do' && !reason)
    throw new DomainError('VALIDATION_FAILED', "reason is required for won't do: say why it is not worth doing.", { field: 'reason' });
  return { ...item, state: to, reason: to === 'wont_do' ? reason : null, closedAt: context.now, closedBy: context.actor };
}

/**
 * One PATCH: a reopen happens before field edits (so a closed item can be reopened and
 * changed in one go); closing happens after them. The version moves once, and not at
 * all when nothing changed.
 */
export function decidePatch(item: FollowUp, patch: FollowUpPatch, context: { actor: string; now: string; owner: Person | null }): FollowUp {
  const { state, reason, ...fields } = patch;
  if (reason !== undefined && state !== 'wont_do')
    throw new DomainError('VALIDATION_FAILED', "reason goes with state: wont_do.", { field: 'reason' });
  let next = item;
  if (state === 'open') next = decideTransition(next, 'open', context);
  if (Object.keys(fields).length) next = decideEdit(next, fields, context);
  if (state !== undefined && state !== 'open') next = decideTransition(next, state, { ...context, reason });
  if (same(next, item)) return item;
  return { ...next, version: item.version + 1, updatedAt: context.now };
}

function same(a: FollowUp, b: FollowUp): boolean {
  return (Object.keys(a) as (keyof FollowUp)[]).every((k) => a[k] === b[k]);
}

export function label(state: FollowUpState): string {
  return state === 'wont_do' ? "won't do" : state;
}
