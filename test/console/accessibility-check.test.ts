/** The accessibility check the console's browser tests rely on finds what it should, and passes a clean page. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { CHROMIUM, hasChromium, launchChromium, seriousViolations } from '../support/browser.js';

if (!hasChromium) console.log(`accessibility check: SKIPPED (${CHROMIUM} is missing)`);

describe.skipIf(!hasChromium)('seriousViolations (axe-core injected into Chromium)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('names a low-contrast paragraph and an unlabelled button, and passes the same page fixed', async () => {
    const page = await browser.newPage();
    const body = (colour: string, label: string) =>
      `<!doctype html><html lang="en"><head><title>t</title></head><body><main><h1>Room</h1><p style="color:${colour};background:#fff">Next update by 10:30 UTC</p><button>${label}</button></main></body></html>`;
    await page.setContent(body('#ccc', ''));
    const found = await seriousViolations(page);
    expect(found.map((v) => v.id).sort()).toEqual(['button-name', 'color-contrast']);
    expect(found.find((v) => v.id === 'color-contrast')?.targets).toEqual(['p']);
    await page.setContent(body('#333', 'Post update'));
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
  });
});
