/** The setup the e-mail suites share: an app on one store, a real SMTP server, and people with addresses and tokens. */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { testApp, type StoreKind, type TestApp } from '../support/harness.js';
import { API, ok } from '../api/helpers.js';
import { SmtpReceiver } from '../support/smtp-receiver.js';
import type { HttpDeps } from '../../src/http/context.js';

export const address = (handle: string) => `${handle}@example.com`;

export interface MailPerson {
  handle: string;
  role: 'responder' | 'viewer';
  /** false: no e-mail address. */
  email?: boolean;
}

export interface MailSuite {
  kind: StoreKind;
  /** The configuration document, or a function giving it once the suite's earlier hooks have run (local receivers' addresses). */
  config: unknown;
  /** Dependencies of the app besides the defaults (secrets from the environment). */
  deps?: Partial<HttpDeps>;
  people: MailPerson[];
  /** Each test starts at this time… */
  start: string;
  /** …after this has sent what earlier tests left queued, with an empty mailbox. */
  flush: () => Promise<unknown>;
}

/** Registers the suite's hooks; `ready` is handed the app and the SMTP server before the first test. */
export function mailSuite({ kind, config, deps, people, start, flush }: MailSuite, ready: (t: TestApp, smtp: SmtpReceiver) => void): void {
  let t: TestApp | null = null;
  let smtp: SmtpReceiver | null = null;
  beforeAll(async () => {
    t = await testApp(kind, typeof config === 'function' ? (config as () => unknown)() : config, deps);
    smtp = await new SmtpReceiver().start();
    for (const { handle, role, email = true } of people) {
      await ok(t, 201, 'POST', `${API}/people`, { handle, name: handle, role, ...(email ? { email: address(handle) } : {}) });
      const issued = await ok(t, 201, 'POST', `${API}/people/${handle}/tokens`, {});
      t.tokens.set(handle, issued.token as string);
    }
    ready(t, smtp);
  });
  beforeEach(async () => {
    t!.clock.set(start);
    await flush();
    smtp!.messages.length = 0;
  });
  afterAll(async () => {
    await smtp?.stop();
    await t?.close();
  });
}
