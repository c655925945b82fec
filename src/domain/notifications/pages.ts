/**
 * Where a notice that wakes someone is paged (issue 15, item 2), pure: the tools teams
 * already use, as configured (`paging:`, README "Paging").
 *
 * - PagerDuty: by routing key, the person's own first; for someone on a severity's page
 *   list, else their group's, else the severity's. One page per routing target: a group or
 *   a severity is paged once per incident however many of its people are told (its
 *   on-call rota decides who wakes). Someone named to a role is paged only through a key of
 *   their own: the severity's service would wake whoever is on call instead of them.
 * - Opsgenie: one alert per person with an Opsgenie username, that user its responder.
 * - The paging webhook: one page per person told, for any other tool.
 *
 * A page's key is the incident and its target (`INC-7/person/alice`): PagerDuty's dedup
 * key, Opsgenie's alias and the webhook's `page`. Acknowledgements come back by it, and the
 * incident's resolution resolves (closes) every page sent under it.
 */
import { incidentId } from '../model/ids.js';
import type { SeverityPolicy } from '../model/policy.js';
import type { Told } from './paging.js';

export interface PagerRouting {
  pagerduty: { baseUrl: string; people: Record<string, string>; groups: Record<string, string>; severities: Record<string, string> } | null;
  /** Opsgenie usernames by handle (a person not listed is paged by their e-mail, which is Opsgenie's username). */
  opsgenie: { baseUrl: string; users: Record<string, string> } | null;
  webhook: { url: string } | null;
}

export const PAGE_PROVIDERS = ['pagerduty', 'opsgenie', 'webhook'] as const;
export type PageProvider = (typeof PAGE_PROVIDERS)[number];
export type PageTarget = { kind: 'person'; handle: string } | { kind: 'group'; group: string } | { kind: 'severity'; severity: string };

export interface Page {
  provider: PageProvider;
  key: string;
  target: PageTarget;
  /** PagerDuty: the routing key paged. */
  routingKey: string | null;
  /** Opsgenie: the responder's username. */
  responder: string | null;
  /** Everyone this page tells, and why (the first is the page's headline). */
  told: Told[];
}

export function pageKey(incident: number, target: PageTarget): string {
  const name = target.kind === 'person' ? target.handle : target.kind === 'group' ? target.group : target.severity;
  return `${incidentId(incident)}/${target.kind}/${name}`;
}

/** The incident and target of a page key; null for a key this system did not make. */
export function parsePageKey(key: string): { incident: number; target: PageTarget } | null {
  const match = /^INC-([1-9][0-9]{0,8})\/(person|group|severity)\/([^/]{1,60})$/.exec(key);
  if (!match) return null;
  const [, number, kind, name] = match as unknown as [string, string, PageTarget['kind'], string];
  const target: PageTarget = kind === 'person' ? { kind, handle: name } : kind === 'group' ? { kind, group: name } : { kind, severity: name };
  return { incident: Number(number), target };
}

function pagerDutyTarget(told: Told, routing: NonNullable<PagerRouting['pagerduty']>): { target: PageTarget; routingKey: string } | null {
  const own = routing.people[told.handle];
  if (own) return { target: { kind: 'person', handle: told.handle }, routingKey: own };
  const reason = told.reason;
  if (reason.kind !== 'paged') return null;
  const group = reason.group ? routing.groups[reason.group] : undefined;
  if (group) return { target: { kind: 'group', group: reason.group! }, routingKey: group };
  const severity = routing.severities[reason.severity];
  return severity ? { target: { kind: 'severity', severity: reason.severity }, routingKey: severity } : null;
}

/** The pages `told` (from whoIsTold) sends for incident `incident`; `email(handle)` is the person's address or null. */
export function pagesFor(incident: number, told: Told[], routing: PagerRouting, email: (handle: string) => string | null): Page[] {
  const pages = new Map<string, Page>();
  const add = (provider: PageProvider, target: PageTarget, notice: Told, routingKey: string | null, responder: string | null) => {
    const key = pageKey(incident, target);
    const known = pages.get(`${provider} ${key}`);
    if (known) known.told.push(notice);
    else pages.set(`${provider} ${key}`, { provider, key, target, routingKey, responder, told: [notice] });
  };
  for (const notice of told) {
    const person: PageTarget = { kind: 'person', handle: notice.handle };
    if (routing.pagerduty) {
      const pd = pagerDutyTarget(notice, routing.pagerduty);
      if (pd) add('pagerduty', pd.target, notice, pd.routingKey, null);
    }
    if (routing.opsgenie) {
      const username = routing.opsgenie.users[notice.handle] ?? email(notice.handle);
      if (username) add('opsgenie', person, notice, null, username);
    }
    if (routing.webhook) add('webhook', person, notice, null, null);
  }
  return [...pages.values()];
}

/** PagerDuty's event severity for a policy level: the most severe is critical, then error, warning, info. */
export function pagerDutySeverity(policy: SeverityPolicy, severity: string): 'critical' | 'error' | 'warning' | 'info' {
  const rank = policy.levels.findIndex((l) => l.id === severity);
  return rank === -1 ? 'info' : (['critical', 'error', 'warning'] as const)[rank] ?? 'info';
}

/** Opsgenie's priority for a policy level: P1 for the most severe, down to P5. */
export function opsgeniePriority(policy: SeverityPolicy, severity: string): 'P1' | 'P2' | 'P3' | 'P4' | 'P5' {
  const rank = policy.levels.findIndex((l) => l.id === severity);
  return rank === -1 ? 'P5' : (['P1', 'P2', 'P3', 'P4', 'P5'] as const)[Math.min(rank, 4)]!;
}

/** Whether a tool's answer to a page is worth another try: throttled, or the tool is failing (5xx, no answer). */
export function pageRetryable(statusCode: number | null): boolean {
  return statusCode === null || statusCode === 429 || statusCode >= 500;
}
