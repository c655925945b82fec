/** Durations in configuration are strings such as `30m`, `90s`, `1h`, `1h30m`. */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(?:\d+(?:ms|s|m|h|d))+$/;
const PART = /(\d+)(ms|s|m|h|d)/g;

export function parseDuration(text: string): number | null {
  if (!DURATION.test(text)) return null;
  let total = 0;
  for (const [, n, unit] of text.matchAll(PART)) total += Number(n) * (UNIT_MS[unit as string] ?? 0);
  return total;
}

export function formatDuration(ms: number): string {
  const negative = ms < 0;
  let rest = Math.round(Math.abs(ms) / 1000);
  const d = Math.floor(rest / 86_400);
  rest -= d * 86_400;
  const h = Math.floor(rest / 3_600);
  rest -= h * 3_600;
  const m = Math.floor(rest / 60);
  const s = rest - m * 60;
  const parts = [d && `${d}d`, h && `${h}h`, m && `${m}m`, (s || (!d && !h && !m)) && `${s}s`].filter(Boolean);
  return (negative ? '-' : '') + parts.join(' ');
}

/** `2026-06-06 14:14 UTC`: how templates, the timeline and the CLI print a time. */
export function utcMinute(isoTime: string, seconds = false): string {
  return `${isoTime.slice(0, 10)} ${isoTime.slice(11, seconds ? 19 : 16)} UTC`;
}

/** A time given as input, in the stored form (UTC, milliseconds); null when it is not a time. */
export function toUtcIso(text: string): string | null {
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

export function addMs(isoTime: string, ms: number): string {
  return new Date(Date.parse(isoTime) + ms).toISOString();
}

/** `HH:MM` in UTC, as the status update template prints times. */
export function hhmmUtc(isoTime: string): string {
  return isoTime.slice(11, 16);
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
