import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';

describe.each(STORE_KINDS)('declare over HTTP (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(kind);
    await t.person('alex');
  });
  afterAll(() => t.close());

  it('R1: declaring opens INC-n with channel, clock and the declarer as IC', async () => {
    const res = await t.call('POST', '/api/v1/incidents', { title: 'Checkout errors', severity: 'SEV2' }, { as: 'alex' });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      id: 'INC-1',
      status: 'investigating',
      state: 'open',
      channel: 'inc-2026-06-06-checkout-errors',
      declaredAt: '2026-06-06T14:14:00.000Z',
      roles: { incident_commander: 'alex', comms_lead: null, scribe: null },
    });
    expect(body.announcement).toContain('🚨 INCIDENT DECLARED, #inc-2026-06-06-checkout-errors');
  });
});
