/**
 * A local webhook receiver (node:http on 127.0.0.1) that checks every request's Standard
 * Webhooks signature independently of the code under test, records what it got, and
 * answers what the test scripts. Each path (`/hook/<name>`) is one subscription: its own
 * secret and its own scripted failures.
 */
import { createServer, type Server } from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface Received {
  path: string;
  id: string;
  timestamp: number;
  signatureValid: boolean;
  /** The webhook-signature header and the raw body, to check against other secrets afterwards. */
  signature: string;
  raw: string;
  body: { type: string; timestamp: string; data: Record<string, unknown> & { incident: { id: string; private: boolean } } };
}

export class WebhookReceiver {
  readonly received: Received[] = [];
  /** The signing secret per path. */
  readonly secrets = new Map<string, string>();
  /** Answer 500 to the next n requests on a path. */
  readonly failures = new Map<string, number>();
  private server: Server | null = null;
  base = '';

  url(name: string): string {
    return `${this.base}/hook/${name}`;
  }

  on(name: string): Received[] {
    return this.received.filter((r) => r.path === `/hook/${name}`);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let raw = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (raw += chunk));
      req.on('end', () => {
        const path = req.url ?? '';
        const id = String(req.headers['webhook-id']);
        const timestamp = Number(req.headers['webhook-timestamp']);
        const signature = String(req.headers['webhook-signature']);
        const signatureValid = this.verify(this.secrets.get(path) ?? '', id, timestamp, raw, signature);
        this.received.push({ path, id, timestamp, signatureValid, signature, raw, body: JSON.parse(raw) as Received['body'] });
        const failures = this.failures.get(path) ?? 0;
        if (failures > 0) {
          this.failures.set(path, failures - 1);
          res.writeHead(500).end('no');
        } else res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    return this;
  }

  /** Standard Webhooks: "v1,<base64>" entries separated by spaces; the key is the secret's base64 part decoded. */
  verify(secret: string, id: string, timestamp: number, body: string, header: string): boolean {
    if (!secret.startsWith('whsec_')) return false;
    const expected = createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64')).update(`${id}.${timestamp}.${body}`).digest();
    return header.split(' ').some((entry) => {
      const [version, signature] = entry.split(',');
      const given = Buffer.from(signature ?? '', 'base64');
      return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
    });
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
