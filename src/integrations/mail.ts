/**
 * The mail port: one message to one address. `smtpMailSender` is the real adapter
 * (nodemailer over SMTP, from `SMTP_URL` and `MAIL_FROM`); `MemoryMailSender` records
 * messages for tests. Nothing else in the code knows about SMTP.
 */
import nodemailer from 'nodemailer';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Stable per (event, recipient): the Message-ID, so a resend after a crash can be recognized. */
  messageId: string;
  /** Extra headers, e.g. List-Unsubscribe. */
  headers?: Record<string, string>;
  /** Files sent with it, e.g. the postmortem review's invite (text/calendar). */
  attachments?: MailAttachment[];
}

export interface MailAttachment {
  filename: string;
  /** The part's Content-Type, parameters included (`text/calendar; method=REQUEST; charset=utf-8`). */
  contentType: string;
  content: string;
}

export interface MailSender {
  send(message: MailMessage): Promise<void>;
}

/**
 * nodemailer's defaults (2 min to connect, 10 min of silence) are far above the 60 s lease
 * on a claimed e-mail: another instance would take it and send it twice. Each stage is
 * bounded, and the whole send too (a server trickling a byte at a time).
 */
export const MAIL_TIMEOUTS = { connectionMs: 10_000, greetingMs: 10_000, socketMs: 15_000, sendMs: 30_000 };

export function smtpMailSender(url: string, from: string, timeouts = MAIL_TIMEOUTS): MailSender {
  const transport = nodemailer.createTransport({
    url,
    connectionTimeout: timeouts.connectionMs,
    greetingTimeout: timeouts.greetingMs,
    socketTimeout: timeouts.socketMs,
    dnsTimeout: timeouts.connectionMs,
  });
  return {
    async send(message) {
      let timer: NodeJS.Timeout | undefined;
      const { to, subject, text, html, messageId } = message;
      const attachments = (message.attachments ?? []).map(({ filename, contentType, content }) => ({ filename, contentType, content }));
      const sending = transport.sendMail({ from, to, subject, text, html, messageId, headers: message.headers ?? {}, attachments });
      const expired = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the mail server did not take the message within ${timeouts.sendMs / 1000} s`)), timeouts.sendMs);
      });
      try {
        await Promise.race([sending, expired]);
      } finally {
        clearTimeout(timer);
        sending.catch(() => undefined);
      }
    },
  };
}

/** The configured sender, or null when `SMTP_URL` is not set (then no e-mail is queued). */
export function mailFromEnvironment(env: NodeJS.ProcessEnv): MailSender | null {
  if (!env.SMTP_URL) return null;
  return smtpMailSender(env.SMTP_URL, env.MAIL_FROM ?? 'Incident Command <incidents@localhost>');
}

export class MemoryMailSender implements MailSender {
  readonly sent: MailMessage[] = [];
  async send(message: MailMessage): Promise<void> {
    this.sent.push(message);
  }
}
