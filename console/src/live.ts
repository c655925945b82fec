/**
 * The realtime stream: one EventSource per page on /api/v1/events. EventSource reconnects by
 * itself and sends Last-Event-ID, so the server replays what was missed; listeners re-read
 * what changed rather than applying the message. `alerts` messages (alert groups changed)
 * go to their own listeners, so incident screens do not re-read on every alert.
 */
import { createContext, useContext, useEffect, useRef } from 'react';
import type { IncidentMessageData } from '../../src/presenters/sse.js';

export type LiveMessage = IncidentMessageData;

/** A message, or null: the stream (re)opened, so anything may have changed. */
export type LiveListener = (message: LiveMessage | null) => void;

export type LiveState = 'connecting' | 'live' | 'reconnecting';

const REOPEN_AFTER_MS = 3000;

export class LiveStream {
  private readonly listeners = new Set<LiveListener>();
  private readonly alertListeners = new Set<() => void>();
  private readonly stateListeners = new Set<(state: LiveState) => void>();
  private source: EventSource | null = null;
  private lastEventId: string | null = null;
  private reopen: ReturnType<typeof setTimeout> | null = null;
  state: LiveState = 'connecting';

  constructor(private readonly url = '/api/v1/events') {}

  start(): void {
    if (this.source) return;
    // A new EventSource cannot send Last-Event-ID; `since` resumes it from the same place.
    const url = this.lastEventId ? `${this.url}?since=${encodeURIComponent(this.lastEventId)}` : this.url;
    const source = new EventSource(url, { withCredentials: true });
    this.source = source;
    source.addEventListener('open', () => {
      this.setState('live');
      this.emit(null);
      this.emitAlerts();
    });
    source.addEventListener('error', () => {
      this.setState('reconnecting');
      // EventSource retries a dropped connection by itself, but gives up on an error answer (a restarting proxy's 502).
      if (source.readyState === EventSource.CLOSED && this.source === source) {
        this.source = null;
        this.reopen = setTimeout(() => this.start(), REOPEN_AFTER_MS);
      }
    });
    source.addEventListener('incident', (event) => {
      const message = event as MessageEvent<string>;
      if (message.lastEventId) this.lastEventId = message.lastEventId;
      try {
        this.emit(JSON.parse(message.data) as LiveMessage);
      } catch {
        this.emit(null);
      }
    });
    source.addEventListener('alerts', () => this.emitAlerts());
  }

  stop(): void {
    if (this.reopen) clearTimeout(this.reopen);
    this.reopen = null;
    this.source?.close();
    this.source = null;
  }

  subscribe(listener: LiveListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Alert groups were created or changed, or the stream (re)opened. */
  subscribeAlerts(listener: () => void): () => void {
    this.alertListeners.add(listener);
    return () => this.alertListeners.delete(listener);
  }

  onState(listener: (state: LiveState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  private emit(message: LiveMessage | null) {
    for (const listener of this.listeners) listener(message);
  }

  private emitAlerts() {
    for (const listener of this.alertListeners) listener();
  }

  private setState(state: LiveState) {
    this.state = state;
    for (const listener of this.stateListeners) listener(state);
  }
}

export const LiveContext = createContext<LiveStream | null>(null);

/** Calls `listener` on every message (or reopening) of the page's stream; none outside a live page (component tests). */
export function useLive(listener: LiveListener): void {
  const stream = useContext(LiveContext);
  const latest = useRef(listener);
  useEffect(() => {
    latest.current = listener;
  });
  useEffect(() => (stream ? stream.subscribe((m) => latest.current(m)) : undefined), [stream]);
}

/** Calls `listener` whenever alert groups may have changed. */
export function useLiveAlerts(listener: () => void): void {
  const stream = useContext(LiveContext);
  const latest = useRef(listener);
  useEffect(() => {
    latest.current = listener;
  });
  useEffect(() => (stream ? stream.subscribeAlerts(() => latest.current()) : undefined), [stream]);
}
