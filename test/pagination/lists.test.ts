/**
 * Every list under /api/v1 pages the same way (src/http/pagination.ts): each page walk
 * below sees every row exactly once in the list's order, rows with equal sort times
 * included, and rows added between two pages never shift what comes next.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { walk } from '../support/pages.js';
import { API, MINUTE, UPDATE, declare, expectError, ok } from '../api/helpers.js';
import { amAlert, webhook } from '../api/alert-payloads.js';

const ids = (rows: unknown[]) => (rows as { id: unknown }[]).map((r) => r.id);

/** The whole list in one page (the maximum limit), to compare a walk with. */
async function whole<T>(t: TestApp, url: string, rows: (body: unknown) => T[] = (b) => b as T[]): Promise<T[]> {
  const res = await t.call('GET', `${url}${url.includes('?') ? '&' : '?'}limit=500`);
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers.link).toBeUndefined();
  return rows(res.json());
}

function expectNoRepeats(list: unknown[]) {
  expect(new Set(list).size).toBe(list.length);
}

async function alertSource(t: TestApp, name: string): Promise<string> {
  return (await ok(t, 201, 'POST', `${API}/alert-sources`, { name, type: 'alertmanager' })).key;
}

async function sendAlerts(t: TestApp, key: string, body: unknown) {
  const res = await t.app.inject({ method: 'POST', url: `${API}/alerts/alertmanager`, headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, payload: JSON.stringify(body) });
  expect(res.statusCode, res.body).toBe(200);
  await t.app.alertInbox.idle();
}

describe.each(STORE_KINDS)('paging every list (%s)', (kind) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await testApp(kind);
  });
  afterEach(() => t.close());

  it('incidents: open first, then latest declared, ties (same second) by number; new ones while paging shift nothing', async () => {
    const declared = [];
    for (let i = 0; i < 7; i++) declared.push(await declare(t, { title: `Same second ${i}`, severity: 'SEV3' }));
    await ok(t, 200, 'POST', `${API}/incidents/${declared[2].id}/resolve`, { impact: 'none', whatWeKnow: 'fixed' });
    const before = ids(await whole(t, `${API}/incidents`));
    const { items, pages } = await walk<{ id: string }>(t, `${API}/incidents?limit=3`, {
      between: async () => {
        await declare(t, { title: 'Declared while paging', severity: 'SEV3' });
      },
    });
    expect(pages).toBe(3);
    // Those declared meanwhile sort before the first page (open, newest): not seen, and nothing seen twice or skipped.
    expect(ids(items)).toEqual(before);
    expect(before[before.length - 1]).toBe(declared[2].id);
  });

  it('the timeline: by time, backdated and same-time entries in recording order; entries added while paging come at the end', async () => {
    const incident = await declare(t, { title: 'Checkout errors', severity: 'SEV2' });
    for (let i = 0; i < 6; i++) await ok(t, 201, 'POST', `${API}/incidents/${incident.id}/timeline`, { kind: 'note', text: `same time ${i}` });
    await ok(t, 201, 'POST', `${API}/incidents/${incident.id}/timeline`, { kind: 'observation', text: 'backdated', at: new Date(t.clock.now().getTime() - 5 * MINUTE).toISOString() });
    const before = ids(await whole(t, `${API}/incidents/${incident.id}/timeline`));
    let added = 0;
    const { items } = await walk<{ id: number; text: string }>(t, `${API}/incidents/${incident.id}/timeline?limit=3`, {
      between: async () => {
        t.clock.advance(MINUTE);
        await ok(t, 201, 'POST', `${API}/incidents/${incident.id}/timeline`, { kind: 'note', text: `added ${added++}` });
      },
    });
    expectNoRepeats(ids(items));
    expect(ids(items).slice(0, before.length)).toEqual(before);
    expect(items.slice(before.length).map((e) => e.text)).toEqual(Array.from({ length: added }, (_, i) => `added ${i}`));
    const ruledOut = await walk(t, `${API}/incidents/${incident.id}/timeline?kind=observation&limit=1`);
    expect(ruledOut.items).toHaveLength(1);
  });

  it('status updates, oldest first', async () => {
    const incident = await declare(t, { title: 'Checkout errors', severity: 'SEV2' });
    for (let i = 0; i < 5; i++) await ok(t, 201, 'POST', `${API}/incidents/${incident.id}/updates`, { ...UPDATE, whatWeKnow: `step ${i}` });
    const { items, pages } = await walk<{ id: number }>(t, `${API}/incidents/${incident.id}/updates?limit=2`);
    expect(pages).toBe(3);
    expect(ids(items)).toEqual(ids(await whole(t, `${API}/incidents/${incident.id}/updates`)));
    expect(items).toHaveLength(5);
  });

  it('maintenance windows starting at the same time, with the state filter on every page', async () => {
    const startsAt = new Date(t.clock.now().getTime() + 60 * MINUTE).toISOString();
    const endsAt = new Date(t.clock.now().getTime() + 120 * MINUTE).toISOString();
    for (let i = 0; i < 5; i++) await ok(t, 201, 'POST', `${API}/maintenances`, { title: `Window ${i}`, message: 'Upgrading', components: [], startsAt, endsAt });
    const cancelled = (await whole<{ id: string }>(t, `${API}/maintenances`))[0]!;
    await ok(t, 200, 'POST', `${API}/maintenances/${cancelled.id}/cancel`);
    const scheduled = await walk<{ id: string; state: string }>(t, `${API}/maintenances?state=scheduled&limit=2`);
    expect(scheduled.pages).toBe(2);
    expect(ids(scheduled.items)).toEqual(ids(await whole(t, `${API}/maintenances?state=scheduled`)));
    expect(scheduled.items.map((w) => w.state)).toEqual(Array(4).fill('scheduled'));
    expect(ids((await walk(t, `${API}/maintenances?state=cancelled&limit=1`)).items)).toEqual([cancelled.id]);
  });

  it('alert sources, groups, and the alerts of one big group', async () => {
    const keys = [];
    for (const name of ['c-source', 'a-source', 'b-source']) keys.push(await alertSource(t, name));
    const sources = await walk<{ name: string }>(t, `${API}/alert-sources?limit=2`);
    expect(sources.items.map((s) => s.name)).toEqual(['a-source', 'b-source', 'c-source']);

    // 23 alerts starting at the same instant, some resolved: firing first, then by start, then by id.
    const alerts = Array.from({ length: 23 }, (_, i) => amAlert(`node-${i}`, { status: i % 4 === 0 ? 'resolved' : 'firing' }));
    await sendAlerts(t, keys[0]!, webhook(alerts, { groupKey: 'big' }));
    for (let g = 0; g < 4; g++) {
      t.clock.advance(g === 2 ? 0 : MINUTE);
      await sendAlerts(t, keys[1]!, webhook([amAlert(`other-${g}`)], { groupKey: `small-${g}`, alertname: `Small${g}` }));
    }
    const groups = await walk<{ id: string; groupKey: string }>(t, `${API}/alerts?limit=2`);
    expect(groups.pages).toBe(3);
    expect(ids(groups.items)).toEqual(ids(await whole(t, `${API}/alerts`)));
    const big = groups.items.find((g) => g.groupKey === 'big')!;

    const rows = (body: unknown) => (body as { alerts: { id: string; status: string }[] }).alerts;
    const walked = await walk(t, `${API}/alerts/${big.id}?limit=5`, { rows });
    expect(walked.pages).toBe(5);
    expect(walked.items).toHaveLength(23);
    expect(ids(walked.items)).toEqual(ids(await whole(t, `${API}/alerts/${big.id}`, rows)));
    expect(walked.items.map((a) => a.status)).toEqual([...Array(17).fill('firing'), ...Array(6).fill('resolved')]);
  });

  it('webhooks and their deliveries, newest delivery first', async () => {
    for (let i = 0; i < 5; i++) await ok(t, 201, 'POST', `${API}/webhooks`, { url: `https://hooks.example.com/${i}`, events: ['incident.declared'] });
    const hooks = await walk<{ id: string }>(t, `${API}/webhooks?limit=2`);
    expect(hooks.pages).toBe(3);
    expect(ids(hooks.items)).toEqual(ids(await whole(t, `${API}/webhooks`)));

    const hook = hooks.items[0]!.id;
    const at = t.clock.now().toISOString();
    await t.store.transaction(async (tx) => {
      for (let e = 1; e <= 7; e++) await tx.webhooks.addDelivery({ webhookId: hook, eventId: e, type: 'IncidentDeclared', body: '{}', remaining: 5, at });
    });
    const deliveries = await walk<{ id: string; eventId: number }>(t, `${API}/webhooks/${hook}/deliveries?limit=3`, {
      between: async (page) => {
        await t.store.transaction((tx) => tx.webhooks.addDelivery({ webhookId: hook, eventId: 100 + page, type: 'IncidentDeclared', body: '{}', remaining: 5, at }));
      },
    });
    // Newest first: deliveries made while paging are newer than the first page, so not seen again.
    expect(deliveries.items.map((d) => d.eventId)).toEqual([7, 6, 5, 4, 3, 2, 1]);
  });

  it('the e-mail delivery log, newest first', async () => {
    const at = t.clock.now().toISOString();
    await t.store.transaction(async (tx) => {
      for (let e = 1; e <= 5; e++)
        await tx.email.add({ eventId: e, recipient: 'priya', address: 'priya@example.com', type: 'IncidentDeclared', subject: 's', text: 't', html: '<p>t</p>', remaining: 3, at });
    });
    const { items, pages } = await walk<{ eventId: number }>(t, `${API}/notifications/email-deliveries?limit=2`);
    expect(pages).toBe(3);
    expect(items.map((e) => e.eventId)).toEqual([5, 4, 3, 2, 1]);
  });

  it('status page subscribers, oldest first, the webhooks on the first page only', async () => {
    const at = t.clock.now().toISOString();
    await t.store.transaction(async (tx) => {
      for (let i = 0; i < 5; i++)
        await tx.statusSubscribers.insert({
          id: `sub-${4 - i}`,
          address: `reader${i}@example.com`,
          state: 'confirmed',
          confirmTokenHash: null,
          unsubscribeToken: `unsub-${i}`,
          confirmationsSent: 1,
          confirmSentAt: at,
          confirmedAt: at,
          unsubscribedAt: null,
          createdAt: at,
          updatedAt: at,
          components: null,
        });
    });
    await ok(t, 201, 'POST', `${API}/status-subscribers/webhooks`, { url: 'https://hooks.example.com/status' });
    const webhooks: unknown[] = [];
    const { items, pages } = await walk<{ id: string }>(t, `${API}/status-subscribers?limit=2`, {
      rows: (body) => {
        const page = body as { email: { id: string }[]; webhooks: unknown[] };
        webhooks.push(...page.webhooks);
        return page.email;
      },
    });
    expect(pages).toBe(3);
    expect(ids(items)).toEqual(['sub-0', 'sub-1', 'sub-2', 'sub-3', 'sub-4']);
    expect(webhooks).toHaveLength(1);
  });

  it('the audit log, newest first: the Link and the body\'s next agree', async () => {
    for (let i = 0; i < 5; i++) await t.person(`person${i}`);
    const all = await ok(t, 200, 'GET', `${API}/audit?limit=500`);
    expect(all.next).toBeNull();
    const { items } = await walk<{ id: number }>(t, `${API}/audit?limit=3`, { rows: (body) => (body as { entries: { id: number }[] }).entries });
    expect(ids(items)).toEqual(ids(all.entries));
    const first = await t.call('GET', `${API}/audit?limit=3`);
    const byBefore = await ok(t, 200, 'GET', `${API}/audit?limit=3&before=${first.json().next}`);
    const byCursor = await ok(t, 200, 'GET', `${API}/audit?limit=3&cursor=${first.headers['x-next-cursor']}`);
    expect(byCursor).toEqual(byBefore);
    expectError(await t.call('GET', `${API}/audit?before=3&cursor=${first.headers['x-next-cursor']}`), 400, 'VALIDATION_FAILED', 'cursor');
  });

  it('every list refuses a bad limit and a cursor it did not hand out, naming the field', async () => {
    const incident = await declare(t, { title: 'Checkout errors', severity: 'SEV2' });
    const hook = (await ok(t, 201, 'POST', `${API}/webhooks`, { url: 'https://hooks.example.com/x', events: ['incident.declared'] })).id;
    const people = Buffer.from(JSON.stringify({ l: 'people', d: 'next', k: ['admin'] })).toString('base64url');
    const lists = [
      '/people',
      '/people/admin/tokens',
      '/incidents',
      `/incidents/${incident.id}/timeline`,
      `/incidents/${incident.id}/updates`,
      '/maintenances',
      '/alert-sources',
      '/alerts',
      '/webhooks',
      `/webhooks/${hook}/deliveries`,
      '/notifications/email-deliveries',
      '/status-subscribers',
      '/audit',
    ];
    for (const list of lists) {
      for (const limit of ['0', '501', 'many']) expectError(await t.call('GET', `${API}${list}?limit=${limit}`), 400, 'VALIDATION_FAILED', 'limit');
      for (const cursor of ['not-a-cursor', 'eyJsIjoxfQ', list === '/people' ? 'cGVvcGxl' : people])
        expectError(await t.call('GET', `${API}${list}?cursor=${cursor}`), 400, 'VALIDATION_FAILED', 'cursor');
    }
  });
});
