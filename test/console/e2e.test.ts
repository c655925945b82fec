/**
 * The console end to end: Debian's Chromium (never a downloaded browser) driving the built
 * console served by a real server process on SQLite, two people in two browser contexts.
 * Screenshots of the incident room at each major step go to test-output/console/.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ADMIN_TOKEN, ROOT, freshDatabase, startServerProcess, type Database, type ServerProcess } from '../support/harness.js';
import { CHROMIUM, hasChromium, launchChromium } from '../support/browser.js';

const SHOTS = join(ROOT, 'test-output', 'console');
if (!hasChromium) console.log(`console e2e: SKIPPED (${CHROMIUM} is missing; apt-get install chromium, as .ci/run does)`);

// The shortest cadence the configuration allows; the update below promises its next one sooner, as a Comms Lead may.
const CONFIG = `
severities:
  - { id: SEV1, name: Critical, impact: "Core feature down for most users, data loss, or revenue stopped", response: "All hands, page leadership, dedicated IC + Comms + Scribe", updateEvery: 1m, audience: public, roles: separate, postmortem: required }
  - { id: SEV2, name: Major, impact: "Significant degradation, or one feature broken for many users", response: "On-call + relevant SMEs, IC assigned", updateEvery: 30m, audience: stakeholders, roles: comms-separate, postmortem: required }
  - { id: SEV3, name: Minor, impact: "Limited impact, a workaround exists", response: "On-call handles it", audience: internal, roles: combined, postmortem: optional }
reminders: { dueSoon: 10s, escalateAfter: 1h, roleGap: 1h, postmortemOwed: 24h }
`;

const PEOPLE = [
  ['alex', 'Alex Kim'],
  ['priya', 'Priya Shah'],
  ['sam', 'Sam Lee'],
] as const;

describe.skipIf(!hasChromium)('console in Chromium: a SEV1 from declaring to the postmortem draft', () => {
  let db: Database;
  let server: ServerProcess;
  let browser: Browser;
  let configPath: string;
  const tokens = new Map<string, string>();

  async function admin(method: string, path: string, body: unknown) {
    const res = await fetch(`${server.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  }

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist/console/index.html'))) throw new Error('dist/console is not built: run `npm run build` first (npm test does)');
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    db = await freshDatabase('sqlite');
    configPath = join(db.dataDir, 'e2e.config.yaml');
    writeFileSync(configPath, CONFIG);
    server = await startServerProcess(db, { INCIDENT_CONFIG: configPath });
    for (const [handle, name] of PEOPLE) {
      await admin('POST', '/people', { handle, name });
      tokens.set(handle, (await admin('POST', `/people/${handle}/tokens`, {})).token as string);
    }
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await db?.cleanup();
  });

  async function signIn(handle: string, viewport: { width: number; height: number }, colorScheme: 'dark' | 'light'): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport, colorScheme, timezoneId: 'Europe/Berlin' });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(server.url);
    await page.getByLabel('API token').fill(tokens.get(handle)!);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Incidents' }).waitFor();
    return { context, page };
  }

  const shot = (page: Page, name: string, fullPage = true) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
  /** Controls a screen reader would announce without a name: every input needs a label. */
  const unlabelled = (page: Page) =>
    page.evaluate(() =>
      [...document.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>('input, select, textarea')]
        .filter((el) => el.labels?.length === 0 && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
        .map((el) => el.outerHTML),
    );
  const roleRow = (page: Page, label: string) => page.locator('.role-row').filter({ has: page.locator('dt', { hasText: label }) });

  it('declare → role gap → roles filled → update seen live → overdue → IC handed off with a yes → resolved → postmortem draft → live again after a restart', async () => {
    // Alex is on call, at a laptop in a dark room; Priya follows on her phone.
    const { page: alex } = await signIn('alex', { width: 1280, height: 900 }, 'dark');
    const { page: priya } = await signIn('priya', { width: 390, height: 844 }, 'light');
    try {
      await walkThrough(alex, priya);
    } catch (error) {
      // What each person saw when it went wrong, for whoever reads the failure.
      await Promise.all([shot(alex, 'failure-alex'), shot(priya, 'failure-priya')]).catch(() => undefined);
      throw error;
    }
  }, 90_000);

  async function walkThrough(alex: Page, priya: Page) {

    // 1. Alex declares a SEV1, choosing from the policy shown beside each level.
    await alex.getByRole('link', { name: 'Declare' }).click();
    await alex.getByText('When in doubt, declare higher').waitFor();
    await alex.getByLabel('Title').fill('Checkout errors');
    await alex.getByRole('radio', { name: /SEV1 Critical/ }).check();
    await alex.getByLabel('Summary').fill('Checkout returning 500s for ~30% of users');
    expect(await unlabelled(alex)).toEqual([]);
    await alex.getByRole('button', { name: 'Declare SEV1' }).click();
    const announcement = alex.getByLabel('Channel announcement');
    await announcement.waitFor();
    expect(await announcement.textContent()).toContain('INCIDENT DECLARED, #inc-');
    await alex.getByRole('link', { name: 'Open the incident room' }).click();

    // 2. The role gap shows; Priya's list shows the new incident without a reload.
    await alex.getByRole('alert', { name: 'Role gap' }).waitFor();
    // The room is a link of its own: reloading it keeps the session and the place.
    expect(new URL(alex.url()).pathname).toBe('/incidents/INC-1');
    await alex.reload();
    await alex.getByRole('alert', { name: 'Role gap' }).waitFor();
    await shot(alex, '01-declared-role-gap');
    expect(await unlabelled(alex)).toEqual([]);
    await priya.getByRole('link', { name: 'INC-1 Checkout errors' }).waitFor();
    await shot(priya, '01-list-phone', false);
    await priya.getByRole('link', { name: 'INC-1 Checkout errors' }).click();

    // 3. The IC names the Comms Lead and the Scribe; Priya sees herself named live; the gap closes.
    await alex.getByLabel('Name Comms Lead').selectOption('priya');
    await roleRow(alex, 'Comms Lead').getByRole('button', { name: 'Name', exact: true }).click();
    await alex.getByLabel('Name Scribe').selectOption('sam');
    await roleRow(alex, 'Scribe').getByRole('button', { name: 'Name', exact: true }).click();
    await roleRow(priya, 'Comms Lead').filter({ hasText: '@priya (Priya Shah)' }).waitFor();
    await shot(priya, '02-roles-filled-phone', false);
    await alex.getByRole('alert', { name: 'Role gap' }).waitFor({ state: 'detached' });
    await shot(alex, '02-roles-filled');

    // Anyone in the incident keeps the record: what was ruled out shows in everyone's room at once.
    // From the keyboard only: arrows move between the kind chips, Enter records.
    // From Note, ArrowLeft wraps round to the last chip (Finding), then to Ruled out.
    await priya.getByRole('radio', { name: 'Note' }).focus();
    await priya.keyboard.press('ArrowLeft');
    expect(await priya.getByRole('radio', { name: 'Finding' }).isChecked()).toBe(true);
    await priya.keyboard.press('ArrowLeft');
    expect(await priya.getByRole('radio', { name: 'Ruled out' }).isChecked()).toBe(true);
    await priya.keyboard.press('Tab');
    await priya.keyboard.type('Rolled back deploy 4821: errors continue');
    await priya.keyboard.press('Enter');
    await alex.getByRole('region', { name: 'What we have ruled out' }).getByText('Rolled back deploy 4821: errors continue').waitFor();

    // 4. Priya, Comms Lead, posts an update promising the next one in 20 s; it appears in Alex's room live.
    await priya.getByLabel('Status', { exact: true }).selectOption('identified');
    await priya.getByLabel('Impact', { exact: true }).fill('~30% of checkout attempts failing with a 500 error.');
    await priya.getByLabel('What we know', { exact: true }).fill('A batch job exhausted the DB connection pool.');
    await priya.getByLabel('Next step', { exact: true }).fill('Throttle the batch job and add pool headroom.');
    await priya.getByLabel('Next update by (UTC)').fill(new Date(Date.now() + 20_000).toISOString().slice(0, 19));
    await priya.getByLabel('Update preview').filter({ hasText: 'Impact: ~30% of checkout attempts failing' }).waitFor();
    await priya.getByRole('button', { name: 'Post update' }).click();
    await priya.getByText(/^Posted update/).waitFor();
    await alex.locator('.entry').filter({ hasText: 'Public update posted (Identified): ~30% of checkout attempts failing' }).waitFor();
    await alex.getByRole('timer').filter({ hasText: /Next update in|Update due soon/ }).waitFor();
    await shot(alex, '03-update-live');

    // 5. Nobody posts again: the countdown passes and the room says overdue (the server's reminder lands on the timeline too).
    await alex.getByRole('timer').filter({ hasText: 'Update overdue' }).waitFor({ timeout: 25_000 });
    expect(await alex.getByRole('timer').getAttribute('class')).toContain('overdue');
    await alex.locator('.entry').filter({ hasText: 'Update overdue: no update since' }).waitFor();
    await alex.locator('.room-header .badge', { hasText: 'Overdue' }).waitFor();
    await shot(alex, '04-overdue');

    // 6. Alex offers IC to Priya; she sees Accept / Decline and says yes; Alex's room shows her as IC.
    await alex.getByLabel('Offer IC to').selectOption('priya');
    await alex.getByRole('button', { name: 'Offer IC' }).click();
    await alex.getByText(/@alex stays IC until they say yes/).waitFor();
    await priya.getByRole('button', { name: 'Accept IC' }).click();
    await roleRow(alex, 'Incident Commander').filter({ hasText: '@priya (Priya Shah)' }).waitFor();
    await shot(alex, '05-ic-handed-off');

    // 7. Priya, now IC, resolves with the final update; the postmortem is owed until it has an owner and a date.
    await priya.getByLabel('Final impact').fill('~30% of checkout attempts failed with a 500 error.');
    await priya.getByLabel('What we know (cause, as known)').fill('A batch job exhausted the DB connection pool; it is throttled now.');
    await priya.getByRole('button', { name: 'Resolve INC-1 with this final update' }).click();
    await alex.locator('.room-header .badge', { hasText: 'Postmortem owed' }).waitFor();
    await priya.getByLabel('Postmortem owner').selectOption('alex');
    await priya.getByRole('button', { name: 'Assign postmortem' }).click();
    await alex.getByText(/^Owned by @alex, scheduled for/).waitFor();
    expect(await alex.getByLabel('Postmortem owner').inputValue()).toBe('alex');
    const draft = alex.getByLabel('Postmortem draft');
    await draft.locator('h1', { hasText: 'Postmortem: INC-1' }).waitFor();
    expect(await draft.textContent()).toContain('A batch job exhausted the DB connection pool; it is throttled now.');
    expect(await draft.textContent()).toContain('Rolled back deploy 4821: errors continue');
    expect(await alex.getByRole('link', { name: 'Download Markdown' }).getAttribute('download')).toBe('INC-1-postmortem.md');
    await shot(alex, '06-postmortem-draft');
    await priya.getByRole('heading', { name: 'Blameless postmortem' }).scrollIntoViewIfNeeded();
    await shot(priya, '06-postmortem-draft-phone', false);

    // 8. The server restarts: the room says so, reconnects by itself, and what is written afterwards shows without a reload.
    await server.stop();
    await alex.getByRole('status', { name: /Live updates: (Reconnecting|Connecting)/ }).waitFor();
    server = await startServerProcess(db, { INCIDENT_CONFIG: configPath }, server.port);
    await admin('POST', '/incidents/INC-1/timeline', { kind: 'note', text: 'Recorded through the API after a restart' });
    await alex.locator('.entry').filter({ hasText: 'Recorded through the API after a restart' }).waitFor();
    await alex.getByRole('status', { name: 'Live updates: Live' }).waitFor();

    // The session cookie alone cannot write: without the CSRF token the API refuses.
    const forged = await alex.evaluate(async () => {
      const res = await fetch('/api/v1/incidents', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Forged', severity: 'SEV3' }) });
      return { status: res.status, body: (await res.json()) as { error: { code: string } } };
    });
    expect(forged).toEqual({ status: 403, body: { error: expect.objectContaining({ code: 'CSRF_TOKEN_INVALID' }) } });

    // Signing out ends the session: the page asks for a token again.
    await priya.getByRole('button', { name: 'Sign out' }).click();
    await priya.getByLabel('API token').waitFor();
  }
});
