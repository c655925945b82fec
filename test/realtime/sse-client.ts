/** A small Server-Sent Events reader for tests: collects messages and waits for the ones a test expects. */
import http from 'node:http';
import type { IncidentMessageData } from '../../src/presenters/sse.js';

export interface SseMessage {
  id: string | null;
  event: string;
  data: string;
}

export interface IncidentMessage extends IncidentMessageData {
  eventId: number;
}

export class SseClient {
  readonly messages: SseMessage[] = [];
  readonly comments: string[] = [];
  retry: number | null = null;
  status = 0;
  contentType = '';
  ended = false;
  private buffer = '';
  /** Text after the last complete message. */
  private pending = '';
  private waiters = new Set<() => void>();
  private request: http.ClientRequest | null = null;

  /** Connects to `url` and resolves once the answer's headers have arrived (any status). */
  static async open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = new SseClient();
    await new Promise<void>((resolve, reject) => {
      client.request = http.get(url, { headers: { accept: 'text/event-stream', ...headers }, agent: false }, (res) => {
        client.status = res.statusCode ?? 0;
        client.contentType = String(res.headers['content-type'] ?? '');
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => client.feed(chunk));
        res.on('end', () => client.finish());
        res.on('close', () => client.finish());
        resolve();
      });
      client.request.on('error', (error) => {
        client.finish();
        reject(error);
      });
    });
    return client;
  }

  /** The `incident` messages with their data parsed. */
  get incidents(): IncidentMessage[] {
    return this.messages
      .filter((m) => m.event === 'incident')
      .map((m) => ({ eventId: Number(m.id), ...(JSON.parse(m.data) as IncidentMessageData) }));
  }

  get body(): string {
    return this.buffer;
  }

  /** Waits (at most `timeoutMs`) until `done()` holds; rejects with what arrived otherwise. */
  async until(done: (client: SseClient) => boolean, timeoutMs = 5000): Promise<void> {
    if (done(this)) return;
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (done(this)) {
          clearTimeout(timer);
          this.waiters.delete(check);
          resolve();
        }
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out; got ${JSON.stringify(this.messages)}`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  /** Waits until `count` incident messages have arrived. */
  untilIncidents(count: number, timeoutMs = 5000) {
    return this.until((c) => c.incidents.length >= count, timeoutMs);
  }

  close(): void {
    this.request?.destroy();
  }

  private feed(chunk: string): void {
    this.buffer += chunk;
    let rest = this.pending + chunk;
    let end: number;
    while ((end = rest.indexOf('\n\n')) !== -1) {
      this.parse(rest.slice(0, end));
      rest = rest.slice(end + 2);
    }
    this.pending = rest;
    for (const waiter of [...this.waiters]) waiter();
  }

  private parse(block: string): void {
    let id: string | null = null;
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
      else if (line.startsWith('retry:')) this.retry = Number(line.slice(6).trim());
      else if (line.startsWith('id:')) id = line.slice(3).trim();
      else if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trim());
    }
    if (data.length) this.messages.push({ id, event, data: data.join('\n') });
  }

  private finish(): void {
    this.ended = true;
    for (const waiter of [...this.waiters]) waiter();
  }
}
