import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, MINUTE, UPDATE, declare, expectError, ok } from './helpers.js';

interface Entry {
  id: number;
  kind: string;
  text: string;
  at: string;
  recordedAt: string;
  actor: string;
  corrects: number | null;
  correctedBy: number | null;
}

describe.each(STORE_KINDS)('R9 the timeline over HTTP (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(kind);
    for (const handle of ['alex', 'priya', 'sam']) await t.person(handle);
  });
  afterAll(() => t.close());

  it('R9: every change lands on the timeline automatically, with time and actor', async () => {
    const { id } = await declare(t, { title: 'Whole story', severity: 'SEV2' }, 'alex');
    const step = async (as: string, status: number, method: string, url: string, body?: unknown) => {
      t.clock.advance(MINUTE);
      return ok(t, status, method, `${API}/incidents/${id}${url}`, body, as);
    };
    await step('alex', 200, 'POST', '/severity', { severity: 'SEV1', reason: 'All regions' });
    await step('alex', 200, 'POST', '/roles', { role: 'comms_lead', person: 'priya' });
    await step('alex', 200, 'POST', '/roles', { role: 'scribe', person: 'sam' });
    const offer = await step('alex', 202, 'POST', '/roles', { role: 'incident_commander', person: 'priya' });
    await step('priya', 200, 'POST', `/handoffs/${offer.pendingHandoff.id}/decline`, {});
    const offer2 = await step('alex', 202, 'POST', '/roles', { role: 'incident_commander', person: 'sam' });
    await step('sam', 200, 'POST', `/handoffs/${offer2.pendingHandoff.id}/accept`, {});
    await step('sam', 200, 'POST', '/smes', { person: 'alex', specialty: 'payments' });
    await step('alex', 200, 'DELETE', '/smes/alex');
    await step('sam', 200, 'DELETE', '/roles/scribe');
    await step('priya', 201, 'POST', '/updates', UPDATE);
    await step('sam', 201, 'POST', '/timeline', { kind: 'decision', text: 'Roll back' });
    await step('sam', 200, 'POST', '/resolve', { impact: 'Checkout failed for 12 minutes.', whatWeKnow: 'Bad deploy.' });
    await step('sam', 200, 'PUT', '/postmortem', { owner: 'alex', scheduledFor: '2026-06-09T10:00:00Z' });

    const timeline: Entry[] = await ok(t, 200, 'GET', `${API}/incidents/${id}/timeline`);
    expect(timeline.map((e) => [e.kind, e.actor])).toEqual([
      ['declared', 'alex'],
      ['severity_changed', 'alex'],
      ['role_assigned', 'alex'],
      ['role_assigned', 'alex'],
      ['role_offered', 'alex'],
      ['role_declined', 'priya'],
      ['role_offered', 'alex'],
      ['role_accepted', 'sam'],
      ['sme_added', 'sam'],
      ['sme_released', 'alex'],
      ['role_released', 'sam'],
      ['update_posted', 'priya'],
      ['status_changed', 'priya'],
      ['decision', 'sam'],
      ['update_posted', 'sam'],
      ['status_changed', 'sam'],
      ['resolved', 'sam'],
      ['postmortem_assigned', 'sam'],
    ]);
    expect(timeline.map((e) => e.id)).toEqual(timeline.map((_, i) => i + 1));
    expect(timeline[0]!.at).toBe('2026-06-06T14:14:00.000Z');
    expect(timeline[1]!.at).toBe('2026-06-06T14:15:00.000Z');
    for (const e of timeline) expect(e.at).toBe(e.recordedAt);
    expect(timeline.find((e) => e.kind === 'resolved')!.text).toBe('Resolved. A postmortem is owed.');
  });

  describe('entries', () => {
    let id: string;
    beforeAll(async () => {
      t.clock.set('2026-06-06T15:00:00.000Z');
      id = (await declare(t, { title: 'Entries', severity: 'SEV2', startedAt: '2026-06-06T14:30:00Z' }, 'alex')).id;
    });

    it('R9: anyone in the incident adds entries of the manual kinds', async () => {
      for (const k of ['note', 'observation', 'action', 'decision', 'hypothesis', 'ruled_out']) {
        const entry = await ok(t, 201, 'POST', `${API}/incidents/${id}/timeline`, { kind: k, text: `A ${k}` }, 'priya');
        expect(entry).toMatchObject({ kind: k, text: `A ${k}`, actor: 'priya', at: '2026-06-06T15:00:00.000Z', recordedAt: '2026-06-06T15:00:00.000Z', corrects: null, correctedBy: null, warnings: [] });
      }
      expectError(await t.call('POST', `${API}/incidents/${id}/timeline`, { kind: 'declared', text: 'fake' }, { as: 'priya' }), 400, 'VALIDATION_FAILED', 'kind');
      expectError(await t.call('POST', `${API}/incidents/${id}/timeline`, { kind: 'note' }, { as: 'priya' }), 400, 'VALIDATION_FAILED', 'text');
      expectError(await t.call('POST', `${API}/incidents/${id}/timeline`, { kind: 'note', text: '  ' }, { as: 'priya' }), 400, 'VALIDATION_FAILED', 'text');
    });

    it('R9: a backdated entry keeps when it was recorded and sorts by when it happened', async () => {
      t.clock.set('2026-06-06T15:10:00.000Z');
      const entry = await ok(t, 201, 'POST', `${API}/incidents/${id}/timeline`, { kind: 'observation', text: 'Error rate first rose', at: '2026-06-06T14:31:00Z' }, 'sam');
      expect(entry).toMatchObject({ at: '2026-06-06T14:31:00.000Z', recordedAt: '2026-06-06T15:10:00.000Z' });
      const timeline: Entry[] = await ok(t, 200, 'GET', `${API}/incidents/${id}/timeline`);
      expect(timeline[0]).toMatchObject({ id: entry.id, text: 'Error rate first rose' });
      expect(timeline[1]!.kind).toBe('declared');
      expectError(await t.call('POST', `${API}/incidents/${id}/timeline`, { kind: 'note', text: 'later', at: '2026-06-06T15:11:00Z' }, { as: 'sam' }), 400, 'ENTRY_IN_FUTURE', 'at');
      expectError(await t.call('POST', `${API}/incidents/${id}/timeline`, { kind: 'note', text: 'when', at: 'a while ago' }, { as: 'sam' }), 400, 'VALIDATION_FAILED', 'at');
    });

    it('R9: a correction is a new entry pointing at the old one, which shows correctedBy', async () => {
      const wrong = await ok(t, 201, 'POST', `${API}/incidents/${id}/timeline`, { kind: 'ruled_out', text: 'Not DNS' }, 'sam');
      const fix = await ok(t, 201, 'POST', `${API}/incidents/${id}/timeline`, { kind: 'note', text: 'Actually DNS is still a suspect', corrects: wrong.id }, 'sam');
      expect(fix).toMatchObject({ corrects: wrong.id, correctedBy: null });
      const timeline: Entry[] = await ok(t, 200, 'GET', `${API}/incidents/${id}/timeline`);
      expect(timeline.find((e) => e.id === wrong.id)).toMatchObject({ text: 'Not DNS', correctedBy: fix.id });
      expect(timeline.find((e) => e.id === fix.id)).toMatchObject({ corrects: wrong.id });
      expectError(await t.call('POST', `${API}/incidents/${id}/timeline`, { kind: 'note', text: 'x', corrects: 9999 }, { as: 'sam' }), 400, 'ENTRY_NOT_FOUND', 'corrects');
      expectError(await t.call('POST', `${API}/incidents/${id}/timeline`, { kind: 'note', text: 'x', corrects: 0 }, { as: 'sam' }), 400, 'VALIDATION_FAILED', 'corrects');
    });

    it('R9: "what have we ruled out?" is one query: ?kind=ruled_out', async () => {
      await ok(t, 201, 'POST', `${API}/incidents/${id}/timeline`, { kind: 'ruled_out', text: 'Not the CDN' }, 'priya');
      const ruledOut: Entry[] = await ok(t, 200, 'GET', `${API}/incidents/${id}/timeline?kind=ruled_out`);
      expect(ruledOut.map((e) => e.text)).toEqual(['A ruled_out', 'Not DNS', 'Not the CDN']);
      expect(ruledOut.every((e) => e.kind === 'ruled_out')).toBe(true);
      const several: Entry[] = await ok(t, 200, 'GET', `${API}/incidents/${id}/timeline?kind=ruled_out,hypothesis`);
      expect(new Set(several.map((e) => e.kind))).toEqual(new Set(['ruled_out', 'hypothesis']));
      expectError(await t.call('GET', `${API}/incidents/${id}/timeline?kind=gossip`), 400, 'VALIDATION_FAILED', 'kind');
    });

    it('R9: the timeline is append-only: there is no PUT, PATCH or DELETE of entries', async () => {
      const before: Entry[] = await ok(t, 200, 'GET', `${API}/incidents/${id}/timeline`);
      const target = before.find((e) => e.kind === 'note')!;
      for (const method of ['PUT', 'PATCH', 'DELETE']) {
        expectError(await t.call(method, `${API}/incidents/${id}/timeline/${target.id}`, method === 'DELETE' ? undefined : { text: 'rewritten' }), 404, 'NOT_FOUND');
        expectError(await t.call(method, `${API}/incidents/${id}/timeline`, method === 'DELETE' ? undefined : { text: 'rewritten' }), 404, 'NOT_FOUND');
      }
      expect(await ok(t, 200, 'GET', `${API}/incidents/${id}/timeline`)).toEqual(before);
    });
  });
});
