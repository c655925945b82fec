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
}

export interface MailSender {
  send(message: MailMessage): Promise<void>;
}

export function smtpMailSender(url: string, from: string): MailSender {
  const transport = nodemailer.createTransport(url);
  return {
    async send(message) {
      await transport.sendMail({ from, to: message.to, subject: message.subject, text: message.text, html: message.html, messageId: message.messageId, headers: message.headers ?? {} });
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
