/** The Server-Sent Events wire format of the realtime stream (`GET /api/v1/events`). Pure. */
import { DomainError } from '../domain/model/errors.js';
import type { AnnouncedEvent } from '../domain/realtime/feed.js';
import { incidentId } from '../domain/model/ids.js';

/** Reconnect after a second: the console is live within a second of a drop. */
export const RETRY = 'retry: 1000\n\n';
/** A comment line: proxies and browsers keep an idle stream open when something passes. */
export const HEARTBEAT = ': keepalive\n\n';
export const HEARTBEAT_EVERY_MS = 15_000;

/**
 * `event: alerts`: alert groups were created or changed. No id, so Last-Event-ID resumption
 * is untouched, and no content: the console's inbox re-reads the groups.
 */
export const ALERTS_MESSAGE = 'event: alerts\ndata: {}\n\n';
/** A storm changes groups many times a second; readers hear of it at most this often. */
export const ALERTS_EVERY_MS = 250;

/** The `data` of an `event: incident` message, as the console and other clients read it. */
export interface IncidentMessageData {
  id: string;
  number: number;
  seq: number;
  type: string;
  at: string;
  actor: string;
}

export function incidentMessage(event: AnnouncedEvent): string {
  const data: IncidentMessageData = { id: `${incidentId(event.incident)}`, number: event.incident, seq: event.seq, type: event.type, at: event.recordedAt, actor: event.actor };
  return `id: ${event.id}\nevent: incident\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Where a stream resumes: after `Last-Event-ID` (sent by a reconnecting EventSource),
 * else after `?since=` (for clients that cannot set headers), else from now (null). The
 * header wins because an EventSource reconnects to the same URL, `since` included.
 */
export function resumeAfter(lastEventId: string | string[] | undefined, since: number | undefined): number | null {
  const value = (Array.isArray(lastEventId) ? lastEventId[0] : lastEventId)?.trim();
  if (value) {
    if (!/^\d{1,15}$/.test(value))
      throw new DomainError('VALIDATION_FAILED', 'Last-Event-ID must be the id of an event this stream sent.', { field: 'last-event-id' });
    return Number(value);
  }
  return since ?? null;
}
