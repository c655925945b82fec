import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, declare, expectError, ok } from './helpers.js';

describe.each(STORE_KINDS)('declare over HTTP (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(kind);
    await t.person('alex');
    await t.person('priya');
  });
  afterAll(() => t.close());

  it('R1: declaring opens INC-n with channel, clock and the declarer as IC', async () => {
    const res = await t.call('POST', '/api/v1/incidents', { title: 'Checkout errors', severity: 'SEV2' }, { as: 'alex' });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      id: 'INC-1',
      number: 1,
      title: 'Checkout errors',
      severity: 'SEV2',
      status: 'investigating',
      state: 'open',
      channel: 'inc-2026-06-06-checkout-errors',
      declaredAt: '2026-06-06T14:14:00.000Z',
      startedAt: '2026-06-06T14:14:00.000Z',
      resolvedAt: null,
      declaredBy: 'alex',
      roles: { incident_commander: 'alex', comms_lead: null, scribe: null },
      smes: [],
      pendingHandoff: null,
      lastUpdate: null,
      nextUpdateBy: '2026-06-06T14:29:00.000Z',
      overdue: false,
      postmortem: { state: 'owed', owner: null, scheduledFor: null },
      components: [],
      private: false,
      summary: null,
    });
    expect(typeof body.version).toBe('number');
    expect(body.announcement).toContain('🚨 INCIDENT DECLARED, #inc-2026-06-06-checkout-errors');
  });

  it('R1: title and severity are required; everything else is optional', async () => {
    expectError(await t.call('POST', `${API}/incidents`, { severity: 'SEV2' }), 400, 'VALIDATION_FAILED', 'title');
    expectError(await t.call('POST', `${API}/incidents`, { title: 'No severity' }), 400, 'VALIDATION_FAILED', 'severity');
    expectError(await t.call('POST', `${API}/incidents`, { title: '   ', severity: 'SEV2' }), 400, 'VALIDATION_FAILED', 'title');
    expectError(await t.call('POST', `${API}/incidents`, { title: 'Bad sev', severity: 'SEV9' }), 400, 'UNKNOWN_SEVERITY', 'severity');
    expectError(await t.call('POST', `${API}/incidents`, { title: 'Typo', severity: 'SEV2', sumary: 'x' }), 400, 'VALIDATION_FAILED');
  });

  it('R1: the optional fields are kept: summary, links, components, private', async () => {
    const body = await declare(
      t,
      {
        title: 'Payments latency is up for EU customers today',
        severity: 'SEV3',
        summary: 'p99 latency on the payments API is 4s.',
        components: ['payments', 'api', 'payments'],
        links: { dashboard: 'https://grafana.example.com/d/pay', runbook: 'https://runbooks.example.com/payments' },
        private: true,
      },
      'alex',
    );
    expect(body).toMatchObject({
      summary: 'p99 latency on the payments API is 4s.',
      components: ['payments', 'api'],
      links: { statusPage: null, dashboard: 'https://grafana.example.com/d/pay', runbook: 'https://runbooks.example.com/payments' },
      private: true,
      channel: 'inc-2026-06-06-payments-latency-is-up-for',
      nextUpdateBy: '2026-06-06T14:44:00.000Z',
      postmortem: { state: 'not_required' },
    });
    expect(body.announcement).toContain('Summary: p99 latency on the payments API is 4s.');
    expect(body.announcement).toContain('Dashboard: https://grafana.example.com/d/pay');
  });

  it('R1: a named commander must exist: 400 UNKNOWN_PERSON with details.field', async () => {
    expectError(await t.call('POST', `${API}/incidents`, { title: 'Ghost IC', severity: 'SEV2', commander: 'ghost' }, { as: 'alex' }), 400, 'UNKNOWN_PERSON', 'commander');
    expectError(await t.call('POST', `${API}/incidents`, { title: 'Bad IC', severity: 'SEV2', commander: 'Not Valid' }, { as: 'alex' }), 400, 'VALIDATION_FAILED', 'commander');
  });

  it('R1: naming someone else makes them the IC instead of the declarer', async () => {
    const body = await declare(t, { title: 'Named IC', severity: 'SEV2', commander: 'priya' }, 'alex');
    expect(body.roles.incident_commander).toBe('priya');
    expect(body.declaredBy).toBe('alex');
    const timeline = await ok(t, 200, 'GET', `${API}/incidents/${body.id}/timeline`, undefined, 'alex');
    expect(timeline[0]).toMatchObject({ kind: 'declared', actor: 'alex' });
    expect(timeline[0].text).toContain('@priya');
  });

  it('R1: startedAt may be earlier than declaredAt, never later', async () => {
    const body = await declare(t, { title: 'Started earlier', severity: 'SEV3', startedAt: '2026-06-06T13:50:00Z' });
    expect(body.startedAt).toBe('2026-06-06T13:50:00.000Z');
    expect(body.declaredAt).toBe('2026-06-06T14:14:00.000Z');
    expect(body.announcement).toContain('Started: 2026-06-06 13:50 UTC');
    expectError(await t.call('POST', `${API}/incidents`, { title: 'Future', severity: 'SEV3', startedAt: '2026-06-06T15:00:00Z' }), 400, 'STARTED_IN_FUTURE', 'startedAt');
    expectError(await t.call('POST', `${API}/incidents`, { title: 'Not a time', severity: 'SEV3', startedAt: 'yesterday' }), 400, 'VALIDATION_FAILED', 'startedAt');
  });

  it('R1: the channel is dated by the UTC day of declaration', async () => {
    t.clock.set('2026-06-06T23:59:30.000Z');
    const body = await declare(t, { title: 'Late night: DNS!', severity: 'SEV3' });
    expect(body.channel).toBe('inc-2026-06-06-late-night-dns');
    t.clock.set('2026-06-07T00:00:30.000Z');
    const next = await declare(t, { title: 'Late night: DNS!', severity: 'SEV3' });
    expect(next.channel).toBe('inc-2026-06-07-late-night-dns');
    expect(next.number).toBe(body.number + 1);
    t.clock.set('2026-06-06T14:14:00.000Z');
  });

  it('R1: GET /incidents/{id}/announcement.md is the channel announcement as Markdown', async () => {
    await ok(t, 200, 'POST', `${API}/incidents/INC-1/roles`, { role: 'comms_lead', person: 'priya' }, 'alex');
    const res = await t.call('GET', `${API}/incidents/INC-1/announcement.md`, undefined, { as: 'alex' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/markdown/);
    const text = res.body;
    const order = [
      '🚨 INCIDENT DECLARED, #inc-2026-06-06-checkout-errors',
      'Severity: SEV2',
      'Started: 2026-06-06 14:14 UTC',
      'Summary: Checkout errors',
      'ROLES',
      'Incident Commander: @alex',
      'Comms Lead: @priya',
      'Scribe: (unassigned)',
      'SMEs: (none yet)',
      'LINKS',
      'Status page:',
      'Dashboard:',
      'Runbook:',
      'Post updates in this thread. Keep side-chatter out.',
      'The Scribe owns the timeline.',
    ];
    let from = 0;
    for (const line of order) {
      const at = text.indexOf(line, from);
      expect(at, line).toBeGreaterThanOrEqual(from);
      from = at + line.length;
    }
  });

  it('ids: INC-7, inc-7 and 7 all name the same incident', async () => {
    for (const id of ['INC-1', 'inc-1', 'Inc-1', '1']) {
      const body = await ok(t, 200, 'GET', `${API}/incidents/${id}`);
      expect(body.id, id).toBe('INC-1');
    }
    const res = await t.call('GET', `${API}/incidents/1`);
    expect(res.headers.etag).toBe(`"${res.json().version}"`);
  });

  it('ids: a malformed id is 400 naming it; an unknown one is 404 INCIDENT_NOT_FOUND', async () => {
    for (const id of ['INC-x', 'abc', '0', 'INC-', '-1', '1.5', 'INC-1-2', '99999999999'])
      expectError(await t.call('GET', `${API}/incidents/${id}`), 400, 'VALIDATION_FAILED', 'id');
    expectError(await t.call('GET', `${API}/incidents/INC-999`), 404, 'INCIDENT_NOT_FOUND');
    expectError(await t.call('GET', `${API}/incidents/999/timeline`), 404, 'INCIDENT_NOT_FOUND');
    expectError(await t.call('POST', `${API}/incidents/999/severity`, { severity: 'SEV1', reason: 'x' }), 404, 'INCIDENT_NOT_FOUND');
    expectError(await t.call('POST', `${API}/incidents/abc/severity`, { severity: 'SEV1', reason: 'x' }), 400, 'VALIDATION_FAILED', 'id');
  });

  it('list: GET /incidents filters by state and severity', async () => {
    const all = await ok(t, 200, 'GET', `${API}/incidents`);
    expect(all.length).toBeGreaterThanOrEqual(5);
    const sev2 = await ok(t, 200, 'GET', `${API}/incidents?severity=SEV2`);
    expect(sev2.length).toBeGreaterThan(0);
    expect(sev2.every((i: { severity: string }) => i.severity === 'SEV2')).toBe(true);
    const open = await ok(t, 200, 'GET', `${API}/incidents?state=open`);
    expect(open.length).toBe(all.length);
    expect(await ok(t, 200, 'GET', `${API}/incidents?state=closed`)).toEqual([]);
    expectError(await t.call('GET', `${API}/incidents?state=bogus`), 400, 'VALIDATION_FAILED', 'state');
    expectError(await t.call('GET', `${API}/incidents?overdue=maybe`), 400, 'VALIDATION_FAILED', 'overdue');
  });
});

describe.each(STORE_KINDS)('declare with configured components (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(kind, {
      components: [
        { id: 'checkout', name: 'Checkout', group: 'Storefront' },
        { id: 'search', name: 'Search' },
      ],
      links: { statusPage: 'https://status.example.com' },
    });
  });
  afterAll(() => t.close());

  it('R1: components must be configured ones when the config lists them', async () => {
    const err = expectError(await t.call('POST', `${API}/incidents`, { title: 'Typo component', severity: 'SEV2', components: ['checkout', 'chekout'] }), 400, 'UNKNOWN_COMPONENT', 'components');
    expect(err.details?.allowed).toEqual(['checkout', 'search']);
    expect(await ok(t, 200, 'GET', `${API}/incidents`)).toEqual([]);
    const body = await declare(t, { title: 'Checkout down', severity: 'SEV2', components: ['checkout'] });
    expect(body.components).toEqual(['checkout']);
  });

  it('R1: links default to the configured ones', async () => {
    const body = await declare(t, { title: 'Search down', severity: 'SEV3', links: { runbook: 'https://runbooks.example.com/search' } });
    expect(body.links).toEqual({ statusPage: 'https://status.example.com', dashboard: null, runbook: 'https://runbooks.example.com/search' });
  });
});
