/** What people type at 2am, turned into what the API takes: ids, role names, times. */
import { parseDuration } from '../domain/model/time.js';
import { incidentId as formatIncidentId, parseIncidentId } from '../domain/model/ids.js';
import { UsageError } from './client.js';

/** `INC-7`, `inc-7` or `7` → `INC-7`. */
export function incidentId(text: string): string {
  const number = parseIncidentId(text);
  if (number === null) throw new UsageError(`"${text}" is not an incident id; use INC-7 or 7.`);
  return formatIncidentId(number);
}

export type RoleName = 'incident_commander' | 'comms_lead' | 'scribe';
const ROLE_ALIASES: Record<string, RoleName> = {
  ic: 'incident_commander',
  commander: 'incident_commander',
  incident_commander: 'incident_commander',
  comms: 'comms_lead',
  comms_lead: 'comms_lead',
  scribe: 'scribe',
};

export function roleName(text: string): RoleName {
  const role = ROLE_ALIASES[text.trim().toLowerCase().replace(/-/g, '_')];
  if (!role) throw new UsageError(`"${text}" is not a role; use ic (incident_commander), comms (comms_lead) or scribe.`);
  return role;
}

export function handle(text: string): string {
  return text.trim().replace(/^@/, '').toLowerCase();
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const CLOCK = /^(\d{1,2}):(\d{2})$/;
const HALF_DAY = 12 * 3_600_000;

/** A full date-time; one without an offset is read as UTC, like every time this tool shows. */
function absolute(text: string): string | null {
  const match = ISO_DATE.exec(text);
  if (!match) return null;
  let normalized = text.replace(' ', 'T');
  if (!match[1] && normalized.includes('T')) normalized += 'Z';
  const ms = Date.parse(normalized);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** `HH:MM` is UTC, on whichever day puts it nearest to now (so 00:20 typed at 23:50 is tomorrow). */
function clock(text: string, now: Date): string | null {
  const match = CLOCK.exec(text);
  if (!match) return null;
  const [h, m] = [Number(match[1]), Number(match[2])];
  if (h > 23 || m > 59) return null;
  const candidate = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), h, m);
  const diff = candidate - now.getTime();
  const ms = diff > HALF_DAY ? candidate - 2 * HALF_DAY : diff < -HALF_DAY ? candidate + 2 * HALF_DAY : candidate;
  return new Date(ms).toISOString();
}

const FUTURE_HELP = 'an ISO time (2026-06-06T15:00:00Z), HH:MM in UTC, or a duration from now (30m, 1h)';
const PAST_HELP = 'an ISO time (2026-06-06T14:14:00Z), HH:MM in UTC, or how long ago (15m ago)';

/** For "next update by" and postmortem dates: ISO, `HH:MM` UTC, or `30m` / `in 30m` from now. */
export function futureTime(text: string, what: string, now = new Date()): string {
  const trimmed = text.trim();
  const relative = /^(?:in\s+|\+)?(\S+)$/i.exec(trimmed)?.[1];
  const duration = relative ? parseDuration(relative) : null;
  const result = absolute(trimmed) ?? clock(trimmed, now) ?? (duration !== null ? new Date(now.getTime() + duration).toISOString() : null);
  if (!result) throw new UsageError(`${what} "${text}" is not a time; use ${FUTURE_HELP}.`);
  return result;
}

/** For backdating a timeline entry: ISO, `HH:MM` UTC, or `15m ago`. */
export function pastTime(text: string, what: string, now = new Date()): string {
  const trimmed = text.trim();
  const relative = /^(?:-)?(\S+?)(?:\s*ago)?$/i.exec(trimmed)?.[1];
  const duration = relative ? parseDuration(relative) : null;
  const result = absolute(trimmed) ?? clock(trimmed, now) ?? (duration !== null ? new Date(now.getTime() - duration).toISOString() : null);
  if (!result) throw new UsageError(`${what} "${text}" is not a time; use ${PAST_HELP}.`);
  return result;
}

export function positiveInt(text: string, what: string): number {
  const n = Number(text.trim().replace(/^#/, ''));
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${what} must be a positive whole number; "${text}" is not.`);
  return n;
}

/** Repeatable, comma-separable option values: `--component checkout --component cart,search`. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];
}

/** An alert group's id as `incident alerts` shows it: `12` or `#12`. */
export function alertGroupId(text: string): string {
  const match = /^#?([1-9][0-9]{0,14})$/.exec(text.trim());
  if (!match) throw new UsageError(`"${text}" is not an alert group id; "incident alerts" lists them (ids such as 12).`);
  return match[1]!;
}
