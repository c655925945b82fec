import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse, YAMLParseError } from 'yaml';
import { Value } from 'typebox/value';
import { ConfigFile } from './schema.js';
import { describeSchemaErrors } from './errors.js';
import { parseDuration } from '../domain/model/time.js';
import { DEFAULT_RETENTION, SHORTEST_RETENTION_MS, type RetentionPolicy } from '../domain/retention/policy.js';
import { DEFAULT_EVENT_GROUP_BY, type EventGroupField } from '../domain/alerts/events.js';
import { DEFAULT_SEVERITIES, type PublicBy, type SeverityLevel, type SeverityPolicy } from '../domain/model/policy.js';
import type { ComponentStatus } from '../domain/model/events.js';
import { targetEntryProblem } from '../integrations/webhook-targets.js';
import { contrastRatio } from '../presenters/status-page/branding.js';
import type { Organization, StatusPageConfig } from '../domain/status-page/settings.js';
import { issuerProblem, type OidcSettings } from '../domain/sessions/single-sign-on.js';
import type { OrgRole } from '../domain/people/person.js';
import type { PageEntry, PagingPolicy } from '../domain/notifications/paging.js';
import type { PagerRouting } from '../domain/notifications/pages.js';
import { pagerRoutingOf } from './paging.js';

const DEFAULT_COLORS = { brand: '#1f4e8c', background: '#ffffff', text: '#1a1a1a' };

export interface Component {
  id: string;
  name: string;
  group: string | null;
  description: string | null;
  order: number;
}

export interface Config {
  source: string;
  organization: Organization;
  statusPage: StatusPageConfig;
  policy: SeverityPolicy;
  /** Handles told of every status update of a severity whose audience is not internal (R7). */
  stakeholders: string[];
  /** Who is told on declaring at, or upgrading to, each severity (README "Who is told"). */
  paging: PagingPolicy;
  /** Where pages go: PagerDuty, Opsgenie, the paging webhook (README "Paging"). */
  pagers: PagerRouting;
  /** Who may post a public update once a Comms Lead is named (src/domain/updates/outbound.ts). */
  updates: { publicBy: PublicBy };
  reminders: { dueSoonMs: number; escalateAfterMs: number | null; roleGapMs: number; postmortemOwedMs: number };
  components: Component[];
  links: { statusPage: string | null; dashboard: string | null; runbook: string | null };
  alerts: {
    /** The Events v2 payload fields that put events into one group. */
    groupEventsBy: EventGroupField[];
    /** Per alert source: more requests than this within the window are answered 429. */
    rateLimit: { requests: number; windowMs: number };
  };
  /** Internal addresses and CIDRs webhooks may still be sent to (src/integrations/webhook-targets.ts). */
  webhooks: { allowTargets: string[] };
  /**
   * The Slack app (src/integrations/chat/slack): its slash command, where incidents are announced, when rooms are archived;
   * Mattermost's (src/integrations/chat/mattermost) where incidents are announced, when rooms are archived;
   * Teams Workflows webhooks by severity id and `default` (TEAMS_WEBHOOK_URL adds the default where the file has none).
   */
  chat: {
    slack: { command: string; announceChannel: string | null; leadershipChannel: string | null; archiveAfterMs: number | null };
    mattermost: { announceChannel: string | null; leadershipChannel: string | null; archiveAfterMs: number | null };
    teams: { webhooks: Record<string, string> };
  };
  /** Console sign-ins end after this long unused, or this long after signing in, whichever comes first. */
  sessions: { idleMs: number; maxAgeMs: number };
  /** New API tokens expire this long after they are issued unless their creator says otherwise; null: never. */
  auth: {
    tokenLifetimeMs: number | null;
    /** Single sign-on with an OpenID provider (src/http/routes/single-sign-on.ts); null: off. */
    oidc: OidcSettings | null;
  };
  /** How long idempotency answers, the delivery logs and unconfirmed subscriptions are kept. */
  retention: RetentionPolicy;
}

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: { field: string; problem: string }[],
  ) {
    super(`${source} is not valid:\n${problems.map((p) => `  - ${p.field}: ${p.problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function duration(text: string | undefined, fallback: number): number {
  return text === undefined ? fallback : (parseDuration(text) ?? fallback);
}

const HOUR = 3_600_000;

/**
 * A configured level without `firstUpdateWithin` takes the default policy's window for the same
 * id (SEV1 10m, SEV2 15m, SEV3 30m), else its cadence, capped at 30m.
 */
function defaultFirstUpdateWithin(id: string, cadence: number | null): number {
  const known = DEFAULT_SEVERITIES.find((level) => level.id === id);
  if (known) return known.firstUpdateWithinMs;
  return Math.min(cadence ?? 30 * 60_000, 30 * 60_000);
}

/**
 * Each severity's `page` list with its `group:<name>` entries expanded. A group that is not
 * in `groups`, or a group written without its `group:` prefix (it would page a person of
 * that name), is refused with the entry's key.
 */
function pagingOf(file: ConfigFile, problems: { field: string; problem: string }[]): PagingPolicy {
  const groups = (file.groups ?? {}) as Record<string, string[]>;
  const bySeverity: Record<string, PageEntry[]> = {};
  (file.severities ?? []).forEach((severity, i) => {
    const entries: PageEntry[] = [];
    (severity.page ?? []).forEach((entry, j) => {
      const field = `severities[${i}].page[${j}]`;
      if (entry.startsWith('group:')) {
        const group = entry.slice('group:'.length);
        const members = Object.hasOwn(groups, group) ? groups[group]! : null;
        if (!members) problems.push({ field, problem: `${group} is not a group in groups (known: ${Object.keys(groups).join(', ') || 'none'})` });
        else entries.push(...members.map((handle) => ({ handle, group })));
      } else if (Object.hasOwn(groups, entry)) problems.push({ field, problem: `${entry} is a group: write group:${entry}` });
      else entries.push({ handle: entry, group: null });
    });
    // A person on the list twice (named and in a group, or in two groups) is paged once.
    bySeverity[severity.id] = entries.filter((e, k) => entries.findIndex((other) => other.handle === e.handle) === k);
  });
  return { bySeverity };
}

/** Validates a parsed configuration document and fills in the playbook's defaults. */
export function buildConfig(raw: unknown, source = 'configuration'): Config {
  const document = raw ?? {};
  if (!Value.Check(ConfigFile, document)) {
    throw new ConfigError(source, describeSchemaErrors(Value.Errors(ConfigFile, document)));
  }
  const file = document as ConfigFile;
  const problems: { field: string; problem: string }[] = [];

  const levels: SeverityLevel[] = file.severities
    ? file.severities.map((s) => ({
        id: s.id,
        name: s.name,
        impact: s.impact,
        response: s.response,
        updateEveryMs: s.updateEvery === undefined ? null : duration(s.updateEvery, 0),
        firstUpdateWithinMs: duration(s.firstUpdateWithin, defaultFirstUpdateWithin(s.id, s.updateEvery === undefined ? null : duration(s.updateEvery, 0))),
        finalUpdateWithinMs: duration(s.finalUpdateWithin, HOUR),
        audience: s.audience,
        roles: s.roles,
        postmortem: s.postmortem,
        escalateTo: s.escalateTo ?? [],
        stakeholders: s.stakeholders ?? [],
      }))
    : DEFAULT_SEVERITIES;
  const seen = new Set<string>();
  levels.forEach((level, i) => {
    if (seen.has(level.id)) problems.push({ field: `severities[${i}].id`, problem: `duplicates ${level.id}` });
    seen.add(level.id);
    if (level.updateEveryMs !== null && level.updateEveryMs < 60_000)
      problems.push({ field: `severities[${i}].updateEvery`, problem: 'must be at least 1m' });
    if (level.firstUpdateWithinMs < 60_000) problems.push({ field: `severities[${i}].firstUpdateWithin`, problem: 'must be at least 1m' });
    if (level.finalUpdateWithinMs < 60_000) problems.push({ field: `severities[${i}].finalUpdateWithin`, problem: 'must be at least 1m' });
    if (level.audience === 'internal' && level.stakeholders.length > 0)
      problems.push({ field: `severities[${i}].stakeholders`, problem: 'an internal severity tells no stakeholders; make its audience stakeholders or public' });
  });
  const componentIds = new Set<string>();
  (file.components ?? []).forEach((c, i) => {
    if (componentIds.has(c.id)) problems.push({ field: `components[${i}].id`, problem: `duplicates ${c.id}` });
    componentIds.add(c.id);
  });
  const ratePer = file.alerts?.rateLimit?.per;
  if (ratePer !== undefined && duration(ratePer, 0) < 1000) problems.push({ field: 'alerts.rateLimit.per', problem: 'must be at least 1s' });
  const statusRatePer = file.statusPage?.rateLimit?.per;
  if (statusRatePer !== undefined && duration(statusRatePer, 0) < 1000)
    problems.push({ field: 'statusPage.rateLimit.per', problem: 'must be at least 1s' });
  const lifetime = file.auth?.tokenLifetime;
  if (lifetime !== undefined && lifetime !== 'never' && duration(lifetime, 0) < 60_000) problems.push({ field: 'auth.tokenLifetime', problem: 'must be at least 1m, or never' });
  for (const [field, value] of Object.entries(file.retention ?? {})) {
    if (duration(value, 0) < SHORTEST_RETENTION_MS) problems.push({ field: `retention.${field}`, problem: 'must be at least 1h' });
  }
  const oidc = file.auth?.oidc;
  const issuer = oidc ? issuerProblem(oidc.issuer) : null;
  if (issuer) problems.push({ field: 'auth.oidc.issuer', problem: issuer });
  if (oidc?.autoCreate && !oidc.allowedDomains?.length)
    problems.push({ field: 'auth.oidc.allowedDomains', problem: 'autoCreate needs the e-mail domains whose people may be created, such as [example.com]' });
  if (oidc?.roleMap && !oidc.roleClaim) problems.push({ field: 'auth.oidc.roleClaim', problem: 'roleMap needs the claim it maps, such as groups' });
  const scopes = oidc?.scopes ?? ['openid', 'email', 'profile'];
  if (oidc && !scopes.includes('openid')) problems.push({ field: 'auth.oidc.scopes', problem: 'must include openid' });
  const colors = file.organization?.colors;
  if (colors && contrastRatio(colors.text ?? DEFAULT_COLORS.text, colors.background ?? DEFAULT_COLORS.background) < 4.5)
    problems.push({ field: 'organization.colors', problem: 'text on background must have a contrast ratio of at least 4.5:1 (WCAG AA)' });
  for (const key of Object.keys(file.chat?.teams?.webhooks ?? {}))
    if (key !== 'default' && !seen.has(key)) problems.push({ field: `chat.teams.webhooks.${key}`, problem: 'is not a severity in the policy (nor default)' });
  for (const severity of Object.keys(file.statusPage?.componentStatusBySeverity ?? {}))
    if (!seen.has(severity)) problems.push({ field: `statusPage.componentStatusBySeverity.${severity}`, problem: 'is not a severity in the policy' });
  (file.webhooks?.allowTargets ?? []).forEach((entry, i) => {
    const problem = targetEntryProblem(entry);
    if (problem) problems.push({ field: `webhooks.allowTargets[${i}]`, problem });
  });
  const paging = pagingOf(file, problems);
  const pagers = pagerRoutingOf(file, levels.map((l) => l.id), problems);
  if (problems.length > 0) throw new ConfigError(source, problems);

  const name = file.organization?.name ?? 'Incident Command';
  const dueSoon = duration(file.reminders?.dueSoon, 5 * 60_000);
  return {
    source,
    organization: {
      name,
      statusPageTitle: file.organization?.statusPageTitle ?? `${name} Status`,
      logoUrl: file.organization?.logoUrl ?? null,
      colors: { ...DEFAULT_COLORS, ...file.organization?.colors },
    },
    statusPage: {
      showResponderNames: file.statusPage?.showResponderNames ?? false,
      componentStatusBySeverity: (file.statusPage?.componentStatusBySeverity ?? {}) as Record<string, ComponentStatus>,
      recentResolvedMs: duration(file.statusPage?.recentResolved, 14 * 86_400_000),
      cache: {
        maxAgeS: Math.round(duration(file.statusPage?.cache?.maxAge, 5_000) / 1000),
        sMaxAgeS: Math.round(duration(file.statusPage?.cache?.sMaxAge, 5_000) / 1000),
        staleWhileRevalidateS: Math.round(duration(file.statusPage?.cache?.staleWhileRevalidate, 60_000) / 1000),
      },
      rateLimit: { requests: file.statusPage?.rateLimit?.requests ?? 600, windowMs: duration(file.statusPage?.rateLimit?.per, 60_000) },
    },
    policy: { levels },
    stakeholders: file.stakeholders ?? [],
    paging,
    pagers,
    updates: { publicBy: file.updates?.publicBy ?? 'anyone' },
    reminders: {
      dueSoonMs: dueSoon,
      escalateAfterMs: file.reminders?.escalateAfter === undefined ? null : duration(file.reminders.escalateAfter, 0),
      roleGapMs: duration(file.reminders?.roleGap, 5 * 60_000),
      postmortemOwedMs: duration(file.reminders?.postmortemOwed, 24 * 3_600_000),
    },
    components: (file.components ?? []).map((c, i) => ({
      id: c.id,
      name: c.name,
      group: c.group ?? null,
      description: c.description ?? null,
      order: c.order ?? i,
    })),
    links: {
      statusPage: file.links?.statusPage ?? null,
      dashboard: file.links?.dashboard ?? null,
      runbook: file.links?.runbook ?? null,
    },
    alerts: {
      groupEventsBy: (file.alerts?.groupEventsBy as EventGroupField[] | undefined) ?? DEFAULT_EVENT_GROUP_BY,
      rateLimit: { requests: file.alerts?.rateLimit?.requests ?? 6000, windowMs: duration(file.alerts?.rateLimit?.per, 60_000) },
    },
    webhooks: { allowTargets: file.webhooks?.allowTargets ?? [] },
    chat: {
      slack: {
        command: file.chat?.slack?.command ?? '/incident',
        announceChannel: file.chat?.slack?.announceChannel?.replace(/^#/, '') ?? null,
        leadershipChannel: file.chat?.slack?.leadershipChannel?.replace(/^#/, '') ?? null,
        archiveAfterMs: file.chat?.slack?.archiveAfter === undefined ? 7 * 86_400_000 : duration(file.chat.slack.archiveAfter, 0),
      },
      mattermost: {
        announceChannel: file.chat?.mattermost?.announceChannel?.replace(/^[#~]/, '') ?? null,
        leadershipChannel: file.chat?.mattermost?.leadershipChannel?.replace(/^[#~]/, '') ?? null,
        archiveAfterMs: file.chat?.mattermost?.archiveAfter === undefined ? 7 * 86_400_000 : duration(file.chat.mattermost.archiveAfter, 0),
      },
      teams: { webhooks: { ...(file.chat?.teams?.webhooks ?? {}) } },
    },
    sessions: { idleMs: duration(file.sessions?.idleTimeout, 12 * 3_600_000), maxAgeMs: duration(file.sessions?.maxAge, 7 * 86_400_000) },
    auth: {
      tokenLifetimeMs: file.auth?.tokenLifetime === 'never' ? null : duration(file.auth?.tokenLifetime, 90 * 86_400_000),
      oidc: oidc
        ? {
            issuer: oidc.issuer,
            clientId: oidc.clientId,
            name: oidc.name ?? new URL(oidc.issuer).hostname,
            scopes,
            allowedDomains: (oidc.allowedDomains ?? []).map((d) => d.toLowerCase()),
            roleClaim: oidc.roleClaim ?? null,
            roleMap: (oidc.roleMap ?? {}) as Record<string, OrgRole>,
            autoCreate: oidc.autoCreate ?? false,
          }
        : null,
    },
    retention: {
      idempotencyKeysMs: duration(file.retention?.idempotencyKeys, DEFAULT_RETENTION.idempotencyKeysMs),
      deliveriesMs: duration(file.retention?.deliveries, DEFAULT_RETENTION.deliveriesMs),
      unconfirmedSubscribersMs: duration(file.retention?.unconfirmedSubscribers, DEFAULT_RETENTION.unconfirmedSubscribersMs),
    },
  };
}

/** `INCIDENT_CONFIG`, else `incident.config.yaml` in the working directory, else the defaults. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const explicit = env.INCIDENT_CONFIG;
  const path = resolve(cwd, explicit ?? 'incident.config.yaml');
  if (!existsSync(path)) {
    if (explicit) throw new ConfigError(path, [{ field: '(file)', problem: 'does not exist (INCIDENT_CONFIG)' }]);
    return buildConfig({}, 'built-in defaults');
  }
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? `line ${error.linePos[0].line}` : '(file)';
    throw new ConfigError(path, [{ field: where, problem: `is not valid YAML: ${(error as Error).message.split('\n')[0]}` }]);
  }
  return buildConfig(raw, path);
}
