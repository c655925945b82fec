/**
 * The realtime stream: one EventSource per page on /api/v1/events. EventSource reconnects by
 * itself and sends Last-Event-ID, so the server replays what was missed; listeners re-read
 * what changed rather than applying the message.
 */
import { createContext, useContext, useEffect, useRef } from 'react';

export interface LiveMessage {
  id: string;
  number: number;
  seq: number;
  type: string;
  at: string;
  actor: string;
}

/** A message, or null: the stream (re)opened, so anything may have changed. */
export type LiveListener = (message: LiveMessage | null) => void;

export type LiveState = 'connecting' | 'live' | 'reconnecting';

export class LiveStream {
  private readonly listeners = new Set<LiveListener>();
  private readonly stateListeners = new Set<(state: LiveState) => void>();
  private source: EventSource | null = null;
  state: LiveState = 'connecting';

  constructor(private readonly url = '/api/v1/events') {}

  start(): void {
    if (this.source) return;
    const source = new EventSource(this.url, { withCredentials: true });
    this.source = source;
    source.addEventListener('open', () => {
      this.setState('live');
      this.emit(null);
    });
    source.addEventListener('error', () => this.setState('reconnecting'));
    source.addEventListener('incident', (event) => {
      try {
        this.emit(JSON.parse((event as MessageEvent<string>).data) as LiveMessage);
      } catch {
        this.emit(null);
      }
    });
  }

  stop(): void {
    this.source?.close();
    this.source = null;
  }

  subscribe(listener: LiveListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onState(listener: (state: LiveState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  private emit(message: LiveMessage | null) {
    for (const listener of this.listeners) listener(message);
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
  latest.current = listener;
  useEffect(() => (stream ? stream.subscribe((m) => latest.current(m)) : undefined), [stream]);
}
