/** Issue 16: a published postmortem on the public status page, when the team chooses — on SQLite and PostgreSQL. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, UPDATE, declare, ok } from '../api/helpers.js';
import { publicDom, publicGet } from './support.js';

const RESOLVE = { impact: 'Checkouts failed for 40 minutes.', whatWeKnow: 'A bad deploy, rolled back.' };

describe.each(STORE_KINDS)('the published postmortem on the status page (%s)', (kind) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await testApp(kind, {});
    await t.person('lee');
  });
  afterEach(() => t.close());

  async function reviewed(title: string, markdown: string): Promise<string> {
    t.clock.set('2026-06-06T14:14:00.000Z');
    const { id } = await declare(t, { title, severity: 'SEV1' });
    await ok(t, 201, 'POST', `${API}/incidents/${id}/updates`, { ...UPDATE, audience: 'public' });
    await ok(t, 200, 'POST', `${API}/incidents/${id}/resolve`, RESOLVE);
    await ok(t, 200, 'POST', `${API}/incidents/${id}/postmortem/schedule`, { owner: 'lee', scheduledFor: '2026-06-09T15:00:00Z' });
    await ok(t, 200, 'PUT', `${API}/incidents/${id}/postmortem/document`, { markdown, baseRevision: 0 }, 'lee');
    await ok(t, 200, 'POST', `${API}/incidents/${id}/postmortem/review`, undefined, 'lee');
    return id;
  }

  it("linked by choice: the incident's page links it, incidents.json says `postmortem`, the document is served without anything that runs", async () => {
    const id = await reviewed('Checkout errors', '# What happened\n\n| When | What |\n|---|---|\n| 14:14 | Declared |\n\n<script>alert(1)</script> [x](javascript:alert(1))');
    await ok(t, 200, 'PUT', `${API}/incidents/${id}/postmortem/publication`, { statusPage: true }, 'lee');

    const page = await publicDom(t, `/status/incidents/${id}`);
    expect(page.querySelector(`a[href="/status/incidents/${id}/postmortem"]`)?.textContent).toBe('Read the postmortem');
    const incidents = JSON.parse((await publicGet(t, '/api/v2/incidents.json')).body);
    expect(incidents.incidents.find((i: { id: string }) => i.id === id).status).toBe('postmortem');
    // Not unresolved: summary.json lists only unresolved incidents, as Statuspage does.
    expect(JSON.parse((await publicGet(t, '/api/v2/summary.json')).body).incidents).toEqual([]);

    const document = await publicDom(t, `/status/incidents/${id}/postmortem`);
    expect(document.querySelector('main h1')?.textContent).toBe('Postmortem: Checkout errors');
    expect(document.querySelector('article.postmortem h2')?.textContent).toBe('What happened');
    expect(document.querySelector('article.postmortem td')?.textContent).toBe('14:14');
    expect(document.querySelector('script')).toBeNull();
    expect(document.querySelector('a[href^="javascript"]')).toBeNull();
  });

  it('published without the flag: frozen and listed, but not on the public page; the link can be added later', async () => {
    const id = await reviewed('Login slow', '# Login slow\n\nSessions store.');
    await ok(t, 200, 'PUT', `${API}/incidents/${id}/postmortem/publication`, { statusPage: false }, 'lee');
    expect((await publicDom(t, `/status/incidents/${id}`)).body.textContent).not.toContain('Read the postmortem');
    expect((await publicGet(t, `/status/incidents/${id}/postmortem`)).statusCode).toBe(404);
    expect(JSON.parse((await publicGet(t, '/api/v2/incidents.json')).body).incidents.find((i: { id: string }) => i.id === id).status).toBe('resolved');

    await ok(t, 200, 'PUT', `${API}/incidents/${id}/postmortem/publication`, { statusPage: true }, 'lee');
    expect((await publicGet(t, `/status/incidents/${id}/postmortem`)).statusCode).toBe(200);
  });
});
