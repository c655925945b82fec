/**
 * The CLI prints what others wrote (titles, labels, error messages) without the terminal
 * escape sequences in it, and `incident declare` says the new incident's id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, freshDatabase, startServerProcess, type Database, type ServerProcess } from '../support/harness.js';
import { incident } from '../cli/run.js';
import { call } from '../robustness/http.js';
import { terminalJson, terminalSafe } from '../../src/cli/terminal.js';

/** Whether `text` holds a C0 control but tab and newline, DEL or a C1 control. */
const hasControl = (text: string) => [...text].some((c) => {
  const code = c.charCodeAt(0);
  return (code < 32 && code !== 9 && code !== 10) || (code >= 0x7f && code <= 0x9f);
});

const HOSTILE = 'Checkout \u001b]0;owned\u0007\u001b[2J\u001b[31mred\u001b[0m\rover\u009b31mwritten';

describe('CLI output', () => {
  let db: Database;
  let server: ServerProcess;
  const env = () => ({ INCIDENT_URL: server.url, INCIDENT_TOKEN: ADMIN_TOKEN });

  beforeAll(async () => {
    db = await freshDatabase('sqlite');
    server = await startServerProcess(db);
  });
  afterAll(async () => {
    await server?.stop();
    await db?.cleanup();
  });

  it('terminalSafe takes out CSI, OSC, carriage returns and C1 controls, and keeps text, tabs and newlines', () => {
    expect(terminalSafe(HOSTILE)).toBe('Checkout redoverwritten');
    expect(terminalSafe('a\tb\nc ✓')).toBe('a\tb\nc ✓');
    expect(JSON.parse(terminalJson({ title: HOSTILE }))).toEqual({ title: HOSTILE });
    expect(hasControl(terminalJson({ title: HOSTILE }))).toBe(false);
  });

  it('a title with escape sequences is printed without them by list, show and --json', async () => {
    const created = await call(server.url, 'POST', '/incidents', { title: HOSTILE, severity: 'SEV3' });
    expect(created.status, created.text).toBe(201);
    const id = (created.json as { id: string }).id;
    for (const args of [['list'], ['show', id], ['show', id, '--json']]) {
      const ran = await incident(args, env());
      expect(ran.code, ran.stderr).toBe(0);
      expect(hasControl(ran.stdout), args.join(' ')).toBe(false);
    }
    const refused = await incident(['show', 'INC-999\u001b[2J'], env());
    expect(hasControl(refused.stderr)).toBe(false);
  });

  it('incident declare prints the new id (on stderr: stdout is the announcement to paste)', async () => {
    const ran = await incident(['declare', 'Payments down', '--severity', 'SEV2'], env());
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/^🚨 INCIDENT DECLARED/);
    expect(ran.stderr).toMatch(/^Declared INC-\d+: refer to it as INC-\d+/m);
  });
});
