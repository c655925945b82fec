import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, MINUTE, UPDATE, declare, expectError, ok } from './helpers.js';

const FINAL = { impact: 'About 30% of checkouts failed between 14:02 and 14:41.', whatWeKnow: 'A payments client deploy exhausted the DB pool.', nextStep: 'Add pool headroom alerts.' };

describe.each(STORE_KINDS)('R11 resolve and R12 postmortem over HTTP (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(kind);
    for (const handle of ['alex', 'priya', 'sam', 'dana']) await t.person(handle);
  });
  afterAll(() => t.close());

  describe('a SEV2 that owes a postmortem', () => {
    let id: string;
    beforeAll(async () => {
      t.clock.set('2026-06-06T14:14:00.000Z');
      id = (await declare(t, { title: 'Checkout errors', severity: 'SEV2', summary: 'Checkout returning 500s for ~30% of users', startedAt: '2026-06-06T14:02:00Z' }, 'alex')).id;
      await ok(t, 200, 'POST', `${API}/incidents/${id}/roles`, { role: 'comms_lead', person: 'priya' }, 'alex');
      await ok(t, 200, 'POST', `${API}/incidents/${id}/roles`, { role: 'scribe', person: 'sam' }, 'alex');
      await ok(t, 200, 'POST', `${API}/incidents/${id}/smes`, { person: 'dana', specialty: 'payments' }, 'alex');
      t.clock.advance(4 * MINUTE);
      await ok(t, 201, 'POST', `${API}/incidents/${id}/updates`, { ...UPDATE, status: 'investigating' }, 'priya');
      t.clock.advance(3 * MINUTE);
      await ok(t, 201, 'POST', `${API}/incidents/${id}/timeline`, { kind: 'ruled_out', text: 'Not the CDN: edge error rates are flat' }, 'sam');
      await ok(t, 201, 'POST', `${API}/incidents/${id}/timeline`, { kind: 'hypothesis', text: 'The batch job exhausts the pool' }, 'dana');
      await ok(t, 201, 'POST', `${API}/incidents/${id}/timeline`, { kind: 'decision', text: 'Throttle the batch job' }, 'alex');
      await ok(t, 201, 'POST', `${API}/incidents/${id}/timeline`, { kind: 'action', text: 'Throttled the batch job to 10%' }, 'dana');
      await ok(t, 200, 'POST', `${API}/incidents/${id}/severity`, { severity: 'SEV1', reason: 'EU checkout fully down' }, 'alex');
      t.clock.advance(5 * MINUTE);
      await ok(t, 200, 'POST', `${API}/incidents/${id}/severity`, { severity: 'SEV2', reason: 'EU recovered' }, 'alex');
      t.clock.set('2026-06-06T14:41:00.000Z');
    });

    it('R12: the postmortem draft is available while the incident is still open', async () => {
      const res = await t.call('GET', `${API}/incidents/${id}/postmortem.md`, undefined, { as: 'sam' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/markdown/);
      expect(res.body).toContain('Postmortem owner: not assigned yet');
      expect(res.body).toMatch(/\| Time to resolve \(impact → resolved\) \| n\/a \|/);
    });

    it('R11: resolving takes a final update: impact and what we know are required', async () => {
      expectError(await t.call('POST', `${API}/incidents/${id}/resolve`, { whatWeKnow: 'x' }, { as: 'alex' }), 400, 'VALIDATION_FAILED', 'impact');
      expectError(await t.call('POST', `${API}/incidents/${id}/resolve`, { impact: 'x' }, { as: 'alex' }), 400, 'VALIDATION_FAILED', 'whatWeKnow');
      expectError(await t.call('POST', `${API}/incidents/${id}/resolve`, { impact: ' ', whatWeKnow: 'x' }, { as: 'alex' }), 400, 'VALIDATION_FAILED', 'impact');
      expectError(await t.call('POST', `${API}/incidents/${id}/resolve`, FINAL, { as: 'sam' }), 403, 'ONLY_COMMANDER');
      expect((await ok(t, 200, 'GET', `${API}/incidents/${id}`)).state).toBe('open');
    });

    it('R11: resolving a SEV2 leaves it resolved with a postmortem owed', async () => {
      const body = await ok(t, 200, 'POST', `${API}/incidents/${id}/resolve`, FINAL, 'alex');
      expect(body).toMatchObject({
        status: 'resolved',
        state: 'resolved',
        resolvedAt: '2026-06-06T14:41:00.000Z',
        nextUpdateBy: null,
        overdue: false,
        pendingHandoff: null,
        roleGaps: [],
        postmortem: { state: 'owed', required: true, owner: null, scheduledFor: null },
      });
      expect(body.lastUpdate).toMatchObject({ status: 'resolved', final: true, impact: FINAL.impact, nextUpdateBy: null, nextStep: FINAL.nextStep });
      expect(body.lastUpdate.markdown).toContain('**[SEV2] Checkout errors, UPDATE 14:41 UTC**\nStatus: Resolved\n');
      const resolved = await ok(t, 200, 'GET', `${API}/incidents?state=resolved`);
      expect(resolved.map((i: { id: string }) => i.id)).toEqual([id]);
      expect(await ok(t, 200, 'GET', `${API}/incidents?state=open`)).toEqual([]);
    });

    it('R11: a resolved incident takes no more changes: 409 INCIDENT_NOT_OPEN', async () => {
      const before = await ok(t, 200, 'GET', `${API}/incidents/${id}`);
      const writes: [string, string, unknown][] = [
        ['POST', '/severity', { severity: 'SEV1', reason: 'again' }],
        ['POST', '/roles', { role: 'scribe', person: 'dana' }],
        ['POST', '/roles', { role: 'incident_commander', person: 'priya' }],
        ['DELETE', '/roles/scribe', undefined],
        ['POST', '/smes', { person: 'priya', specialty: 'comms' }],
        ['DELETE', '/smes/dana', undefined],
        ['POST', '/updates', UPDATE],
      ];
      for (const [method, path, body] of writes) expectError(await t.call(method, `${API}/incidents/${id}${path}`, body, { as: 'alex' }), 409, 'INCIDENT_NOT_OPEN');
      expectError(await t.call('POST', `${API}/incidents/${id}/resolve`, FINAL, { as: 'alex' }), 409, 'INCIDENT_ALREADY_RESOLVED');
      expect((await ok(t, 200, 'GET', `${API}/incidents/${id}`)).version).toBe(before.version);
    });

    it('R11: PUT postmortem with an owner and a date closes it', async () => {
      expectError(await t.call('PUT', `${API}/incidents/${id}/postmortem`, { owner: 'ghost', scheduledFor: '2026-06-09T10:00:00Z' }, { as: 'alex' }), 400, 'UNKNOWN_PERSON', 'owner');
      expectError(await t.call('PUT', `${API}/incidents/${id}/postmortem`, { owner: 'sam' }, { as: 'alex' }), 400, 'VALIDATION_FAILED', 'scheduledFor');
      expectError(await t.call('PUT', `${API}/incidents/${id}/postmortem`, { owner: 'sam', scheduledFor: 'next tuesday' }, { as: 'alex' }), 400, 'VALIDATION_FAILED', 'scheduledFor');
      const body = await ok(t, 200, 'PUT', `${API}/incidents/${id}/postmortem`, { owner: 'sam', scheduledFor: '2026-06-09T10:00:00Z' }, 'alex');
      expect(body).toMatchObject({ state: 'closed', status: 'resolved', postmortem: { state: 'assigned', required: true, owner: 'sam', scheduledFor: '2026-06-09T10:00:00.000Z' } });
      const closed = await ok(t, 200, 'GET', `${API}/incidents?state=closed`);
      expect(closed.map((i: { id: string }) => i.id)).toContain(id);
      const timeline = await ok(t, 200, 'GET', `${API}/incidents/${id}/timeline?kind=resolved,postmortem_assigned`);
      expect(timeline.map((e: { kind: string }) => e.kind)).toEqual(['resolved', 'postmortem_assigned']);
    });

    it('R12: postmortem.md is text/markdown built from the timeline, with every section', async () => {
      const res = await t.call('GET', `${API}/incidents/${id}/postmortem.md`, undefined, { as: 'alex' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/markdown/);
      const md = res.body;
      const sections = ['# Postmortem: INC-1 — Checkout errors', '## Summary', '## Impact', '## Durations', '## Severity history', '## Roles', '## Timeline', '## What we ruled out', '## Action items'];
      let from = 0;
      for (const heading of sections) {
        const at = md.indexOf(heading, from);
        expect(at, heading).toBeGreaterThanOrEqual(from);
        from = at;
      }
      expect(md).toContain('Blameless');
      expect(md).toContain('Checkout returning 500s for ~30% of users');
      expect(md).toContain(FINAL.impact);
      expect(md).toContain('Postmortem owner: @sam');
      expect(md).toContain('peaked at SEV1');
      expect(md).toMatch(/\| Time to declare \(impact → declared\) \| 12m \|/);
      expect(md).toMatch(/\| Time to first update \(declared → first update\) \| 4m \|/);
      expect(md).toMatch(/\| Time to resolve \(impact → resolved\) \| 39m \|/);
      expect(md).toMatch(/\| .* \| SEV1 \| @alex \| EU checkout fully down \|/);
      expect(md).toContain('| Comms Lead | @priya |');
      expect(md).toContain('| Scribe | @sam |');
      expect(md).toContain('| SME (payments) | @dana |');
      expect(md).toContain('Not the CDN: edge error rates are flat');
      expect(md).toContain('Throttle the batch job');
      expect(md).toContain(`- [ ] ${FINAL.nextStep}`);
      expect(md).toContain('Confirm or rule out: The batch job exhausts the pool');
      const whatWeRuledOut = md.slice(md.indexOf('## What we ruled out'), md.indexOf('## Decisions'));
      expect(whatWeRuledOut).toContain('Not the CDN');
      expect(whatWeRuledOut).not.toContain('batch job');
    });

    it('R9: entries may still be added after resolution for catch-up', async () => {
      const entry = await ok(t, 201, 'POST', `${API}/incidents/${id}/timeline`, { kind: 'note', text: 'Found the alert that should have fired', at: '2026-06-06T14:05:00Z' }, 'sam');
      expect(entry.warnings).toEqual([]);
    });
  });

  it('R11: resolving a SEV3 closes it with no postmortem required', async () => {
    const sev3 = await declare(t, { title: 'Minor thing', severity: 'SEV3' }, 'alex');
    expect(sev3.postmortem).toMatchObject({ state: 'not_required', required: false });
    const body = await ok(t, 200, 'POST', `${API}/incidents/${sev3.id}/resolve`, { impact: 'A few slow pages.', whatWeKnow: 'Cache warmup.' }, 'alex');
    expect(body).toMatchObject({ state: 'closed', status: 'resolved', postmortem: { state: 'not_required', required: false } });
    expect(body.lastUpdate).toMatchObject({ final: true, nextStep: null, audience: 'internal' });
    expectError(await t.call('POST', `${API}/incidents/${sev3.id}/updates`, UPDATE, { as: 'alex' }), 409, 'INCIDENT_NOT_OPEN');
    const timeline = await ok(t, 200, 'GET', `${API}/incidents/${sev3.id}/timeline?kind=resolved`);
    expect(timeline[0].text).toBe('Resolved.');
  });

  it('R11: an admin may resolve when the IC is unreachable', async () => {
    const incident = await declare(t, { title: 'IC asleep', severity: 'SEV3' }, 'alex');
    const body = await ok(t, 200, 'POST', `${API}/incidents/${incident.id}/resolve`, { impact: 'x', whatWeKnow: 'y' }, 'admin');
    expect(body.state).toBe('closed');
  });
});
