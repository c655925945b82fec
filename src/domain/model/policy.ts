/**
 * R2 — severity is policy, from configuration. The shape of a level is fixed; the
 * thresholds, names, cadences and number of levels are the team's.
 */
export type Audience = 'public' | 'stakeholders' | 'internal';
export type RolePolicy = 'separate' | 'comms-separate' | 'combined';
export type PostmortemPolicy = 'required' | 'optional';

export interface SeverityLevel {
  id: string;
  name: string;
  impact: string;
  response: string;
  /** Milliseconds between status updates; null means "at start and resolution only". */
  updateEveryMs: number | null;
  /** How soon after declaring the first update is due: comms run from minute one, whatever the cadence. */
  firstUpdateWithinMs: number;
  /**
   * Without a cadence, how soon after an update that says `monitoring` the final one (resolving)
   * is due: the fix is in, and nobody is left wondering whether it held. Unused with a cadence.
   */
  finalUpdateWithinMs: number;
  audience: Audience;
  roles: RolePolicy;
  postmortem: PostmortemPolicy;
  escalateTo: string[];
  /** Handles told of every status update (R7), besides the organization's `stakeholders`; none when the audience is internal. */
  stakeholders: string[];
}

export interface SeverityPolicy {
  levels: SeverityLevel[];
}

export const DEFAULT_SEVERITIES: SeverityLevel[] = [
  {
    id: 'SEV1',
    name: 'Critical',
    impact: 'Core feature down for most users, data loss, or revenue stopped',
    response: 'All hands, page leadership, dedicated IC + Comms + Scribe',
    updateEveryMs: 30 * 60_000,
    firstUpdateWithinMs: 10 * 60_000,
    finalUpdateWithinMs: 60 * 60_000,
    audience: 'public',
    roles: 'separate',
    postmortem: 'required',
    escalateTo: [],
    stakeholders: [],
  },
  {
    id: 'SEV2',
    name: 'Major',
    impact: 'Significant degradation, or one feature broken for many users',
    response: 'On-call + relevant SMEs, IC assigned',
    updateEveryMs: 60 * 60_000,
    firstUpdateWithinMs: 15 * 60_000,
    finalUpdateWithinMs: 60 * 60_000,
    audience: 'public',
    roles: 'comms-separate',
    postmortem: 'required',
    escalateTo: [],
    stakeholders: [],
  },
  {
    id: 'SEV3',
    name: 'Minor',
    impact: 'Limited impact, a workaround exists, no urgent revenue risk',
    response: 'On-call handles it, IC role often combined',
    updateEveryMs: null,
    firstUpdateWithinMs: 30 * 60_000,
    finalUpdateWithinMs: 60 * 60_000,
    audience: 'internal',
    roles: 'combined',
    postmortem: 'optional',
    escalateTo: [],
    stakeholders: [],
  },
];

export function findSeverity(policy: SeverityPolicy, id: string): SeverityLevel | undefined {
  return policy.levels.find((level) => level.id === id);
}

/** Levels are listed most severe first; a lower index is a higher severity. */
export function severityRank(policy: SeverityPolicy, id: string): number {
  return policy.levels.findIndex((level) => level.id === id);
}

/** `reminders` in the configuration file, in milliseconds (`Config.reminders`). */
export interface ReminderSettings {
  dueSoonMs: number;
  /** null: half the severity's cadence. */
  escalateAfterMs: number | null;
  roleGapMs: number;
  postmortemOwedMs: number;
}

/** Who may send a public update out once a Comms Lead is named (`updates.publicBy`; the rule: src/domain/updates/outbound.ts). */
export const PUBLIC_BY = ['anyone', 'comms-lead', 'comms-lead-approves'] as const;
export type PublicBy = (typeof PUBLIC_BY)[number];
