/** Reading stored delivery bodies back: gzipped when they were large (see AlertInbox.accept). */
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { normalizeAlertmanager, type AlertBatch } from '../../domain/alerts/alertmanager.js';
import type { Alert } from '../../domain/alerts/alert.js';

/** Alerts of a large body normalized between two looks at the event loop. */
const NORMALIZE_SLICE = 1_000;

const decompress = promisify(gunzip);

/** Stored bodies are gzipped when large; JSON never starts with gzip's magic bytes. */
function isGzip(stored: Buffer): boolean {
  return stored.length >= 2 && stored[0] === 0x1f && stored[1] === 0x8b;
}

/** The stored body as JSON; undefined when it is not JSON. */
export async function readJson(stored: Buffer): Promise<unknown> {
  try {
    return JSON.parse((isGzip(stored) ? await decompress(stored) : stored).toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * normalizeAlertmanager, a slice at a time, calling `between` in between: the
 * 20,000 alerts of an 8 MB snapshot take long enough to hold up an answer otherwise.
 * The same result: one alert per fingerprint, in first-mention order, the last mention standing.
 */
export async function normalizeInSlices(body: unknown, receivedAt: string, between: () => Promise<void>): Promise<AlertBatch> {
  const root = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const all: unknown[] = Array.isArray(root.alerts) ? root.alerts : [];
  if (all.length <= NORMALIZE_SLICE) return normalizeAlertmanager(body, receivedAt);
  const alerts = new Map<string, Alert>();
  let byClock = false;
  for (let i = 0; i < all.length; i += NORMALIZE_SLICE) {
    await between();
    const slice = normalizeAlertmanager({ ...root, alerts: all.slice(i, i + NORMALIZE_SLICE) }, receivedAt);
    for (const alert of slice.alerts) alerts.set(alert.fingerprint, alert);
    byClock ||= slice.byClock;
  }
  return { ...normalizeAlertmanager({ ...root, alerts: [] }, receivedAt), alerts: [...alerts.values()], byClock };
}
