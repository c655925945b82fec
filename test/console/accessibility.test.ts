/**
 * Every console screen in Chromium: no serious or critical axe-core violation in the dark and
 * the light theme, nothing pushed off the side at 200% zoom or on a phone, and declaring
 * done with the keyboard alone. Screenshots go to test-output/console-ops/accessibility/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { CHROMIUM, hasChromium, seriousViolations } from '../support/browser.js';
import { LAPTOP, PHONE, ZOOM_200, SEVERITIES, consoleRig, overflowing, unlabelled, type ConsoleRig, type Screen } from '../support/console-browser.js';

if (!hasChromium) console.log(`console accessibility: SKIPPED (${CHROMIUM} is missing)`);

const CONFIG = `${SEVERITIES}components:
  - { id: checkout, name: Checkout, group: Shop }
  - { id: search, name: Search, group: Shop }
  - { id: api, name: Public API }
`;

/** The screens a signed-in responder reaches from the top navigation, and the room (with its Replay open). */
const SCREENS: Array<{ name: string; path: string; ready: (page: Page) => Promise<unknown> }> = [
  { name: 'list', path: '/', ready: (p) => p.getByRole('heading', { name: 'Incidents' }).waitFor() },
  { name: 'declare', path: '/declare', ready: (p) => p.getByRole('radio', { name: /SEV1/ }).waitFor() },
  {
    name: 'room',
    path: '/incidents/INC-1',
    ready: async (p) => {
      await p.locator('.entry').first().waitFor();
      await p.locator('.checklist li').first().waitFor();
    },
  },
  {
    name: 'room-replay',
    path: '/incidents/INC-1',
    ready: async (p) => {
      await p.locator('.entry').first().waitFor();
      await p.locator('details.replay > summary').click();
      await p.locator('.replay dt').first().waitFor();
    },
  },
  { name: 'resolved-room', path: '/incidents/INC-2', ready: (p) => p.locator('.entry.corrected').first().waitFor() },
  { name: 'alerts', path: '/alerts', ready: (p) => p.getByRole('heading', { name: /^Acknowledged/ }).waitFor() },
  { name: 'status-page', path: '/status-page', ready: (p) => p.getByRole('heading', { name: 'Open incidents (1)' }).waitFor() },
  { name: 'insights', path: '/insights', ready: (p) => p.locator('.chart canvas').first().waitFor() },
  { name: 'drills', path: '/drills', ready: (p) => p.locator('li.drill').first().waitFor() },
  { name: 'follow-ups', path: '/follow-ups', ready: (p) => p.locator('main.follow-ups tbody tr').first().waitFor() },
];

describe.skipIf(!hasChromium)('console accessibility in Chromium', () => {
  let rig: ConsoleRig;

  beforeAll(async () => {
    rig = await consoleRig({ config: CONFIG, people: [['alex', 'Alex Kim'], ['priya', 'Priya Shah']], shots: 'console-ops/accessibility' });
    // A room with something in every panel: roles, an update, an overdue-able countdown, a timeline.
    await rig.admin('POST', '/incidents', { title: 'Checkout errors', severity: 'SEV1', summary: 'Checkout returning 500s', components: ['checkout'], commander: 'alex' });
    await rig.admin('POST', '/incidents/INC-1/timeline', { kind: 'ruled_out', text: 'Rolled back deploy 4821: errors continue' });
    await rig.admin('POST', '/incidents/INC-1/updates', { status: 'identified', impact: '~30% of checkouts fail', whatWeKnow: 'DB pool exhausted', nextStep: 'Throttle the batch job' });
    // Tasks (one blocked) and a finding for the IC: the Tasks panel and "Findings for you".
    const task = await rig.admin('POST', '/incidents/INC-1/tasks', { title: 'Throttle the batch job', owner: 'priya' });
    await rig.admin('POST', '/incidents/INC-1/tasks', { title: 'Add pool headroom', owner: 'alex' });
    await rig.admin('PATCH', `/incidents/INC-1/tasks/${task.id}`, { state: 'blocked', reason: 'Waiting on the DBA' });
    await rig.admin('POST', '/incidents/INC-1/timeline', { kind: 'finding', text: 'The batch job holds 95 of 100 connections' });
    // A resolved one with a corrected entry: the list's dimmed rows, the struck-out text, the postmortem panel.
    await rig.admin('POST', '/incidents', { title: 'Search slow', severity: 'SEV3', components: ['search'] });
    const wrong = await rig.admin('POST', '/incidents/INC-2/timeline', { kind: 'hypothesis', text: 'The index is corrupt' });
    await rig.admin('POST', '/incidents/INC-2/timeline', { kind: 'note', text: 'It was the reindex job', corrects: wrong.id });
    await rig.admin('POST', '/incidents/INC-2/resolve', { impact: 'Search slow for 20 minutes', whatWeKnow: 'A reindex job' });
    // Follow-ups, one done: the Follow-ups screen's table with both kinds of row.
    const due = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    await rig.admin('POST', '/incidents/INC-1/follow-ups', { title: 'Alert on pool saturation', owner: 'alex', due, priority: 'P1' });
    const done = await rig.admin('POST', '/incidents/INC-2/follow-ups', { title: 'Schedule reindexing off-peak', owner: 'priya', due });
    await rig.admin('PATCH', `/follow-ups/${String(done.id)}`, { state: 'done' });
    // A drill stopped at once: the Drills screen lists it, and its scorecard has a page of its own.
    const drill = await rig.admin('POST', '/drills', { script: 'checkout', speed: 1 });
    await rig.admin('POST', `/drills/${String(drill.id)}/stop`);
    SCREENS.push({ name: 'drill-scorecard', path: `/drills/${String(drill.id)}`, ready: (p) => p.getByRole('heading', { name: 'Scorecard' }).waitFor() });
  }, 60_000);

  afterAll(() => rig?.close());

  async function check(page: Page, label: string) {
    expect(await seriousViolations(page), `${label}: axe-core`).toEqual([]);
    expect(await overflowing(page), `${label}: wider than the screen`).toEqual([]);
    expect(await unlabelled(page), `${label}: unlabelled inputs`).toEqual([]);
  }

  const cases: Array<[string, Screen, 'dark' | 'light']> = [
    ['laptop-dark', LAPTOP, 'dark'],
    ['laptop-light', LAPTOP, 'light'],
    ['phone-light', PHONE, 'light'],
    ['zoom200-dark', ZOOM_200, 'dark'],
  ];

  it.each(cases)('%s: sign-in, list, declare, rooms (and Replay), alert inbox, status page, insights, drills, a scorecard and follow-ups pass axe-core and fit the screen', async (name, screen, scheme) => {
    const signedOut = await rig.browser.newContext({ viewport: { width: screen.width, height: screen.height }, deviceScaleFactor: screen.deviceScaleFactor ?? 1, colorScheme: scheme });
    const first = await signedOut.newPage();
    await first.goto(rig.server.url);
    await first.getByLabel('API token').waitFor();
    await check(first, `${name} sign-in`);
    await rig.shot(first, `a11y-${name}-sign-in`);
    await signedOut.close();

    const { context, page } = await rig.signIn('alex', screen, scheme);
    for (const s of SCREENS) {
      await page.goto(`${rig.server.url}${s.path}`);
      await s.ready(page);
      await check(page, `${name} ${s.name}`);
      await rig.shot(page, `a11y-${name}-${s.name}`);
    }
    await context.close();
  }, 60_000);

  /** Tab forward until the focused element's accessible text matches; only keys are pressed. */
  async function tabTo(page: Page, name: RegExp, limit = 60) {
    for (let i = 0; i < limit; i++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        if (!el) return '';
        const labels = (el as HTMLInputElement).labels;
        return [el.getAttribute('aria-label'), labels?.[0]?.textContent, el.textContent].filter(Boolean).join(' | ');
      });
      if (name.test(focused)) return;
    }
    throw new Error(`no focusable element matching ${name} within ${limit} tabs`);
  }

  it('Replay with the keyboard alone: open it, move the slider with the arrow keys, step with Earlier', async () => {
    const { context, page } = await rig.signIn('priya', LAPTOP, 'dark');
    await page.goto(`${rig.server.url}/incidents/INC-1`);
    await page.locator('.entry').first().waitFor();
    await tabTo(page, /^Replay$/, 120);
    await page.keyboard.press('Enter');
    await tabTo(page, /^Moment \d+ of \d+$/);
    const slider = page.locator('details.replay input[type=range]');
    // Read together: a live timeline entry (the role-gap nudge comes every 5 minutes) moves both.
    const [last, value] = await slider.evaluate((el: HTMLInputElement) => [Number(el.max), Number(el.value)]);
    expect(value).toBe(last);
    // The total may grow meanwhile for the same reason; the moment is what the keys move.
    await page.keyboard.press('Home');
    await page.getByText(/^Moment 1 of \d+$/).waitFor();
    await page.locator('.replay dd', { hasText: 'Investigating (open)' }).waitFor();
    await page.keyboard.press('ArrowRight');
    await page.getByText(/^Moment 2 of \d+$/).waitFor();
    await tabTo(page, /^Earlier$/);
    await page.keyboard.press('Enter');
    await page.getByText(/^Moment 1 of \d+$/).waitFor();
    await rig.shot(page, 'replay-keyboard');
    await context.close();
  }, 60_000);

  it('declaring with the keyboard alone: commander, components and private', async () => {
    const { context, page } = await rig.signIn('priya', LAPTOP, 'light');
    await tabTo(page, /^Declare$/);
    await page.keyboard.press('Enter');
    await page.getByRole('radio', { name: /SEV1/ }).waitFor();
    await tabTo(page, /^Title/);
    await page.keyboard.type('Search is slow');
    await tabTo(page, /SEV1 Critical/);
    // Arrow keys move between the levels of one radio group.
    await page.keyboard.press('ArrowDown');
    expect(await page.getByRole('radio', { name: /SEV2 Major/ }).isChecked()).toBe(true);
    await tabTo(page, /^Incident Commander/);
    // Me, then @admin, then @alex.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await page.getByLabel('Incident Commander').inputValue()).toBe('alex');
    await tabTo(page, /Shop: Search/);
    await page.keyboard.press('Space');
    await tabTo(page, /Private: only/);
    await page.keyboard.press('Space');
    await tabTo(page, /^Declare SEV2$/);
    await rig.shot(page, 'declare-keyboard-filled');
    await page.keyboard.press('Enter');
    await page.getByLabel('Channel announcement').waitFor();
    await tabTo(page, /Open the incident room/);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: /INC-3 · Search is slow/ }).waitFor();
    const declared = await rig.admin('GET', '/incidents/INC-3');
    expect(declared).toMatchObject({
      severity: 'SEV2',
      declaredBy: 'priya',
      roles: { incident_commander: 'alex' },
      components: ['search'],
      private: true,
    });
    await context.close();
  }, 60_000);
});
