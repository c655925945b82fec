/** Times as the console shows and takes them: UTC first (as stored and as the templates print), local beside it. */
import { useEffect, useState } from 'react';
import { formatDuration, utcMinute } from '../../src/domain/model/time.js';

export { formatDuration };

/** `2026-06-06 14:14:05 UTC` */
export const utcTime = (iso: string) => utcMinute(iso, true);

/** The same moment on the reader's clock, e.g. `16:14:05 CEST`. */
export function localTime(iso: string): string {
  return new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short' });
}

/** A UTC time as a `datetime-local` input value (the inputs are labelled UTC). */
export function toUtcInput(iso: string): string {
  return iso.slice(0, 19);
}

/** A `datetime-local` value taken as UTC; '' stays empty. */
export function fromUtcInput(value: string): string | undefined {
  if (!value) return undefined;
  const withSeconds = value.length === 16 ? `${value}:00` : value;
  const ms = Date.parse(`${withSeconds}Z`);
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
}

/** Re-renders every `intervalMs` so ages and countdowns move without anything else changing. */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** `18m` style ages for lists; `formatDuration` for the room. */
export function age(fromIso: string, now: number): string {
  return formatDuration(Math.max(0, now - Date.parse(fromIso))).split(' ').slice(0, 2).join(' ');
}
