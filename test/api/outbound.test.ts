/** The Comms Lead owns outbound (issue 15, item 4) over HTTP, each `updates.publicBy`, on SQLite and PostgreSQL. */
import { afterAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, MINUTE, UPDATE, declare, expectError, ok } from './helpers.js';

async function room(t: TestApp) {
  const incident = await declare(t, { title: 'Checkout errors', severity: 'SEV2' }, 'alex');
  await ok(t, 200, 'POST', `${API}/incidents/${incident.id}/roles`, { role: 'comms_lead', person: 'priya' }, 'alex');
  t.clock.advance(MINUTE);
  return incident.id as string;
}

describe.each(STORE_KINDS)('the Comms Lead owns outbound (%s)', (kind) => {
  const apps: TestApp[] = [];
  const app = async (publicBy?: string) => {
    const t = await testApp(kind, publicBy ? { updates: { publicBy } } : {});
    apps.push(t);
    for (const handle of ['alex', 'priya', 'sam']) await t.person(handle);
    return t;
  };
  afterAll(async () => {
    for (const t of apps) await t.close();
  });

  it('anyone (default): posted, the answer warns, the timeline says who posted without the Comms Lead', async () => {
    const t = await app();
    const id = await room(t);
    const posted = await ok(t, 201, 'POST', `${API}/incidents/${id}/updates`, UPDATE, 'alex');
    expect(posted).toMatchObject({ postedBy: 'alex', audience: 'public' });
    expect(posted.warnings.map((w: { code: string }) => w.code)).toEqual(['NOT_THE_COMMS_LEAD']);
    const entries = await ok(t, 200, 'GET', `${API}/incidents/${id}/timeline?kind=update_not_by_comms_lead`);
    expect(entries).toEqual([expect.objectContaining({ actor: 'alex', text: 'That public update went out without the Comms Lead, @priya.' })]);
    const fromComms = await ok(t, 201, 'POST', `${API}/incidents/${id}/updates`, UPDATE, 'priya');
    expect(fromComms.warnings).toEqual([]);
  });

  it('comms-lead: refused with 409 COMMS_LEAD_OWNS_OUTBOUND; internal updates and the Comms Lead still post', async () => {
    const t = await app('comms-lead');
    const id = await room(t);
    const error = expectError(await t.call('POST', `${API}/incidents/${id}/updates`, UPDATE, { as: 'alex' }), 409, 'COMMS_LEAD_OWNS_OUTBOUND', 'audience');
    expect(error.message).toContain('@priya');
    await ok(t, 201, 'POST', `${API}/incidents/${id}/updates`, { ...UPDATE, audience: 'internal' }, 'alex');
    await ok(t, 201, 'POST', `${API}/incidents/${id}/updates`, UPDATE, 'priya');
  });

  it('comms-lead-approves: held as a draft (202), listed, approved by the Comms Lead (posted), or rejected with a reason', async () => {
    const t = await app('comms-lead-approves');
    const id = await room(t);
    const held = await ok(t, 202, 'POST', `${API}/incidents/${id}/updates`, UPDATE, 'alex');
    expect(held).toMatchObject({ draftedBy: 'alex', commsLead: 'priya', audience: 'public', impact: UPDATE.impact });
    expect((await ok(t, 200, 'GET', `${API}/incidents/${id}/updates`)).length).toBe(0);
    expect(await ok(t, 200, 'GET', `${API}/incidents/${id}/drafts`, undefined, 'sam')).toEqual([expect.objectContaining({ id: held.id })]);
    expectError(await t.call('POST', `${API}/incidents/${id}/drafts/${held.id}/approve`, undefined, { as: 'alex' }), 403, 'ONLY_COMMS_LEAD');
    t.clock.advance(MINUTE);
    const posted = await ok(t, 201, 'POST', `${API}/incidents/${id}/drafts/${held.id}/approve`, undefined, 'priya');
    expect(posted).toMatchObject({ postedBy: 'priya', impact: UPDATE.impact, audience: 'public' });
    expect(await ok(t, 200, 'GET', `${API}/incidents/${id}/drafts`)).toEqual([]);
    expectError(await t.call('POST', `${API}/incidents/${id}/drafts/${held.id}/approve`, undefined, { as: 'priya' }), 409, 'DRAFT_NOT_PENDING');

    const second = await ok(t, 202, 'POST', `${API}/incidents/${id}/updates`, UPDATE, 'sam');
    expectError(await t.call('POST', `${API}/incidents/${id}/drafts/${second.id}/reject`, {}, { as: 'priya' }), 400, 'VALIDATION_FAILED', 'reason');
    const res = await t.call('POST', `${API}/incidents/${id}/drafts/${second.id}/reject`, { reason: 'Impact overstated' }, { as: 'priya' });
    expect(res.statusCode, res.body).toBe(204);
    const kinds = (await ok(t, 200, 'GET', `${API}/incidents/${id}/timeline`)).map((e: { kind: string }) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['update_held', 'draft_approved', 'update_posted', 'draft_rejected']));
  });
});
