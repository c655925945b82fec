/**
 * Status page controls in Chromium, two responders side by side: publishing a SEV2 and
 * taking it back, setting an affected component's status (each seen live by the other),
 * the public page previewed before a public update is posted (and the same words on
 * /status/incidents/… after), subscriber counts, and a maintenance window scheduled (with
 * its reminders) and changed. Screenshots go to test-output/console-ops/status-controls/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { CHROMIUM, hasChromium, seriousViolations } from '../support/browser.js';
import { LAPTOP, PHONE, ZOOM_200, SEVERITIES, consoleRig, overflowing, unlabelled, type ConsoleRig } from '../support/console-browser.js';

if (!hasChromium) console.log(`console status page controls: SKIPPED (${CHROMIUM} is missing)`);

const CONFIG = `${SEVERITIES}components:
  - { id: checkout, name: Checkout }
  - { id: search, name: Search }
webhooks:
  allowTargets: [127.0.0.1]
`;

describe.skipIf(!hasChromium)('console status page controls in Chromium', () => {
  let rig: ConsoleRig;

  beforeAll(async () => {
    rig = await consoleRig({ config: CONFIG, people: [['alex', 'Alex Kim'], ['priya', 'Priya Shah']], shots: 'console-ops/status-controls' });
    await rig.admin('POST', '/incidents', { title: 'Checkout errors', severity: 'SEV2', components: ['checkout'], commander: 'alex' });
    // Subscribers: one webhook following checkout only, one following everything (nothing listens: deliveries fail, which is fine here).
    await rig.admin('POST', '/status-subscribers/webhooks', { url: 'http://127.0.0.1:9/checkout', components: ['checkout'] });
    await rig.admin('POST', '/status-subscribers/webhooks', { url: 'http://127.0.0.1:9/all' });
  }, 60_000);
  afterAll(() => rig?.close());

  const controls = (page: Page) => page.getByRole('region', { name: /^Status page/ }).first();

  async function accessible(page: Page) {
    expect(await seriousViolations(page)).toEqual([]);
    expect(await overflowing(page)).toEqual([]);
    expect(await unlabelled(page)).toEqual([]);
  }

  it('publish, component status and take-back are seen live by the other responder; preview matches the public page', async () => {
    const { page: alex } = await rig.signIn('alex', LAPTOP, 'dark');
    const { page: priya } = await rig.signIn('priya', PHONE, 'light');
    try {
      await alex.goto(`${rig.server.url}/incidents/INC-1`);
      await priya.getByRole('link', { name: 'Status page' }).click();
      await priya.getByRole('heading', { name: 'Status page', level: 1 }).waitFor();
      const room = controls(alex);
      await room.getByText('Not on the public page').waitFor();
      await room.getByText('Public updates reach the subscribers of Checkout (2)').waitFor();
      await priya.getByText('2 webhooks').waitFor();
      await accessible(alex);
      await accessible(priya);

      // Alex publishes the SEV2 from the room; Priya's screen says so without a reload.
      await room.getByRole('button', { name: 'Publish INC-1' }).click();
      await room.getByText('On the public page').waitFor();
      await controls(priya).getByText('On the public page').waitFor();

      // Priya says checkout is only degraded (a SEV2 holds it as a partial outage by default); Alex's room shows it live.
      await priya.getByLabel('Status of Checkout').selectOption('degraded_performance');
      await priya.getByRole('button', { name: 'Set Checkout' }).click();
      await room.locator('.component-row').filter({ hasText: 'Degraded performance' }).waitFor();
      await priya.getByLabel('Also affected').selectOption('search');
      await priya.getByRole('button', { name: 'Add component' }).click();
      await room.locator('.component-row').filter({ hasText: 'Search' }).waitFor();
      await rig.shot(alex, 'status-01-room-controls');
      await rig.shot(priya, 'status-01-screen-phone');

      // Alex previews a public update: the public page rendered by the status page's own presenter.
      await alex.getByLabel('Status', { exact: true }).selectOption('identified');
      await alex.getByLabel('Impact', { exact: true }).fill('Some checkouts fail with an error.');
      await alex.getByLabel('What we know', { exact: true }).fill('A database pool is exhausted.');
      await alex.getByLabel('Next step', { exact: true }).fill('Adding capacity.');
      await alex.getByRole('radio', { name: /Public/ }).check();
      await alex.getByRole('button', { name: 'Preview on the status page' }).click();
      const frame = alex.frameLocator('iframe[title="Status page preview of INC-1"]');
      await frame.getByRole('heading', { name: 'Checkout errors' }).waitFor();
      const previewed = await frame.locator('ol.updates > li').first().innerText();
      expect(previewed).toContain('Some checkouts fail with an error.');
      expect(await frame.locator('body').innerText()).toContain('Checkout (Degraded performance)');
      await alex.getByRole('region', { name: 'Status page preview' }).scrollIntoViewIfNeeded();
      await rig.shot(alex, 'status-02-preview');
      await alex.getByRole('button', { name: 'Post update' }).click();
      await alex.getByText(/^Posted update/).waitFor();
      // The public page now says what the preview said (times aside: the preview was rendered moments earlier).
      // The page is re-rendered just after the commit: look until it has the update.
      const publicPage = await alex.context().newPage();
      const withoutTimes = (text: string) => text.replace(/\d{4}-\d\d-\d\d \d\d:\d\d( UTC)?/g, 'T');
      const published = async () => {
        await publicPage.goto(`${rig.server.url}/status/incidents/INC-1`);
        return withoutTimes(await publicPage.locator('ol.updates > li').first().innerText());
      };
      await expect.poll(published, { timeout: 5000 }).toBe(withoutTimes(previewed));
      await publicPage.close();

      // Alex takes it back off the page; Priya's screen follows.
      await room.getByRole('button', { name: 'Take INC-1 off the public page' }).click();
      await controls(priya).getByText('Not on the public page').waitFor();
      await expect.poll(async () => (await fetch(`${rig.server.url}/status/incidents/INC-1`)).status, { timeout: 5000 }).toBe(404);
    } catch (error) {
      await Promise.all([rig.shot(alex, 'status-failure-alex'), rig.shot(priya, 'status-failure-priya')]).catch(() => undefined);
      throw error;
    }
  }, 90_000);

  it('maintenance: scheduled and changed from the status page screen, seen by the other on their next look; fits at 200% zoom', async () => {
    const { page: alex } = await rig.signIn('alex', ZOOM_200, 'dark');
    await alex.goto(`${rig.server.url}/status-page`);
    await alex.getByRole('button', { name: 'Schedule maintenance…' }).click();
    const form = alex.getByRole('form', { name: 'Schedule maintenance' });
    await form.getByLabel('Title').fill('Database upgrade');
    await form.getByLabel(/What will happen/).fill('Checkout may be read-only for up to 10 minutes.');
    await form.getByRole('checkbox', { name: 'Checkout' }).check();
    const at = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString().slice(0, 16);
    await form.getByLabel('Starts (UTC)').fill(at(24));
    await form.getByLabel('Ends (UTC)').fill(at(25));
    const reminders = form.getByRole('group', { name: 'Remind subscribers before it starts' });
    expect(await reminders.getByRole('checkbox', { name: '1 hour' }).isChecked()).toBe(true);
    await reminders.getByRole('checkbox', { name: '24 hours' }).check();
    await accessible(alex);
    await form.getByRole('button', { name: 'Schedule' }).click();
    const item = alex.getByRole('listitem', { name: 'Database upgrade' });
    await item.getByText('Scheduled').waitFor();
    await item.getByText('Subscribers reminded 24 hours and 1 hour before it starts').waitFor();
    await accessible(alex);
    await rig.shot(alex, 'status-03-maintenance-zoom200');

    await item.getByRole('button', { name: 'Change Database upgrade' }).click();
    const change = alex.getByRole('form', { name: 'Change maintenance Database upgrade' });
    await change.getByLabel('Ends (UTC)').fill(at(26));
    await change.getByRole('button', { name: 'Save changes' }).click();
    await change.waitFor({ state: 'detached' });
    const [window] = (await rig.admin('GET', '/maintenances?state=scheduled')) as unknown as Array<{ id: string; endsAt: string; components: string[]; version: number }>;
    expect(window).toMatchObject({ endsAt: `${at(26)}:00.000Z`, components: ['checkout'], remindBefore: ['1h', '24h'] });
    expect(window!.version).toBeGreaterThan(1);

    // Alex changes it again while the admin changes its message and components; the screen reloads on the next live event (a note on INC-1).
    // His form stays open with his title and components, takes the admin's message (a field he had not touched), says the
    // components changed meanwhile (the hint describes the group of checkboxes), and saves his.
    await item.getByRole('button', { name: 'Change Database upgrade' }).click();
    await change.getByLabel('Title').fill('Database upgrade to 16');
    await change.getByRole('checkbox', { name: 'Search' }).check();
    await rig.admin('PATCH', `/maintenances/${window!.id}`, { message: 'Read-only for up to 5 minutes.', components: [] });
    await rig.admin('POST', '/incidents/INC-1/timeline', { kind: 'note', text: 'Maintenance window moved.' });
    await expect.poll(() => change.getByLabel(/What will happen/).inputValue(), { timeout: 10_000 }).toBe('Read-only for up to 5 minutes.');
    expect(await change.getByLabel('Title').inputValue()).toBe('Database upgrade to 16');
    const described = await change
      .getByRole('group', { name: 'Components under maintenance' })
      .evaluate((group) => (group.getAttribute('aria-describedby') ?? '').split(' ').map((id) => document.getElementById(id)?.textContent));
    expect(described).toEqual(['Changed meanwhile to “none”: saving puts yours in its place.']);
    await change.getByRole('button', { name: 'Save changes' }).click();
    await change.waitFor({ state: 'detached' });
    const [changed] = (await rig.admin('GET', '/maintenances?state=scheduled')) as unknown as Array<{ title: string; message: string; components: string[] }>;
    expect(changed).toMatchObject({ title: 'Database upgrade to 16', message: 'Read-only for up to 5 minutes.' });
    expect([...changed!.components].sort()).toEqual(['checkout', 'search']);

    const { page: priya } = await rig.signIn('priya', LAPTOP, 'light');
    await priya.goto(`${rig.server.url}/status-page`);
    await priya.getByRole('listitem', { name: 'Database upgrade to 16' }).waitFor();
    await accessible(priya);
  }, 60_000);
});
