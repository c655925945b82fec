/**
 * What changed, in the room in Chromium: the changes of the hour before the impact began and
 * since, those on the incident's components first and marked; one click puts a change on the
 * timeline as a hypothesis, and the other responder sees it without a reload. Screenshots go
 * to test-output/console-ops/changes/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { CHROMIUM, hasChromium, seriousViolations } from '../support/browser.js';
import { LAPTOP, PHONE, SEVERITIES, consoleRig, overflowing, unlabelled, type ConsoleRig } from '../support/console-browser.js';

if (!hasChromium) console.log(`console changes: SKIPPED (${CHROMIUM} is missing)`);

const CONFIG = `${SEVERITIES}components:
  - { id: checkout, name: Checkout }
  - { id: search, name: Search }
`;
const MINUTE = 60_000;
const ago = (minutes: number) => new Date(Date.now() - minutes * MINUTE).toISOString();

describe.skipIf(!hasChromium)('console: what changed, in the room', () => {
  let rig: ConsoleRig;

  beforeAll(async () => {
    rig = await consoleRig({ config: CONFIG, people: [['alex', 'Alex Kim'], ['priya', 'Priya Shah']], shots: 'console-ops/changes' });
    const key = (await rig.admin('POST', '/alert-sources', { name: 'deploys', type: 'changes' })).key as string;
    const send = async (body: Record<string, unknown>) => {
      const res = await fetch(`${rig.server.url}/api/v1/changes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ routing_key: key, ...body }) });
      expect(res.status, await res.text()).toBe(202);
    };
    await send({ payload: { summary: 'Old deploy, outside the hour', timestamp: ago(90) }, kind: 'deploy', components: ['checkout'] });
    await send({ payload: { summary: 'Search synonyms pushed', timestamp: ago(30), source: 'config-bot' }, kind: 'config', components: ['search'] });
    await send({ payload: { summary: 'Deployed checkout-api v2.14.0', timestamp: ago(20), source: 'argocd' }, kind: 'deploy', components: ['checkout'], links: [{ href: 'https://ci.example.com/812', text: 'Build 812' }] });
    await send({ payload: { summary: 'Nightly reconciliation batch', timestamp: ago(10), source: 'cron@batch-01' }, kind: 'batch-job' });
    await rig.admin('POST', '/incidents', { title: 'Checkout errors', severity: 'SEV2', startedAt: ago(15), components: ['checkout'], commander: 'alex' });
  }, 60_000);
  afterAll(() => rig?.close());

  const panel = (page: Page) => page.getByRole('region', { name: 'What changed' });

  it('lists the window, the incident\'s components first; one click suspects a change, seen by the other', async () => {
    const { page: alex } = await rig.signIn('alex', LAPTOP, 'dark');
    const { page: priya } = await rig.signIn('priya', PHONE, 'light');
    try {
      for (const page of [alex, priya]) await page.goto(`${rig.server.url}/incidents/INC-1`);
      const list = panel(alex).getByRole('list', { name: /Changes/ });
      await list.getByRole('listitem').first().waitFor();
      const items = await list.getByRole('listitem').evaluateAll((els) => els.map((el) => el.getAttribute('aria-label')));
      expect(items).toEqual(['Change: Deployed checkout-api v2.14.0', 'Change: Nightly reconciliation batch', 'Change: Search synonyms pushed']);
      const deploy = list.getByRole('listitem', { name: 'Change: Deployed checkout-api v2.14.0' });
      expect(await deploy.textContent()).toMatch(/on this incident's components checkout/);
      expect(await deploy.textContent()).toContain('(before impact)');
      expect(await list.getByRole('listitem', { name: 'Change: Nightly reconciliation batch' }).textContent()).toContain('(during)');
      expect(await deploy.getByRole('link', { name: 'Build 812' }).getAttribute('href')).toBe('https://ci.example.com/812');
      await rig.shot(alex, 'changes-01-listed');
      for (const page of [alex, priya]) {
        await panel(page).getByRole('listitem').first().waitFor();
        expect(await seriousViolations(page)).toEqual([]);
        expect(await overflowing(page)).toEqual([]);
        expect(await unlabelled(page)).toEqual([]);
      }

      await deploy.getByRole('button', { name: 'Suspect this change' }).click();
      await deploy.getByText(/On the timeline as hypothesis #\d+/).waitFor();
      await alex.getByRole('list', { name: 'Timeline entries' }).getByText(/Suspect deploy at \d\d:\d\d UTC on checkout, from argocd: Deployed checkout-api v2\.14\.0/).waitFor();
      // Priya's room follows live: the change is marked there too, and it cannot be suspected twice.
      const hers = panel(priya).getByRole('listitem', { name: 'Change: Deployed checkout-api v2.14.0' });
      await hers.getByText(/On the timeline as hypothesis #\d+/).waitFor();
      expect(await hers.getByRole('button', { name: 'Suspect this change' }).count()).toBe(0);
      await rig.shot(priya, 'changes-02-suspected-phone');
      const timeline = (await rig.admin('GET', '/incidents/INC-1/timeline?kind=hypothesis')) as unknown as { change: string | null }[];
      expect(timeline).toHaveLength(1);
      expect(timeline[0]!.change).toMatch(/^chg_/);
    } finally {
      await alex.context().close();
      await priya.context().close();
    }
  }, 120_000);
});
