import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, UPDATE, declare, expectError, ok } from './helpers.js';

describe.each(STORE_KINDS)('private incidents over HTTP (%s)', (kind) => {
  let t: TestApp;
  let secret: { id: string; number: number; version: number };
  let open: { id: string };
  beforeAll(async () => {
    t = await testApp(kind);
    for (const handle of ['alex', 'priya', 'sam', 'dana', 'lee']) await t.person(handle);
    await t.person('vera', 'viewer');
    secret = await declare(t, { title: 'Credential leak', severity: 'SEV2', private: true, commander: 'dana' }, 'alex');
    open = await declare(t, { title: 'Public thing', severity: 'SEV2' }, 'alex');
    await ok(t, 200, 'POST', `${API}/incidents/${secret.id}/roles`, { role: 'scribe', person: 'sam' }, 'dana');
    await ok(t, 201, 'POST', `${API}/incidents/${secret.id}/updates`, UPDATE, 'dana');
  });
  afterAll(() => t.close());

  const reads = (id: string) => [`/incidents/${id}`, `/incidents/${id}/timeline`, `/incidents/${id}/updates`, `/incidents/${id}/postmortem.md`, `/incidents/${id}/announcement.md`];

  it('private: invisible (404) to non-participants in GET, timeline, updates, postmortem.md and announcement.md', async () => {
    for (const who of ['priya', 'vera']) {
      for (const path of reads(secret.id)) {
        const err = expectError(await t.call('GET', `${API}${path}`, undefined, { as: who }), 404, 'INCIDENT_NOT_FOUND');
        expect(err.message).toBe(`There is no incident INC-${secret.number} that you can see.`);
      }
    }
    // Indistinguishable from an incident that does not exist.
    const missing = await t.call('GET', `${API}/incidents/999`, undefined, { as: 'priya' });
    const hidden = await t.call('GET', `${API}/incidents/${secret.number}`, undefined, { as: 'priya' });
    expect(hidden.statusCode).toBe(missing.statusCode);
    expect(hidden.json().error.message.replace(/INC-\d+/, 'INC-?')).toBe(missing.json().error.message.replace(/INC-\d+/, 'INC-?'));
  });

  it('private: left out of the list for non-participants, in every filter', async () => {
    for (const query of ['', '?state=open', '?severity=SEV2', '?overdue=false']) {
      const list = await ok(t, 200, 'GET', `${API}/incidents${query}`, undefined, 'priya');
      const ids = list.map((i: { id: string }) => i.id);
      expect(ids, query).not.toContain(secret.id);
      expect(ids, query).toContain(open.id);
    }
  });

  it('private: non-participants cannot write to it either (404, nothing changes)', async () => {
    const before = await ok(t, 200, 'GET', `${API}/incidents/${secret.id}`);
    expectError(await t.call('POST', `${API}/incidents/${secret.id}/timeline`, { kind: 'note', text: 'peek' }, { as: 'priya' }), 404, 'INCIDENT_NOT_FOUND');
    expectError(await t.call('POST', `${API}/incidents/${secret.id}/severity`, { severity: 'SEV1', reason: 'x' }, { as: 'priya' }), 404, 'INCIDENT_NOT_FOUND');
    expectError(await t.call('POST', `${API}/incidents/${secret.id}/updates`, UPDATE, { as: 'priya' }), 404, 'INCIDENT_NOT_FOUND');
    expect((await ok(t, 200, 'GET', `${API}/incidents/${secret.id}`)).version).toBe(before.version);
  });

  it('private: visible to the declarer, the named IC, role holders and admins', async () => {
    for (const who of ['alex', 'dana', 'sam', 'admin']) {
      for (const path of reads(secret.id)) {
        const res = await t.call('GET', `${API}${path}`, undefined, { as: who });
        expect(res.statusCode, `${who} ${path}`).toBe(200);
      }
      const list = await ok(t, 200, 'GET', `${API}/incidents`, undefined, who);
      expect(list.map((i: { id: string }) => i.id), who).toContain(secret.id);
    }
    const body = await ok(t, 200, 'GET', `${API}/incidents/${secret.id}`, undefined, 'sam');
    expect(body.private).toBe(true);
  });

  it('private: pulling someone in as an SME lets them see it', async () => {
    expectError(await t.call('GET', `${API}/incidents/${secret.id}`, undefined, { as: 'lee' }), 404, 'INCIDENT_NOT_FOUND');
    await ok(t, 200, 'POST', `${API}/incidents/${secret.id}/smes`, { person: 'lee', specialty: 'security' }, 'dana');
    await ok(t, 200, 'GET', `${API}/incidents/${secret.id}/timeline`, undefined, 'lee');
    await ok(t, 201, 'POST', `${API}/incidents/${secret.id}/timeline`, { kind: 'observation', text: 'Key rotated' }, 'lee');
  });
});
