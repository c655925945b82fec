import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, MINUTE, UPDATE, declare, expectError, ok } from './helpers.js';

interface Item {
  id: string;
  done: boolean | null;
  proof: string;
}
interface Checklist {
  role: string;
  holders: string[];
  items: Item[];
}

const find = (lists: Checklist[], role: string, id: string) => lists.find((l) => l.role === role)?.items.find((i) => i.id === id);

describe.each(STORE_KINDS)('role checklists over HTTP (%s)', (kind) => {
  let t: TestApp;
  let id: string;
  beforeAll(async () => {
    t = await testApp(kind);
    for (const handle of ['alex', 'priya', 'sam', 'lee', 'jo']) await t.person(handle);
    id = (await declare(t, { title: 'Checkout errors', severity: 'SEV1' }, 'alex')).id;
  });
  afterAll(() => t.close());

  it('a fresh SEV1: severity ticked, deputies and the first update not, the reminders null', async () => {
    const body = await ok(t, 200, 'GET', `${API}/incidents/${id}/checklists`, undefined, 'alex');
    expect(body.incident).toBe(id);
    expect(body.asOf).toBe('2026-06-06T14:14:00.000Z');
    const lists: Checklist[] = body.checklists;
    expect(lists.map((l) => l.role)).toEqual(['incident_commander', 'comms_lead', 'scribe', 'sme']);
    expect(find(lists, 'incident_commander', 'severity-set')?.done).toBe(true);
    expect(find(lists, 'incident_commander', 'comms-lead-named')?.done).toBe(false);
    expect(find(lists, 'incident_commander', 'first-update-on-time')?.done).toBe(false);
    expect(find(lists, 'incident_commander', 'ic-not-debugging')?.done).toBeNull();
    expect(find(lists, 'comms_lead', 'human-speak')?.done).toBeNull();
  });

  it('ticks follow the record: naming roles, an update, a decision, an SME’s finding; the caller’s role comes first', async () => {
    await ok(t, 200, 'POST', `${API}/incidents/${id}/roles`, { role: 'comms_lead', person: 'priya' }, 'alex');
    await ok(t, 200, 'POST', `${API}/incidents/${id}/roles`, { role: 'scribe', person: 'sam' }, 'alex');
    await ok(t, 200, 'POST', `${API}/incidents/${id}/smes`, { person: 'lee', specialty: 'database' }, 'alex');
    t.clock.advance(5 * MINUTE);
    await ok(t, 201, 'POST', `${API}/incidents/${id}/updates`, UPDATE, 'priya');
    await ok(t, 201, 'POST', `${API}/incidents/${id}/timeline`, { kind: 'decision', text: 'Throttle the batch job' }, 'sam');
    await ok(t, 201, 'POST', `${API}/incidents/${id}/timeline`, { kind: 'hypothesis', text: 'The batch job exhausts the pool' }, 'lee');
    const body = await ok(t, 200, 'GET', `${API}/incidents/${id}/checklists`, undefined, 'priya');
    const lists: Checklist[] = body.checklists;
    expect(lists[0]).toMatchObject({ role: 'comms_lead', holders: ['priya'] });
    expect(find(lists, 'incident_commander', 'comms-lead-named')).toMatchObject({ done: true, proof: '@priya was named Comms Lead.' });
    expect(find(lists, 'incident_commander', 'scribe-named')?.done).toBe(true);
    expect(find(lists, 'incident_commander', 'first-update-on-time')?.done).toBe(true);
    expect(find(lists, 'comms_lead', 'first-update-out')?.proof).toContain('by @priya');
    expect(find(lists, 'scribe', 'decisions-noted')?.done).toBe(true);
    expect(find(lists, 'sme', 'findings-posted')?.done).toBe(true);
  });

  it('unknown incident 404; a bad id names the field', async () => {
    expectError(await t.call('GET', `${API}/incidents/INC-999/checklists`, undefined, { as: 'alex' }), 404, 'INCIDENT_NOT_FOUND');
    expectError(await t.call('GET', `${API}/incidents/nope/checklists`, undefined, { as: 'alex' }), 400, 'VALIDATION_FAILED', 'id');
  });
});
