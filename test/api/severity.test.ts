import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, MINUTE, declare, expectError, ok } from './helpers.js';

describe.each(STORE_KINDS)('R2 severity changes over HTTP (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(kind);
    await t.person('alex');
  });
  afterAll(() => t.close());

  it('R2: upgrading takes a reason and lands on the timeline; the shorter first-update window pulls the first update in', async () => {
    const incident = await declare(t, { title: 'Checkout errors', severity: 'SEV3' }, 'alex');
    expect(incident.nextUpdateBy).toBe('2026-06-06T14:44:00.000Z');
    t.clock.advance(5 * MINUTE);
    const res = await t.call('POST', `${API}/incidents/${incident.id}/severity`, { severity: 'SEV1', reason: 'Now all regions' }, { as: 'alex' });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.severity).toBe('SEV1');
    expect(body.version).toBeGreaterThan(incident.version);
    expect(body.nextUpdateBy).toBe('2026-06-06T14:29:00.000Z');
    expect(body.postmortem.state).toBe('owed');
    expect(body.roleGaps.map((g: { code: string }) => g.code)).toEqual(expect.arrayContaining(['COMMS_LEAD_MISSING', 'SCRIBE_MISSING']));

    const timeline = await ok(t, 200, 'GET', `${API}/incidents/${incident.id}/timeline?kind=severity_changed`, undefined, 'alex');
    expect(timeline).toHaveLength(1);
    expect(timeline[0]).toMatchObject({ kind: 'severity_changed', actor: 'alex', at: '2026-06-06T14:19:00.000Z', text: 'Severity SEV3 → SEV1: Now all regions' });
  });

  it('R2: downgrading is one step, with a reason', async () => {
    const incident = await declare(t, { title: 'Maybe big', severity: 'SEV1' }, 'alex');
    const body = await ok(t, 200, 'POST', `${API}/incidents/${incident.number}/severity`, { severity: 'SEV3', reason: 'Only one tenant affected' }, 'alex');
    expect(body.severity).toBe('SEV3');
    expect(body.roleGaps).toEqual([]);
    expect(body.postmortem.state).toBe('not_required');
    // The slower cadence keeps the promise already made.
    expect(body.nextUpdateBy).toBe(incident.nextUpdateBy);
  });

  it('R2: a change needs a reason (400 naming it)', async () => {
    const incident = await declare(t, { title: 'No reason', severity: 'SEV2' }, 'alex');
    expectError(await t.call('POST', `${API}/incidents/${incident.id}/severity`, { severity: 'SEV1' }, { as: 'alex' }), 400, 'VALIDATION_FAILED', 'reason');
    expectError(await t.call('POST', `${API}/incidents/${incident.id}/severity`, { severity: 'SEV1', reason: '' }, { as: 'alex' }), 400, 'VALIDATION_FAILED', 'reason');
    expectError(await t.call('POST', `${API}/incidents/${incident.id}/severity`, { severity: 'SEV1', reason: '   ' }, { as: 'alex' }), 400, 'VALIDATION_FAILED', 'reason');
    const after = await ok(t, 200, 'GET', `${API}/incidents/${incident.id}`);
    expect(after).toMatchObject({ severity: 'SEV2', version: incident.version });
  });

  it('R2: the same severity is 409 SEVERITY_UNCHANGED; an unknown one is 400 UNKNOWN_SEVERITY', async () => {
    const incident = await declare(t, { title: 'Same sev', severity: 'SEV2' }, 'alex');
    expectError(await t.call('POST', `${API}/incidents/${incident.id}/severity`, { severity: 'SEV2', reason: 'x' }, { as: 'alex' }), 409, 'SEVERITY_UNCHANGED', 'severity');
    const err = expectError(await t.call('POST', `${API}/incidents/${incident.id}/severity`, { severity: 'SEV0', reason: 'x' }, { as: 'alex' }), 400, 'UNKNOWN_SEVERITY', 'severity');
    expect(err.details?.allowed).toEqual(['SEV1', 'SEV2', 'SEV3']);
    const timeline = await ok(t, 200, 'GET', `${API}/incidents/${incident.id}/timeline?kind=severity_changed`);
    expect(timeline).toEqual([]);
  });
});
