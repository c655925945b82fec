/**
 * A local stand-in for Teams Workflows webhooks (node:http on 127.0.0.1): each path is one
 * channel's flow. It takes what Workflows' "Post to a channel when a webhook request is
 * received" takes (a message whose attachments are Adaptive Cards), answers 202 like it,
 * records what it accepted, and answers scripted failures (429 with Retry-After, 5xx) first.
 * A request that is not such a message is recorded as a violation.
 */
import { createServer, type Server } from 'node:http';

export interface TeamsPost {
  path: string;
  body: { type: string; attachments: { contentType: string; contentUrl: unknown; content: Record<string, unknown> }[] };
}

export class FakeTeamsWebhook {
  readonly accepted: TeamsPost[] = [];
  readonly violations: string[] = [];
  /** Answers given before accepting, per path, in order: a status and its Retry-After. */
  readonly script = new Map<string, { status: number; retryAfter?: string }[]>();
  /** Every request, accepted or not: retries show here. */
  requests = 0;
  private server: Server | null = null;
  private base = '';

  url(channel: string): string {
    return `${this.base}/workflows/${channel}/triggers/manual/paths/invoke?api-version=1&sig=secret-${channel}`;
  }

  on(channel: string): TeamsPost['body'][] {
    return this.accepted.filter((p) => p.path === `/workflows/${channel}/triggers/manual/paths/invoke`).map((p) => p.body);
  }

  fail(channel: string, ...answers: { status: number; retryAfter?: string }[]): void {
    this.script.set(`/workflows/${channel}/triggers/manual/paths/invoke`, answers);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let raw = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (raw += chunk));
      req.on('end', () => {
        this.requests++;
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const scripted = this.script.get(url.pathname)?.shift();
        if (scripted) {
          res.writeHead(scripted.status, scripted.retryAfter ? { 'retry-after': scripted.retryAfter } : {}).end('{"error":{"code":"scripted"}}');
          return;
        }
        const problem = this.check(req.method, req.headers['content-type'], url, raw);
        if (problem) {
          this.violations.push(problem);
          res.writeHead(400).end(JSON.stringify({ error: { message: problem } }));
          return;
        }
        this.accepted.push({ path: url.pathname, body: JSON.parse(raw) as TeamsPost['body'] });
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (!address || typeof address === 'string') throw new Error('no address');
    this.base = `http://127.0.0.1:${address.port}`;
    return this;
  }

  private check(method: string | undefined, type: string | undefined, url: URL, raw: string): string | null {
    if (method !== 'POST') return `${method} instead of POST`;
    if (!type?.startsWith('application/json')) return `content-type ${type}`;
    if (!url.searchParams.get('sig')) return 'the signature (sig) left off the address';
    let body: TeamsPost['body'];
    try {
      body = JSON.parse(raw) as TeamsPost['body'];
    } catch {
      return 'a body that is not JSON';
    }
    if (body.type !== 'message') return `type ${String(body.type)}`;
    if (!Array.isArray(body.attachments) || body.attachments.length === 0) return 'no attachments';
    for (const a of body.attachments) {
      if (a.contentType !== 'application/vnd.microsoft.card.adaptive') return `attachment of ${a.contentType}`;
      if (a.content?.type !== 'AdaptiveCard') return 'an attachment that is not an AdaptiveCard';
    }
    return null;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
