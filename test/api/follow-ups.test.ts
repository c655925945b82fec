/**
 * Follow-up action items over HTTP (issue 16, item 2) on both stores: opened from an
 * incident (optionally from a timeline entry), listed with filters, changed with If-Match
 * and Idempotency-Key, closed; opening and closing are notes on the incident's timeline.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, declare, expectError, ok } from './helpers.js';

const T = '2026-06-06T14:14:00.000Z';
type Item = { id: string; incident: string; state: string; overdue: boolean; version: number; due: string; owner: string };
const ids = (items: Item[]) => items.map((i) => i.id).sort();

describe.each(STORE_KINDS)('Follow-ups API (%s)', (kind) => {
  let t: TestApp;
  let inc: string;
  beforeAll(async () => {
    t = await testApp(kind);
    await t.person('priya', 'responder');
    await t.person('sam', 'responder');
    await t.person('vic', 'viewer');
    inc = (await declare(t, { title: 'Checkout errors', severity: 'SEV2', commander: 'priya' })).id;
  });
  beforeEach(() => t.clock.set(T));
  afterAll(() => t.close());

  const open = (body: Record<string, unknown>, as = 'priya', headers?: Record<string, string>) =>
    ok(t, 201, 'POST', `${API}/incidents/${inc}/follow-ups`, { title: 'Alert on checkout error rate', owner: 'sam', due: '2026-06-20', ...body }, as, headers);

  it('opens one from a timeline entry; it is a note on the timeline and readable by a viewer', async () => {
    const entry = await ok(t, 201, 'POST', `${API}/incidents/${inc}/timeline`, { kind: 'observation', text: 'No alert fired for 20 minutes' }, 'priya');
    const item = await open({ sourceEntry: entry.id, priority: 'P1' });
    expect(item).toMatchObject({ incident: inc, owner: 'sam', due: '2026-06-20', priority: 'P1', state: 'open', overdue: false, version: 1, createdBy: 'priya', closedAt: null });
    expect(item.id).toMatch(/^fu_[0-9a-f]{16}$/);
    const timeline: { kind: string; text: string }[] = await ok(t, 200, 'GET', `${API}/incidents/${inc}/timeline`);
    expect(timeline.at(-1)).toMatchObject({ kind: 'note' });
    expect(timeline.at(-1)!.text).toContain(`Follow-up ${item.id} opened`);
    const read = await t.call('GET', `${API}/follow-ups/${item.id}`, undefined, { as: 'vic' });
    expect([read.statusCode, read.headers.etag]).toEqual([200, '"1"']);
  });

  it('refuses viewers, bad fields by name, unknown incidents and entries', async () => {
    expectError(await t.call('POST', `${API}/incidents/${inc}/follow-ups`, { title: 'x', owner: 'sam', due: '2026-06-20' }, { as: 'vic' }), 403, 'FORBIDDEN');
    const bad = (body: Record<string, unknown>) => t.call('POST', `${API}/incidents/${inc}/follow-ups`, { title: 'x', owner: 'sam', due: '2026-06-20', ...body });
    expectError(await bad({ due: '2026-06-01' }), 400, 'VALIDATION_FAILED', 'due');
    expectError(await bad({ due: 'next week' }), 400, 'VALIDATION_FAILED', 'due');
    expectError(await bad({ priority: 'urgent' }), 400, 'VALIDATION_FAILED', 'priority');
    expectError(await bad({ owner: 'nobody' }), 400, 'UNKNOWN_PERSON', 'owner');
    expectError(await bad({ owner: 'vic' }), 400, 'PERSON_CANNOT_RESPOND', 'owner');
    expectError(await bad({ sourceEntry: 999 }), 400, 'ENTRY_NOT_FOUND', 'sourceEntry');
    expectError(await t.call('POST', `${API}/incidents/INC-999/follow-ups`, { title: 'x', owner: 'sam', due: '2026-06-20' }), 404, 'INCIDENT_NOT_FOUND');
    expectError(await t.call('GET', `${API}/follow-ups/fu_ffffffffffffffff`), 404, 'FOLLOW_UP_NOT_FOUND');
  });

  it('an Idempotency-Key replays the creation instead of opening a second one', async () => {
    const headers = { 'idempotency-key': 'fu-create-1' };
    const first = await open({ title: 'Runbook for payments client rollback' }, 'priya', headers);
    const again = await open({ title: 'Runbook for payments client rollback' }, 'priya', headers);
    expect(again.id).toBe(first.id);
    const listed: Item[] = await ok(t, 200, 'GET', `${API}/follow-ups?incident=${inc}`);
    expect(listed.filter((i) => i.id === first.id)).toHaveLength(1);
  });

  it('PATCH changes fields and state with If-Match; a stale version is a 409; done is a note on the timeline', async () => {
    const item = await open({ title: 'Add a canary for payments' });
    expectError(await t.call('PATCH', `${API}/follow-ups/${item.id}`, { due: '2026-06-25' }, { headers: { 'if-match': '"7"' } }), 409, 'VERSION_CONFLICT');
    const moved = await ok(t, 200, 'PATCH', `${API}/follow-ups/${item.id}`, { due: '2026-06-25', owner: 'priya' }, 'sam', { 'if-match': '"1"' });
    expect(moved).toMatchObject({ due: '2026-06-25', owner: 'priya', version: 2 });
    const done = await ok(t, 200, 'PATCH', `${API}/follow-ups/${item.id}`, { state: 'done' }, 'priya', { 'idempotency-key': 'fu-done-1' });
    expect(done).toMatchObject({ state: 'done', closedBy: 'priya', closedAt: T, version: 3 });
    expect((await ok(t, 200, 'PATCH', `${API}/follow-ups/${item.id}`, { state: 'done' }, 'priya', { 'idempotency-key': 'fu-done-1' })).version).toBe(3);
    expectError(await t.call('PATCH', `${API}/follow-ups/${item.id}`, { state: 'done' }, { as: 'priya' }), 409, 'FOLLOW_UP_TRANSITION', 'state');
    expectError(await t.call('PATCH', `${API}/follow-ups/${item.id}`, { title: 'Later' }), 409, 'FOLLOW_UP_CLOSED');
    expectError(await t.call('PATCH', `${API}/follow-ups/${item.id}`, { state: 'open' }, { as: 'vic' }), 403, 'FORBIDDEN');
    const timeline: { text: string }[] = await ok(t, 200, 'GET', `${API}/incidents/${inc}/timeline`);
    expect(timeline.filter((e) => e.text.startsWith(`Follow-up ${item.id} done`))).toHaveLength(1);
    const reopened = await ok(t, 200, 'PATCH', `${API}/follow-ups/${item.id}`, { state: 'open', title: 'Add a canary for payments and search' });
    expect(reopened).toMatchObject({ state: 'open', closedAt: null, version: 4 });
    expectError(await t.call('PATCH', `${API}/follow-ups/${item.id}`, { state: 'wont_do' }), 400, 'VALIDATION_FAILED', 'reason');
    const dropped = await ok(t, 200, 'PATCH', `${API}/follow-ups/${item.id}`, { state: 'wont_do', reason: 'Canaries come with the new deploy system' });
    expect(dropped).toMatchObject({ state: 'wont_do', reason: 'Canaries come with the new deploy system' });
    expectError(await t.call('PATCH', `${API}/follow-ups/${item.id}`, {}), 400, 'VALIDATION_FAILED');
  });

  it('lists with filters: state, owner, incident, overdue, due before; private incidents only for those in them', async () => {
    const other = (await declare(t, { title: 'Search slow', severity: 'SEV3', commander: 'sam' })).id;
    const early = await ok(t, 201, 'POST', `${API}/incidents/${other}/follow-ups`, { title: 'Tune the search cache', owner: 'priya', due: '2026-06-07' });
    const secret = (await declare(t, { title: 'Key leak', severity: 'SEV2', private: true, commander: 'priya' }, 'priya')).id;
    const hidden = await ok(t, 201, 'POST', `${API}/incidents/${secret}/follow-ups`, { title: 'Rotate keys', owner: 'priya', due: '2026-06-30' }, 'priya');
    t.clock.set('2026-06-08T09:00:00.000Z');
    const list = async (query: string, as = 'admin'): Promise<Item[]> => ok(t, 200, 'GET', `${API}/follow-ups?${query}`, undefined, as);
    expect(ids(await list('overdue=true'))).toEqual([early.id]);
    expect((await list('overdue=true'))[0]!.overdue).toBe(true);
    expect(ids(await list(`incident=${other}`))).toEqual([early.id]);
    expect(ids(await list('dueBefore=2026-06-20'))).toEqual([early.id]);
    expect((await list('owner=priya&state=open')).map((i) => i.id)).toEqual(expect.arrayContaining([early.id, hidden.id]));
    expect((await list('state=wont_do')).every((i) => i.state === 'wont_do')).toBe(true);
    expect(ids(await list('owner=priya', 'vic'))).not.toContain(hidden.id);
    expectError(await t.call('GET', `${API}/follow-ups/${hidden.id}`, undefined, { as: 'vic' }), 404, 'FOLLOW_UP_NOT_FOUND');
    const all = await list('limit=1');
    expect(all).toHaveLength(1);
    expectError(await t.call('GET', `${API}/follow-ups?overdue=maybe`), 400, 'VALIDATION_FAILED');
    expectError(await t.call('GET', `${API}/follow-ups?dueBefore=June`), 400, 'VALIDATION_FAILED');
  });
});
