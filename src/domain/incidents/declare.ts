/**
 * R1 — declaring is one deliberate act: title and severity, and the incident is
 * open, named, on the clock, and commanded by the declarer unless someone else is named.
 */
import type { IncidentEvent, Links } from '../model/events.js';
import type { DecideContext, DeclareInput, Decision } from '../model/commands.js';
import { refuse } from '../model/errors.js';
import { toUtcIso } from '../model/time.js';
import { firstUpdateDue } from '../updates/deadlines.js';
import { findSeverity } from '../model/policy.js';

const SLUG_WORDS = 5;
const SLUG_MAX = 48;

/** `Checkout returning 500s for ~30% of users` → `checkout-returning-500s-for-30`. */
export function slugify(title: string): string {
  const words = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .slice(0, SLUG_WORDS);
  const slug = words.join('-').slice(0, SLUG_MAX).replace(/-+$/, '');
  return slug || 'incident';
}

/** `inc-<YYYY-MM-DD>-<slug>`, dated by the UTC day of declaration. */
export function channelName(title: string, declaredAt: string): string {
  return `inc-${declaredAt.slice(0, 10)}-${slugify(title)}`;
}

/** What the organization's configuration brings to a declaration. */
export interface Organization {
  links: Links;
  /** Configured component ids; empty when the team lists none (then any id is accepted). */
  components: string[];
}

export function decideDeclare(input: DeclareInput, number: number, ctx: DecideContext, org: Organization): Decision {
  const title = input.title.trim();
  if (!title) refuse('VALIDATION_FAILED', 'An incident needs a title: what is broken, in a few words.', { field: 'title' });
  const level = findSeverity(ctx.policy, input.severity);
  if (!level)
    refuse('UNKNOWN_SEVERITY', `Severity "${input.severity}" is not in the policy.`, {
      field: 'severity',
      allowed: ctx.policy.levels.map((l) => l.id),
    });
  const unknown = (input.components ?? []).find((c) => org.components.length > 0 && !org.components.includes(c));
  if (unknown !== undefined)
    refuse('UNKNOWN_COMPONENT', `"${unknown}" is not a configured component.`, { field: 'components', allowed: org.components });
  const startedAt = input.startedAt ? toUtcIso(input.startedAt) : ctx.now;
  if (startedAt === null)
    refuse('VALIDATION_FAILED', 'When impact started (startedAt) must be a time, such as 2026-06-06T14:00:00Z.', { field: 'startedAt' });
  if (Date.parse(startedAt) > Date.parse(ctx.now))
    refuse('STARTED_IN_FUTURE', 'Impact cannot start after the incident is declared.', { field: 'startedAt' });

  const event: IncidentEvent = {
    type: 'IncidentDeclared',
    number,
    title,
    severity: level.id,
    summary: input.summary?.trim() || null,
    startedAt,
    declaredAt: ctx.now,
    channel: channelName(title, ctx.now),
    components: [...new Set(input.components ?? [])],
    links: {
      statusPage: input.links?.statusPage ?? org.links.statusPage,
      dashboard: input.links?.dashboard ?? org.links.dashboard,
      runbook: input.links?.runbook ?? org.links.runbook,
    },
    private: input.private ?? false,
    commander: input.commander ?? ctx.actor.handle,
    nextUpdateBy: firstUpdateDue(level, ctx.now),
    ...(input.drill ? { drill: input.drill } : {}),
  };
  return { events: [event], warnings: [] };
}
