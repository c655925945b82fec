/**
 * The console's single sign-on in Chromium: the built console served by a real server process,
 * "Sign in with <provider>" through oidc-provider's own login page, sign-out through its
 * end-session page, a refusal page, and the token form switched off. Only 127.0.0.1 is reached.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ADMIN_TOKEN, ROOT, freePort, freshDatabase, startServerProcess, type Database, type ServerProcess } from '../support/harness.js';
import { CHROMIUM, hasChromium, launchChromium, seriousViolations } from '../support/browser.js';
import { CLIENT_ID, CLIENT_SECRET, startProvider, type TestProvider } from '../support/oidc-provider.js';

if (!hasChromium) console.log(`single sign-on in Chromium: SKIPPED (${CHROMIUM} is missing)`);

describe.skipIf(!hasChromium)('console single sign-on in Chromium', () => {
  let db: Database;
  let server: ServerProcess;
  let provider: TestProvider;
  let browser: Browser;

  async function admin(method: string, path: string, body: unknown) {
    const res = await fetch(`${server.url}/api/v1${path}`, { method, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  }

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/console/index.html'))) throw new Error('dist/console is not built: run `npm run build` first (npm test does)');
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    provider = await startProvider({ redirectUri: `${base}/api/v1/auth/oidc/callback`, postLogoutRedirectUri: `${base}/` });
    provider.accounts.set('ana', { email: 'ana.lima@example.com', email_verified: true, name: 'Ana Lima' });
    provider.accounts.set('outsider', { email: 'mallory@elsewhere.org', email_verified: true });
    db = await freshDatabase('sqlite');
    const configPath = join(db.dataDir, 'sso.config.yaml');
    writeFileSync(configPath, `auth:\n  oidc:\n    issuer: ${provider.issuer}\n    clientId: ${CLIENT_ID}\n    name: Test SSO\n    allowedDomains: [example.com]\n`);
    server = await startServerProcess(db, { INCIDENT_CONFIG: configPath, INCIDENT_PUBLIC_URL: base, OIDC_CLIENT_SECRET: CLIENT_SECRET }, port);
    await admin('POST', '/people', { handle: 'ana', name: 'Ana Lima', role: 'responder', email: 'ana.lima@example.com' });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await provider?.close();
    await db?.cleanup();
  });

  async function openConsole(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    // The provider's pages ask for web fonts: nothing but 127.0.0.1 is reached.
    await context.route((url) => url.hostname !== '127.0.0.1', (route) => route.abort());
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(server.url);
    return { context, page };
  }

  async function providerLogin(page: Page, login: string) {
    await page.getByRole('link', { name: 'Sign in with Test SSO' }).click();
    await page.waitForURL((url) => url.href.startsWith(provider.issuer));
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('any password');
    await page.getByRole('button', { name: 'Sign-in' }).click();
  }

  it('signs in through the provider\'s login page beside the token form, and signs out of the provider too', async () => {
    const { context, page } = await openConsole();
    await page.getByRole('link', { name: 'Sign in with Test SSO' }).waitFor();
    await expect(page.getByLabel('API token').isVisible()).resolves.toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await providerLogin(page, 'ana');
    await page.getByRole('heading', { name: 'Incidents' }).waitFor();
    await expect(page.getByText('@ana (responder)').isVisible()).resolves.toBe(true);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.href.startsWith(`${provider.issuer}/session/end`));
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.waitForURL(`${server.url}/`);
    await page.getByRole('link', { name: 'Sign in with Test SSO' }).waitFor();
    // The provider's session ended as well: signing in again asks for the login once more.
    await page.getByRole('link', { name: 'Sign in with Test SSO' }).click();
    await page.locator('input[name="login"]').waitFor();
    await context.close();
  });

  it('shows a clear page when the provider vouches for someone this server refuses', async () => {
    const { context, page } = await openConsole();
    await providerLogin(page, 'outsider');
    await page.getByRole('heading', { name: 'You are not signed in' }).waitFor();
    await expect(page.getByText('Addresses at elsewhere.org may not sign in here.').isVisible()).resolves.toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('link', { name: 'Back to the sign-in page' }).click();
    await page.getByRole('link', { name: 'Sign in with Test SSO' }).waitFor();
    await context.close();
  });

  it('offers only the provider once an admin turns token sign-in off', async () => {
    await admin('PUT', '/auth/settings', { tokenSignIn: false });
    const { context, page } = await openConsole();
    await page.getByText('Signing in with an API token is turned off here').waitFor();
    expect(await page.getByLabel('API token').count()).toBe(0);
    await providerLogin(page, 'ana');
    await page.getByRole('heading', { name: 'Incidents' }).waitFor();
    await admin('PUT', '/auth/settings', { tokenSignIn: true });
    await context.close();
  });
});
