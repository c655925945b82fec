/**
 * Posting to a Microsoft Teams "Workflows" incoming webhook (the "Post to a channel when a
 * webhook request is received" flow): one JSON message with an Adaptive Card attachment.
 * Failures come back as ChatError, in the terms the chat delivery worker retries by: 429
 * waits out its Retry-After, 5xx and network errors back off, other 4xx are refusals.
 */
import { ChatError } from '../port.js';

/** A call is given up after this long: less than the delivery worker's spare lease time. */
const TIMEOUT_MS = 10_000;

export interface TeamsWebhookPoster {
  post(url: string, message: unknown): Promise<void>;
}

/** Retry-After in seconds or as an HTTP date; a second when it says nothing usable. */
export function retryAfterMs(header: string | null, nowMs: number): number {
  if (header && /^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = header ? Date.parse(header) : NaN;
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : 1000;
}

export const teamsWebhookPoster: TeamsWebhookPoster = {
  async post(url, message) {
    // The address carries the flow's signature (`sig=`): it never goes into an error message or a log.
    const where = new URL(url).host;
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(message), signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'error' });
    } catch (error) {
      throw new ChatError('unavailable', `Teams webhook ${where}: ${(error as Error).message}`);
    }
    // The body is not needed; reading it frees the connection.
    await res.arrayBuffer().catch(() => undefined);
    if (res.ok) return;
    if (res.status === 429) throw new ChatError('rate_limited', `Teams webhook ${where}: rate limited`, null, retryAfterMs(res.headers.get('retry-after'), Date.now()));
    if (res.status >= 500 || res.status === 408) throw new ChatError('unavailable', `Teams webhook ${where}: HTTP ${res.status}`);
    throw new ChatError('refused', `Teams webhook ${where}: HTTP ${res.status}`, `http_${res.status}`);
  },
};
