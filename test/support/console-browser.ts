/**
 * What the console's browser tests share: the built server as a real process on SQLite with
 * a configuration and people, and those people signed in to the console in Chromium, each
 * in a browser context of their own (own cookies, own screen size, own colour scheme).
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ADMIN_TOKEN, ROOT, freshDatabase, startServerProcess, type Database, type ServerProcess } from './harness.js';
import { launchChromium } from './browser.js';

/** A three-level policy for the browser tests' configurations: SEV1 public, SEV2 for stakeholders, SEV3 internal. */
export const SEVERITIES = `
severities:
  - { id: SEV1, name: Critical, impact: "Core feature down for most users", response: "All hands", updateEvery: 30m, audience: public, roles: separate, postmortem: required }
  - { id: SEV2, name: Major, impact: "One feature broken for many users", response: "On-call + SMEs", updateEvery: 1h, audience: stakeholders, roles: comms-separate, postmortem: required }
  - { id: SEV3, name: Minor, impact: "Limited impact", response: "On-call handles it", audience: internal, roles: combined, postmortem: optional }
`;

export interface Screen {
  width: number;
  height: number;
  /** 2 with half a laptop's width in CSS pixels: what a 1280-pixel window shows at 200% zoom. */
  deviceScaleFactor?: number;
}

export const LAPTOP: Screen = { width: 1280, height: 900 };
export const PHONE: Screen = { width: 390, height: 844 };
export const ZOOM_200: Screen = { width: 640, height: 450, deviceScaleFactor: 2 };

export interface ConsoleRig {
  db: Database;
  server: ServerProcess;
  browser: Browser;
  configPath: string;
  tokens: Map<string, string>;
  /** An admin call to the API (bearer token), failing the test on a refusal. */
  admin(method: string, path: string, body?: unknown): Promise<Record<string, unknown>>;
  signIn(handle: string, screen?: Screen, colorScheme?: 'dark' | 'light'): Promise<{ context: BrowserContext; page: Page }>;
  shot(page: Page, name: string, fullPage?: boolean): Promise<unknown>;
  close(): Promise<void>;
}

export async function consoleRig(options: { config: string; people: ReadonlyArray<readonly [string, string]>; shots: string; env?: Record<string, string> }): Promise<ConsoleRig> {
  if (!existsSync(join(ROOT, 'dist/console/index.html'))) throw new Error('dist/console is not built: run `npm run build` first (npm test does)');
  const shots = join(ROOT, 'test-output', options.shots);
  rmSync(shots, { recursive: true, force: true });
  mkdirSync(shots, { recursive: true });
  const db = await freshDatabase('sqlite');
  const configPath = join(db.dataDir, 'e2e.config.yaml');
  writeFileSync(configPath, options.config);
  const server = await startServerProcess(db, { INCIDENT_CONFIG: configPath, ...options.env });
  const rig: ConsoleRig = {
    db,
    server,
    browser: null as unknown as Browser,
    configPath,
    tokens: new Map(),
    async admin(method, path, body) {
      const res = await fetch(`${rig.server.url}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return res.status === 204 ? {} : (res.json() as Promise<Record<string, unknown>>);
    },
    async signIn(handle, screen = LAPTOP, colorScheme = 'dark') {
      const context = await rig.browser.newContext({ viewport: { width: screen.width, height: screen.height }, deviceScaleFactor: screen.deviceScaleFactor ?? 1, colorScheme, timezoneId: 'Europe/Berlin' });
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      await page.goto(rig.server.url);
      await page.getByLabel('API token').fill(rig.tokens.get(handle)!);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Incidents' }).waitFor();
      return { context, page };
    },
    shot: (page, name, fullPage = true) => page.screenshot({ path: join(shots, `${name}.png`), fullPage }),
    async close() {
      await rig.browser?.close();
      await rig.server?.stop();
      await db.cleanup();
    },
  };
  for (const [handle, name] of options.people) {
    await rig.admin('POST', '/people', { handle, name });
    rig.tokens.set(handle, (await rig.admin('POST', `/people/${handle}/tokens`, {})).token as string);
  }
  rig.browser = await launchChromium();
  return rig;
}

/** Controls a screen reader would announce without a name: every input needs a label. */
export const unlabelled = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>('input, select, textarea')]
      .filter((el) => el.labels?.length === 0 && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
      .map((el) => el.outerHTML),
  );

/** What sticks out past the right edge (so the page scrolls sideways): nothing should, at 200% zoom or on a phone. */
export const overflowing = (page: Page) =>
  page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return [];
    return [...document.querySelectorAll<HTMLElement>('body *')]
      .filter((el) => el.getBoundingClientRect().right > width + 1 && !el.closest('.markdown table, ol.entries'))
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className}: ${el.getBoundingClientRect().right.toFixed(0)} > ${width}`);
  });
