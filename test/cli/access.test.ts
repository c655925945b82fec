/** The access verbs against a real server process: people edit/deactivate/reactivate, token create/list/revoke. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN_TOKEN, freshDatabase, startServerProcess, type Database, type ServerProcess } from '../support/harness.js';
import { incident } from './run.js';

describe('incident CLI: people and tokens', () => {
  let db: Database;
  let server: ServerProcess;
  const as = (token: string, args: string[]) => incident(args, { INCIDENT_URL: server.url, INCIDENT_TOKEN: token });
  const admin = (args: string[]) => as(ADMIN_TOKEN, args);

  beforeAll(async () => {
    db = await freshDatabase('sqlite');
    server = await startServerProcess(db);
    expect((await admin(['people', 'add', 'priya', 'Priya Shah'])).code).toBe(0);
  });
  afterAll(async () => {
    await server?.stop();
    await db?.cleanup();
  });

  it('people edit changes the role; the last admin cannot step down', async () => {
    const edited = await admin(['people', 'edit', 'priya', '--role', 'viewer', '--email', 'priya@example.com']);
    expect(edited.code, edited.stderr).toBe(0);
    expect(edited.stdout).toContain('@priya: Priya Shah, viewer, priya@example.com');
    const refused = await admin(['people', 'edit', 'admin', '--role', 'responder']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('last active admin');
    expect((await admin(['people', 'edit', 'priya'])).code).toBe(2);
  });

  it('token create / list / revoke, and the old "incident token <handle>" still issues one', async () => {
    const created = await admin(['token', 'create', 'priya', '--name', 'laptop', '--expires-in', '30d']);
    expect(created.code, created.stderr).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^ic_/);
    const legacy = await admin(['token', 'priya']);
    expect(legacy.code, legacy.stderr).toBe(0);

    const list = await as(token, ['token', 'list']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain('laptop');
    expect(list.stdout).not.toContain(token);
    const listed = JSON.parse((await admin(['token', 'list', 'priya', '--json'])).stdout) as { id: string; name: string }[];
    const laptop = listed.find((x) => x.name === 'laptop')!;

    const revoked = await as(token, ['token', 'revoke', laptop.id]);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain(`Revoked ${laptop.id}`);
    const after = await as(token, ['list']);
    expect(after.code).toBe(1);
    expect(after.stderr).toContain('not valid');
  });

  it('people deactivate takes every token away; reactivate lets them back with a new one', async () => {
    const token = (await admin(['token', 'create', 'priya'])).stdout.trim();
    expect((await as(token, ['list'])).code).toBe(0);
    const gone = await admin(['people', 'deactivate', 'priya']);
    expect(gone.code, gone.stderr).toBe(0);
    expect((await as(token, ['list'])).code).toBe(1);
    const listed = await admin(['people', 'list']);
    expect(listed.stdout).toMatch(/@priya.*deactivated/);
    expect((await admin(['people', 'reactivate', 'priya'])).code).toBe(0);
    expect((await as(token, ['list'])).code).toBe(1);
    const fresh = (await admin(['token', 'create', 'priya'])).stdout.trim();
    expect((await as(fresh, ['list'])).code).toBe(0);
  });
});

describe('incident CLI: sign-in settings', () => {
  let db: Database;
  let server: ServerProcess;
  const admin = (args: string[]) => incident(args, { INCIDENT_URL: server.url, INCIDENT_TOKEN: ADMIN_TOKEN });

  beforeAll(async () => {
    db = await freshDatabase('sqlite');
    // Turning the token form off needs a provider configured; nothing here contacts it.
    const configPath = join(db.dataDir, 'sso.config.yaml');
    writeFileSync(configPath, 'auth:\n  oidc:\n    issuer: http://127.0.0.1:9/\n    clientId: incident\n    name: Acme SSO\n');
    server = await startServerProcess(db, { INCIDENT_CONFIG: configPath });
  });
  afterAll(async () => {
    await server?.stop();
    await db?.cleanup();
  });

  it('sign-in shows both ways in; --token off and on switch the token form, and bad values are usage errors', async () => {
    const shown = await admin(['sign-in']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('Single sign-on: on (Acme SSO)');
    expect(shown.stdout).toContain('API token sign-in: on');
    const off = await admin(['sign-in', '--token', 'off']);
    expect(off.code, off.stderr).toBe(0);
    expect(off.stdout).toContain('API token sign-in: off');
    // The CLI itself still works with its token.
    expect(JSON.parse((await admin(['sign-in', '--json'])).stdout)).toEqual({ tokenSignIn: false, oidc: { name: 'Acme SSO', loginUrl: '/api/v1/auth/oidc/login' } });
    expect((await admin(['sign-in', '--token', 'on'])).stdout).toContain('API token sign-in: on');
    expect((await admin(['sign-in', '--token', 'maybe'])).code).toBe(2);
  });
});
