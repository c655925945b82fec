/**
 * A real SMTP server for tests (the `smtp-server` package) on 127.0.0.1, keeping every
 * message it accepts, with just enough MIME reading to get the subject and the
 * text/plain and text/html parts back out (quoted-printable, base64 or 7bit).
 */
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** Every other leaf part (files sent with it: the postmortem invite's .ics), decoded. */
  attachments: { contentType: string; disposition: string; content: string }[];
  raw: string;
}

function decodeBody(body: string, encoding: string): string {
  if (/base64/i.test(encoding)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (/quoted-printable/i.test(encoding)) {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex: string) => `%${hex}`);
    return decodeURIComponent(bytes.replace(/%(?![0-9A-F]{2})/gi, '%25'));
  }
  return body;
}

function splitHead(part: string): { headers: Map<string, string>; body: string } {
  const at = part.search(/\r?\n\r?\n/);
  const head = part.slice(0, at).replace(/\r?\n[ \t]+/g, ' ');
  const body = part.slice(at).replace(/^\r?\n\r?\n/, '');
  const headers = new Map<string, string>();
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body };
}

/** Reads one message: its subject, its text and HTML parts, wherever they nest, and the other parts. */
export function parseMail(raw: string): Pick<ReceivedMail, 'subject' | 'text' | 'html' | 'attachments'> {
  const found = { text: '', html: '', attachments: [] as ReceivedMail['attachments'] };
  const walk = (part: string) => {
    const { headers, body } = splitHead(part);
    const type = headers.get('content-type') ?? 'text/plain';
    const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
    if (/^multipart\//i.test(type) && boundary) {
      for (const piece of body.split(`--${boundary}`).slice(1)) if (!piece.startsWith('--')) walk(piece.replace(/^\r?\n/, ''));
    } else if (/^text\/plain/i.test(type)) found.text = decodeBody(body, headers.get('content-transfer-encoding') ?? '');
    else if (/^text\/html/i.test(type)) found.html = decodeBody(body, headers.get('content-transfer-encoding') ?? '');
    else found.attachments.push({ contentType: type, disposition: headers.get('content-disposition') ?? '', content: decodeBody(body, headers.get('content-transfer-encoding') ?? '') });
  };
  walk(raw);
  return { subject: splitHead(raw).headers.get('subject') ?? '', ...found };
}

export class SmtpReceiver {
  readonly messages: ReceivedMail[] = [];
  /** Refuse the next n messages with a temporary failure (451). */
  failures = 0;
  private server: SMTPServer | null = null;
  url = '';

  async start(): Promise<this> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, session, callback) => {
        let raw = '';
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => (raw += chunk));
        stream.on('end', () => {
          if (this.failures > 0) {
            this.failures--;
            const error = new Error('try again later') as Error & { responseCode: number };
            error.responseCode = 451;
            return callback(error);
          }
          this.messages.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw,
            ...parseMail(raw),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.server.address();
    this.url = `smtp://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    return this;
  }

  to(address: string): ReceivedMail[] {
    return this.messages.filter((m) => m.to.includes(address));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
