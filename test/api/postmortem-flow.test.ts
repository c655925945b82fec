/** Issue 16: the postmortem through to published over the API — on SQLite and PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, MINUTE, declare, expectError, ok } from './helpers.js';

const RESOLVE = { impact: 'Checkouts failed for 40 minutes.', whatWeKnow: 'The DB pool ran dry.' };
const REVIEW = '2026-06-09T15:00:00.000Z';

describe.each(STORE_KINDS)('the postmortem through to published (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(kind);
    for (const handle of ['alex', 'lee', 'sam', 'dana']) await t.person(handle);
    await t.person('vic', 'viewer');
  });
  afterAll(() => t.close());

  async function resolvedIncident(title: string): Promise<string> {
    t.clock.set('2026-06-06T14:14:00.000Z');
    const { id } = await declare(t, { title, severity: 'SEV2' }, 'alex');
    t.clock.advance(40 * MINUTE);
    await ok(t, 200, 'POST', `${API}/incidents/${id}/resolve`, RESOLVE, 'alex');
    return id as string;
  }

  it('owed → scheduled → drafting → in review → published, each on the timeline, the document frozen and listed', async () => {
    const id = await resolvedIncident('Checkout errors');
    expect((await ok(t, 200, 'GET', `${API}/incidents/${id}`, undefined, 'alex')).postmortem).toMatchObject({ state: 'owed', stage: 'owed', revision: 0 });

    const scheduled = await ok(t, 200, 'POST', `${API}/incidents/${id}/postmortem/schedule`, { owner: 'lee', scheduledFor: '2026-06-09T17:00:00+02:00', durationMinutes: 45 }, 'alex');
    expect(scheduled.postmortem).toMatchObject({ state: 'assigned', stage: 'scheduled', owner: 'lee', scheduledFor: REVIEW, minutes: 45 });

    // Before the first save the document is today's draft, revision 0.
    const draft = await t.call('GET', `${API}/incidents/${id}/postmortem/document`, undefined, { as: 'sam' });
    expect(draft.statusCode).toBe(200);
    expect(draft.headers.etag).toBe('"0"');
    expect(draft.json()).toMatchObject({ revision: 0, author: null, stage: 'scheduled', frozen: false });
    expect(draft.json().markdown).toContain(`# Postmortem: ${id} — Checkout errors`);

    const first = await t.call('PUT', `${API}/incidents/${id}/postmortem/document`, { markdown: `${draft.json().markdown}\n\nSam's notes.` }, { as: 'sam', headers: { 'if-match': '"0"' } });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.headers.etag).toBe('"1"');
    expect(first.json()).toMatchObject({ revision: 1, author: 'sam', stage: 'drafting' });
    t.clock.advance(MINUTE);
    await ok(t, 200, 'PUT', `${API}/incidents/${id}/postmortem/document`, { markdown: '# Postmortem\n\nLee rewrote it.', baseRevision: 1 }, 'lee');

    // Dana edited revision 1 too: refused with the revision to reload, nothing overwritten.
    const stale = expectError(
      await t.call('PUT', `${API}/incidents/${id}/postmortem/document`, { markdown: "Dana's edit" }, { as: 'dana', headers: { 'if-match': '"1"' } }),
      409,
      'REVISION_CONFLICT',
      'baseRevision',
    );
    expect(stale.details).toMatchObject({ currentRevision: 2 });
    expectError(await t.call('PUT', `${API}/incidents/${id}/postmortem/document`, { markdown: 'blind' }, { as: 'dana' }), 400, 'VALIDATION_FAILED', 'if-match');

    const revisions = await ok(t, 200, 'GET', `${API}/incidents/${id}/postmortem/revisions`, undefined, 'vic');
    expect(revisions.map((r: { revision: number; author: string }) => [r.revision, r.author])).toEqual([
      [2, 'lee'],
      [1, 'sam'],
    ]);
    expect((await ok(t, 200, 'GET', `${API}/incidents/${id}/postmortem/document?revision=1`, undefined, 'vic')).markdown).toContain("Sam's notes.");

    expectError(await t.call('POST', `${API}/incidents/${id}/postmortem/review`, undefined, { as: 'dana' }), 403, 'NOT_POSTMORTEM_STEWARD');
    expect((await ok(t, 200, 'POST', `${API}/incidents/${id}/postmortem/review`, undefined, 'lee')).postmortem.stage).toBe('in_review');

    const published = await ok(t, 200, 'PUT', `${API}/incidents/${id}/postmortem/publication`, { statusPage: true }, 'lee');
    expect(published.postmortem).toMatchObject({ stage: 'published', publishedRevision: 2, onStatusPage: true, url: null });
    const frozen = expectError(
      await t.call('PUT', `${API}/incidents/${id}/postmortem/document`, { markdown: 'late edit', baseRevision: 2 }, { as: 'lee' }),
      409,
      'POSTMORTEM_PUBLISHED',
    );
    expect(frozen.message).toContain('frozen');
    expect((await ok(t, 200, 'GET', `${API}/incidents/${id}/postmortem/document`, undefined, 'vic')).frozen).toBe(true);

    const kinds = (await ok(t, 200, 'GET', `${API}/incidents/${id}/timeline`, undefined, 'vic')).map((e: { kind: string }) => e.kind);
    expect(kinds.filter((k: string) => k.startsWith('postmortem_'))).toEqual(['postmortem_scheduled', 'postmortem_revised', 'postmortem_revised', 'postmortem_in_review', 'postmortem_published']);

    const list = await ok(t, 200, 'GET', `${API}/postmortems?state=published`, undefined, 'vic');
    expect(list.map((i: { id: string }) => i.id)).toContain(id);
    expect((await ok(t, 200, 'GET', `${API}/postmortems?state=drafting`, undefined, 'vic')).map((i: { id: string }) => i.id)).not.toContain(id);
  });

  it('refusals name what is wrong: a start in the past, review before a document, publishing before review', async () => {
    const id = await resolvedIncident('Search slow');
    expectError(await t.call('POST', `${API}/incidents/${id}/postmortem/schedule`, { owner: 'lee', scheduledFor: '2026-06-01T10:00:00Z' }, { as: 'alex' }), 400, 'VALIDATION_FAILED', 'scheduledFor');
    expectError(await t.call('POST', `${API}/incidents/${id}/postmortem/schedule`, { owner: 'nobody', scheduledFor: REVIEW }, { as: 'alex' }), 400, 'UNKNOWN_PERSON', 'owner');
    expectError(await t.call('POST', `${API}/incidents/${id}/postmortem/schedule`, { owner: 'lee', scheduledFor: REVIEW }, { as: 'vic' }), 403, 'FORBIDDEN');
    await ok(t, 200, 'POST', `${API}/incidents/${id}/postmortem/schedule`, { owner: 'lee', scheduledFor: REVIEW }, 'alex');
    expect((await ok(t, 200, 'GET', `${API}/postmortems?state=scheduled`, undefined, 'vic')).map((i: { id: string }) => i.id)).toContain(id);
    const early = expectError(await t.call('POST', `${API}/incidents/${id}/postmortem/review`, undefined, { as: 'lee' }), 409, 'POSTMORTEM_TRANSITION');
    expect(early.details).toMatchObject({ stage: 'scheduled' });
    expectError(await t.call('PUT', `${API}/incidents/${id}/postmortem/publication`, { statusPage: true }, { as: 'lee' }), 409, 'POSTMORTEM_TRANSITION');
    // The contract's first form still works: an address publishes it, linked.
    const linked = await ok(t, 200, 'PUT', `${API}/incidents/${id}/postmortem/publication`, { url: 'https://wiki.example.com/pm/search' }, 'alex');
    expect(linked.postmortem).toMatchObject({ stage: 'published', url: 'https://wiki.example.com/pm/search', onStatusPage: true, publishedRevision: null });
  });
});
