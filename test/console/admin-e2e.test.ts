/**
 * The access screens end to end in Debian's Chromium against a real server process (SQLite):
 * an admin runs each screen by keyboard alone, every screen passes axe-core without a serious
 * or critical violation, and a responder sees no admin screen. Screenshots go to
 * test-output/console-admin/.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ADMIN_TOKEN, ROOT, freshDatabase, startServerProcess, type Database, type ServerProcess } from '../support/harness.js';
import { CHROMIUM, hasChromium, launchChromium, seriousViolations } from '../support/browser.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

const SHOTS = join(ROOT, 'test-output', 'console-admin');
if (!hasChromium) console.log(`console admin e2e: SKIPPED (${CHROMIUM} is missing; apt-get install chromium, as .ci/run does)`);

describe.skipIf(!hasChromium)('console in Chromium: the access screens', () => {
  let db: Database;
  let server: ServerProcess;
  let browser: Browser;
  let responderToken: string;

  async function api(method: string, path: string, body?: unknown, token = ADMIN_TOKEN) {
    const res = await fetch(`${server.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: res.status === 204 ? null : ((await res.json()) as Record<string, unknown>) };
  }

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/console/index.html'))) throw new Error('dist/console is not built: run `npm run build` first (npm test does)');
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    db = await freshDatabase('sqlite');
    // The test's webhook receiver listens on loopback, which deliveries refuse unless allowed.
    writeFileSync(join(db.dataDir, 'incident.config.yaml'), 'webhooks:\n  allowTargets: [127.0.0.1]\n');
    server = await startServerProcess(db);
    await api('POST', '/people', { handle: 'rita', name: 'Rita Gomez', role: 'responder' });
    responderToken = (await api('POST', '/people/rita/tokens', { name: 'first' })).body!.token as string;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await db?.cleanup();
  });

  async function signIn(token: string, viewport = { width: 1280, height: 900 }, colorScheme: 'dark' | 'light' = 'dark'): Promise<Page> {
    const context = await browser.newContext({ viewport, colorScheme });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(server.url);
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Incidents' }).waitFor();
    return page;
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  /** Moves the focus with Tab until `name` has it (a bounded walk), as someone without a mouse would. */
  async function tabTo(page: Page, name: string, limit = 60) {
    // A form that opens after a request (a person's tokens) may not be there yet: tabbing past the end would miss it.
    await page.getByLabel(name, { exact: true }).first().waitFor();
    for (let i = 0; i < limit; i++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        if (!el) return '';
        const labelled = (el as HTMLInputElement).labels?.[0]?.textContent ?? el.getAttribute('aria-label') ?? '';
        return `${labelled}|${el.textContent ?? ''}`;
      });
      const [label, text] = focused.split('|');
      const match = (s: string) => s.trim() === name;
      if (match(label!) || match(text!)) return;
    }
    throw new Error(`Tab never reached ${String(name)}`);
  }
  async function expectAccessible(page: Page, name: string) {
    await shot(page, name);
    expect(await seriousViolations(page), name).toEqual([]);
  }

  it('people and my tokens, by keyboard alone, without serious accessibility violations', async () => {
    const page = await signIn(ADMIN_TOKEN);
    try {
      await page.getByRole('link', { name: 'Admin' }).click();
      await page.getByRole('heading', { name: 'People' }).waitFor();
      await page.getByRole('rowheader', { name: /^@rita/ }).waitFor();

      // Add a person from the keyboard.
      await tabTo(page, 'Handle');
      await page.keyboard.type('omar');
      await page.keyboard.press('Tab');
      await page.keyboard.type('Omar Haddad');
      await page.keyboard.press('Tab');
      await page.keyboard.type('omar@example.com');
      await page.keyboard.press('Enter');
      await page.getByRole('rowheader', { name: /^@omar/ }).waitFor();
      expect((await api('GET', '/people/omar')).body).toMatchObject({ name: 'Omar Haddad', email: 'omar@example.com', role: 'responder' });

      // Make Omar a viewer: focus the role select, pick with the arrow keys, save with Enter.
      await page.getByLabel('Role of @omar').focus();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Tab');
      // The list is read again after a write and Omar's row is drawn anew: a key pressed on the old row would be lost.
      const reread = page.waitForResponse((r) => r.request().method() === 'GET' && new URL(r.url()).pathname === '/api/v1/people', { timeout: 30_000 });
      await page.keyboard.press('Enter');
      await expect.poll(async () => (await api('GET', '/people/omar')).body!.role).toBe('viewer');
      await reread;
      await page.getByRole('row', { name: /@omar/ }).getByRole('button', { name: 'Save role', disabled: true }).waitFor();

      // Give Omar a token to sign in with, from his row.
      await page.getByRole('button', { name: 'Tokens of @omar' }).press('Enter');
      await tabTo(page, 'What it is for');
      await page.keyboard.type('first sign-in');
      await page.keyboard.press('Enter');
      const omars = (await page.getByLabel('New token first sign-in for @omar (secret)').textContent())!;
      expect((await api('GET', '/me', undefined, omars)).body).toMatchObject({ person: { handle: 'omar' } });

      // Deactivate Rita: a second, explicit yes; her token is refused from then on.
      await page.getByRole('button', { name: 'Deactivate @rita' }).focus();
      await page.keyboard.press('Enter');
      await page.keyboard.press('Enter');
      await page.getByRole('button', { name: 'Reactivate @rita' }).waitFor();
      expect((await api('GET', '/me', undefined, responderToken)).status).toBe(401);
      await expectAccessible(page, '01-people');
      await page.getByRole('button', { name: 'Reactivate @rita' }).click();
      await page.getByRole('button', { name: 'Deactivate @rita' }).waitFor();

      // My tokens: create one for 7 days, copy it once, see it work, revoke it.
      await page.getByRole('link', { name: 'My tokens' }).click();
      await page.getByRole('heading', { name: 'My tokens' }).waitFor();
      await tabTo(page, 'What it is for');
      await page.keyboard.type('laptop');
      await page.keyboard.press('Tab');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      const secret = page.getByLabel('Your new token laptop (secret)');
      await secret.waitFor();
      const token = (await secret.textContent())!;
      expect((await api('GET', '/me', undefined, token)).status).toBe(200);
      await page.getByRole('button', { name: 'Copy' }).press('Enter');
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
      const listed = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: /^laptop/ }) });
      expect(await listed.textContent()).toContain(new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10));
      await expectAccessible(page, '02-my-tokens');
      await listed.getByRole('button', { name: 'Revoke laptop' }).focus();
      await page.keyboard.press('Enter');
      await page.keyboard.press('Enter');
      await listed.waitFor({ state: 'detached' });
      expect((await api('GET', '/me', undefined, token)).status).toBe(401);
    } catch (error) {
      await shot(page, 'failure-admin').catch(() => undefined);
      throw error;
    }
  }, 90_000);

  it('alert sources, webhooks with deliveries, and the audit log, by keyboard alone, without serious accessibility violations', async () => {
    const receiver = await new WebhookReceiver().start();
    const page = await signIn(ADMIN_TOKEN);
    try {
      // An alert source: its key once, inside the receiver to paste; the key is accepted.
      await page.goto(`${server.url}/admin/alert-sources`);
      await tabTo(page, 'Source name');
      await page.keyboard.type('prometheus-prod');
      await page.keyboard.press('Enter');
      const key = (await page.getByLabel('Key for prometheus-prod (secret)').textContent())!;
      const snippet = page.getByRole('region', { name: 'Key for prometheus-prod' }).locator('pre');
      expect(await snippet.textContent()).toContain(`credentials: ${key}`);
      await page.getByRole('button', { name: 'Copy receiver' }).press('Enter');
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await snippet.textContent());
      const firing = { version: '4', groupKey: '{}:{alertname="Down"}', status: 'firing', receiver: 'incident-command', groupLabels: {}, commonLabels: {}, commonAnnotations: {}, externalURL: '', alerts: [{ status: 'firing', labels: { alertname: 'Down' }, annotations: {}, startsAt: new Date().toISOString(), fingerprint: 'f1' }] };
      expect((await api('POST', '/alerts/alertmanager', firing, key)).status).toBe(200);
      await page.getByRole('button', { name: 'Rotate the key of prometheus-prod' }).focus();
      await page.keyboard.press('Enter');
      await page.keyboard.press('Enter');
      await page.getByLabel('New key for prometheus-prod (secret)').waitFor();
      await expectAccessible(page, '03-alert-sources');

      // A webhook whose receiver fails the first delivery: the log shows it, Redeliver sends it again.
      await page.getByRole('link', { name: 'Webhooks' }).click();
      await tabTo(page, 'URL');
      await page.keyboard.type(receiver.url('ops'));
      await page.keyboard.press('Enter');
      const secret = (await page.getByLabel(`Signing secret for ${receiver.url('ops')} (secret)`).textContent())!;
      receiver.secrets.set('/hook/ops', secret);
      receiver.failures.set('/hook/ops', 1);
      await api('POST', '/incidents', { title: 'Checkout errors', severity: 'SEV2' });
      await expect.poll(() => receiver.on('ops').length, { timeout: 15_000 }).toBe(1);
      await page.getByRole('button', { name: 'Deliveries' }).press('Enter');
      const delivery = page.getByRole('region', { name: /^Deliveries to/ }).getByRole('row').filter({ hasText: 'incident.declared' });
      await expect.poll(async () => (await page.getByRole('button', { name: 'Refresh deliveries' }).press('Enter'), await delivery.textContent()), { timeout: 15_000 }).toContain('HTTP 500');
      await delivery.getByRole('button', { name: /^Redeliver/ }).press('Enter');
      await expect.poll(() => receiver.on('ops').length, { timeout: 15_000 }).toBe(2);
      expect(receiver.on('ops')[1]!.signatureValid).toBe(true);
      await expect.poll(async () => (await page.getByRole('button', { name: 'Refresh deliveries' }).press('Enter'), await delivery.textContent()), { timeout: 15_000 }).toContain('delivered');
      await expectAccessible(page, '04-webhooks-deliveries');
      await page.getByRole('button', { name: 'Disable' }).press('Enter');
      await page.getByRole('button', { name: 'Enable' }).waitFor();
      expect(((await api('GET', '/webhooks')).body as unknown as Array<{ enabled: boolean }>)[0]!.enabled).toBe(false);

      // The audit log: filter by action from the keyboard.
      await page.getByRole('link', { name: 'Audit log' }).click();
      await page.getByRole('rowheader', { name: 'webhook.updated' }).waitFor();
      await tabTo(page, 'Action');
      await page.keyboard.type('alert_source');
      await page.keyboard.press('Enter');
      await expect.poll(async () => page.getByRole('rowheader').allTextContents()).toEqual(['alert_source.key_rotated', 'alert_source.created']);
      await expectAccessible(page, '05-audit-log');
    } catch (error) {
      await shot(page, 'failure-integrations').catch(() => undefined);
      throw error;
    } finally {
      await receiver.stop();
    }
  }, 120_000);

  it('a responder sees no admin screen: no link, and a plain word at the address', async () => {
    // On a phone, in the light theme.
    const page = await signIn((await api('POST', '/people/rita/tokens', { name: 'again' })).body!.token as string, { width: 390, height: 844 }, 'light');
    expect(await page.getByRole('link', { name: 'Admin' }).count()).toBe(0);
    await page.getByRole('link', { name: 'My tokens' }).click();
    await page.getByRole('heading', { name: 'My tokens' }).waitFor();
    expect(await page.getByLabel('Expires after').locator('option', { hasText: 'Never' }).count()).toBe(0);
    await page.getByRole('rowheader', { name: /^again/ }).waitFor();
    await expectAccessible(page, '06-responder-my-tokens-phone');
    await page.goto(`${server.url}/admin/people`);
    await page.getByRole('heading', { name: 'Admins only' }).waitFor();
    expect(await page.getByRole('button', { name: 'Add person' }).count()).toBe(0);
    await expectAccessible(page, '07-responder-admins-only-phone');
  }, 60_000);
});
