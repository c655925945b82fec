/**
 * The alert inbox in Chromium, two responders side by side: groups arrive without a reload
 * (with the title badge for the one who asked for it), one acknowledges and the other sees
 * it (a declare form the other has half filled moves with the card, text and focus kept), a
 * group is dismissed with a reason from the keyboard, and another is declared from the
 * suggested severity and components. Screenshots go to test-output/console-ops/alert-inbox/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { CHROMIUM, hasChromium, seriousViolations } from '../support/browser.js';
import { LAPTOP, PHONE, ZOOM_200, SEVERITIES, consoleRig, overflowing, unlabelled, type ConsoleRig } from '../support/console-browser.js';

if (!hasChromium) console.log(`console alert inbox: SKIPPED (${CHROMIUM} is missing)`);

const CONFIG = `${SEVERITIES}components:
  - { id: checkout, name: Checkout }
  - { id: search, name: Search }
alerts:
  groupEventsBy: [component]
`;

describe.skipIf(!hasChromium)('console alert inbox in Chromium', () => {
  let rig: ConsoleRig;
  let key: string;

  beforeAll(async () => {
    rig = await consoleRig({ config: CONFIG, people: [['alex', 'Alex Kim'], ['priya', 'Priya Shah']], shots: 'console-ops/alert-inbox' });
    key = (await rig.admin('POST', '/alert-sources', { name: 'pagerduty', type: 'events' })).key as string;
  }, 60_000);
  afterAll(() => rig?.close());

  async function trigger(summary: string, source: string, component: string, severity: string) {
    const res = await fetch(`${rig.server.url}/api/v1/alerts/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ routing_key: key, event_action: 'trigger', payload: { summary, source, component, severity } }),
    });
    expect(res.status, await res.text()).toBe(202);
  }

  const group = (page: Page, title: string) => page.getByRole('article', { name: title });

  it('groups arrive live for both; acknowledged (a half-filled declare form kept as its card moves), dismissed (keyboard) and declared, each seen by the other', async () => {
    const { page: alex } = await rig.signIn('alex', LAPTOP, 'dark');
    const { page: priya } = await rig.signIn('priya', PHONE, 'light');
    try {
      for (const page of [alex, priya]) {
        await page.getByRole('link', { name: 'Alerts' }).click();
        await page.getByRole('heading', { name: 'Alert inbox' }).waitFor();
      }
      // Off by default; Alex turns the title badge on.
      expect(await alex.getByRole('checkbox', { name: /tab title/ }).isChecked()).toBe(false);
      expect(await alex.getByRole('checkbox', { name: /sound/ }).isChecked()).toBe(false);
      await alex.getByRole('checkbox', { name: /tab title/ }).check();

      await trigger('Checkout returning 500s', 'web-1', 'checkout', 'critical');
      await trigger('Checkout returning 500s', 'web-2', 'checkout', 'critical');
      await trigger('Search latency above 2s', 'search-1', 'search', 'warning');
      const checkout = group(alex, 'Checkout returning 500s');
      await checkout.waitFor();
      await group(priya, 'Checkout returning 500s').waitFor();
      await checkout.getByText('web-1, web-2').waitFor();
      expect(await checkout.textContent()).toContain('From pagerduty (events)');
      expect(await checkout.textContent()).toMatch(/2 firing of 2 alerts/);
      expect(await checkout.textContent()).toMatch(/First seen \d{4}-\d\d-\d\d \d\d:\d\d/);
      await alex.waitForFunction(() => /^\(\d+\) /.test(document.title));
      expect(await priya.title()).not.toMatch(/^\(/);
      await alex.getByRole('status').filter({ hasText: /New alert group/ }).waitFor({ state: 'attached' });
      await rig.shot(alex, 'inbox-01-arrived');
      await rig.shot(priya, 'inbox-01-arrived-phone', false);
      for (const page of [alex, priya]) {
        expect(await seriousViolations(page)).toEqual([]);
        expect(await overflowing(page)).toEqual([]);
        expect(await unlabelled(page)).toEqual([]);
      }

      // Alex starts declaring from the checkout group: title, severity and components come suggested.
      await group(alex, 'Checkout returning 500s').getByRole('button', { name: 'Declare an incident…' }).click();
      const form = alex.getByRole('form', { name: /Declare from alert group/ });
      expect(await form.getByLabel('Incident title').inputValue()).toBe('Checkout returning 500s');
      expect(await form.getByLabel('Severity').inputValue()).toBe('SEV1');
      expect(await form.getByRole('checkbox', { name: 'Checkout' }).isChecked()).toBe(true);
      expect(await form.getByRole('checkbox', { name: 'Search' }).isChecked()).toBe(false);
      await form.getByLabel('Incident title').fill('Checkout 500s in eu-west');
      await form.getByRole('checkbox', { name: 'Search' }).check();

      // Meanwhile Priya acknowledges; Alex sees who has it, without a reload, and his half-filled form moves with the card, his focus with it.
      await group(priya, 'Checkout returning 500s').getByRole('button', { name: 'Acknowledge' }).click();
      await group(alex, 'Checkout returning 500s').getByText('Acknowledged by @priya').waitFor();
      expect(await form.getByLabel('Incident title').inputValue()).toBe('Checkout 500s in eu-west');
      expect(await form.getByRole('checkbox', { name: 'Search' }).isChecked()).toBe(true);
      expect(await form.getByRole('checkbox', { name: 'Search' }).evaluate((box) => box === document.activeElement)).toBe(true);
      await form.getByRole('checkbox', { name: 'Search' }).uncheck();

      // Alex dismisses the search group from the keyboard, with a reason; it leaves Priya's inbox.
      await group(alex, 'Search latency above 2s').getByRole('button', { name: 'Dismiss…' }).focus();
      await alex.keyboard.press('Enter');
      await alex.keyboard.press('Tab');
      await alex.keyboard.type('Known slow reindex, ticket OPS-42');
      await alex.keyboard.press('Tab');
      await alex.keyboard.press('Enter');
      await group(priya, 'Search latency above 2s').waitFor({ state: 'detached' });
      const dismissed = (await rig.admin('GET', '/alerts?state=dismissed')) as unknown as Array<{ dismissedReason: string; dismissedBy: string }>;
      expect(dismissed).toEqual([expect.objectContaining({ dismissedReason: 'Known slow reindex, ticket OPS-42', dismissedBy: 'alex' })]);

      // Alex declares from the checkout group, with his title.
      expect(await seriousViolations(alex)).toEqual([]);
      await rig.shot(alex, 'inbox-02-declare-form');
      await form.getByRole('button', { name: 'Declare SEV1' }).click();
      await alex.getByRole('heading', { name: /INC-1 · Checkout 500s in eu-west/ }).waitFor();
      expect(await rig.admin('GET', '/incidents/INC-1')).toMatchObject({ severity: 'SEV1', components: ['checkout'], declaredBy: 'alex' });
      await group(priya, 'Checkout returning 500s').getByRole('link', { name: 'INC-1' }).waitFor();
      await rig.shot(priya, 'inbox-03-declared-phone', false);
    } catch (error) {
      await Promise.all([rig.shot(alex, 'inbox-failure-alex'), rig.shot(priya, 'inbox-failure-priya')]).catch(() => undefined);
      throw error;
    }
  }, 90_000);

  it('at 200% zoom the inbox fits and passes axe-core', async () => {
    const { context, page } = await rig.signIn('alex', ZOOM_200, 'light');
    await page.goto(`${rig.server.url}/alerts`);
    await page.getByRole('heading', { name: 'Alert inbox' }).waitFor();
    await page.getByRole('heading', { name: /^Acknowledged/ }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    expect(await overflowing(page)).toEqual([]);
    await rig.shot(page, 'inbox-zoom200');
    await context.close();
  }, 60_000);
});
