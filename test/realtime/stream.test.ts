import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { ADMIN_TOKEN, STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, declare, ok } from '../api/helpers.js';
import { SseClient } from './sse-client.js';
import { trigger } from '../api/alert-payloads.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });


describe.each(STORE_KINDS)('the realtime stream, GET /api/v1/events (%s)', (kind) => {
  let t: TestApp;
  let base: string;
  const clients: SseClient[] = [];
  const open = async (path: string, headers: Record<string, string> = bearer(ADMIN_TOKEN)) => {
    const client = await SseClient.open(`${base}${API}/events${path}`, headers);
    clients.push(client);
    return client;
  };

  beforeEach(async () => {
    t = await testApp(kind);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await t.close();
  });

  it('streams each event written after connecting as `event: incident` with its id, number, seq, type, time and actor', async () => {
    const stream = await open('');
    expect(stream.status).toBe(200);
    expect(stream.contentType).toMatch(/^text\/event-stream/);
    await stream.until((c) => c.retry !== null);
    expect(stream.retry).toBe(1000);

    const incident = await declare(t, { title: 'Checkout failing', severity: 'SEV2' });
    await ok(t, 201, 'POST', `${API}/incidents/${incident.id}/timeline`, { kind: 'observation', text: '500s on checkout' });
    const count = (await t.store.incidents.events(incident.number)).length;
    await stream.untilIncidents(count);
    const got = stream.incidents;
    expect(got.map((e) => e.seq)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    expect(got[0]).toMatchObject({ id: incident.id, number: incident.number, type: 'IncidentDeclared', actor: 'admin', at: '2026-06-06T14:14:00.000Z' });
    expect(got[got.length - 1]!.type).toBe('TimelineEntryAdded');
    // Event ids are the table's global ids: strictly increasing.
    for (let i = 1; i < got.length; i++) expect(got[i]!.eventId).toBeGreaterThan(got[i - 1]!.eventId);
  });

  it('resumes after Last-Event-ID: a reconnecting client gets exactly the events it missed, then live ones', async () => {
    const incident = await declare(t, { title: 'Search slow', severity: 'SEV3' });
    const first = await open('?since=0');
    const declared = (await t.store.incidents.events(incident.number)).length;
    await first.untilIncidents(declared);
    const lastSeen = first.incidents[first.incidents.length - 1]!.eventId;
    first.close();

    await ok(t, 201, 'POST', `${API}/incidents/${incident.id}/timeline`, { kind: 'note', text: 'missed one' });
    await ok(t, 201, 'POST', `${API}/incidents/${incident.id}/timeline`, { kind: 'note', text: 'missed two' });
    // `since` names an older point; the header, as an EventSource sends it on reconnecting, wins.
    const again = await open('?since=0', { ...bearer(ADMIN_TOKEN), 'last-event-id': String(lastSeen) });
    await again.untilIncidents(2);
    await ok(t, 201, 'POST', `${API}/incidents/${incident.id}/timeline`, { kind: 'note', text: 'live' });
    await again.untilIncidents(3);
    await new Promise((r) => setTimeout(r, 100));
    const seqs = again.incidents.map((e) => e.seq);
    expect(seqs).toEqual([declared + 1, declared + 2, declared + 3]);
    expect(again.incidents[0]!.eventId).toBeGreaterThan(lastSeen);
  });

  it('?since replays from that id for clients that cannot send headers; a bad Last-Event-ID is a 400 naming it', async () => {
    const incident = await declare(t, { title: 'Queue backlog', severity: 'SEV3' });
    for (const text of ['one', 'two', 'three']) await ok(t, 201, 'POST', `${API}/incidents/${incident.id}/timeline`, { kind: 'note', text });
    const all = await open('?since=0');
    const count = (await t.store.incidents.events(incident.number)).length;
    await all.untilIncidents(count);
    const from = all.incidents[1]!.eventId;
    const partial = await open(`?since=${from}`);
    await partial.untilIncidents(count - 2);
    expect(partial.incidents.map((e) => e.eventId)).toEqual(all.incidents.slice(2).map((e) => e.eventId));

    const bad = await open('', { ...bearer(ADMIN_TOKEN), 'last-event-id': 'yesterday' });
    expect(bad.status).toBe(400);
    await bad.until((c) => c.ended);
    expect(JSON.parse(bad.body).error.details.field).toBe('last-event-id');
  });

  it('?incident= narrows the stream to one incident; one the caller cannot see is a 404', async () => {
    const a = await declare(t, { title: 'Checkout failing', severity: 'SEV2' });
    const only = await open(`?incident=${a.id}`);
    const b = await declare(t, { title: 'Search slow', severity: 'SEV3' });
    await ok(t, 201, 'POST', `${API}/incidents/${b.id}/timeline`, { kind: 'note', text: 'not this one' });
    await ok(t, 201, 'POST', `${API}/incidents/${a.id}/timeline`, { kind: 'note', text: 'this one' });
    await only.untilIncidents(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(only.incidents.map((e) => e.id)).toEqual([a.id]);

    await t.person('sam');
    const hidden = await declare(t, { title: 'Payroll export', severity: 'SEV2', private: true });
    const refused = await open(`?incident=${hidden.id}`, bearer(t.tokens.get('sam')!));
    expect(refused.status).toBe(404);
  });

  it('a private incident streams only to its participants (and admins), and to someone from the moment they are added', async () => {
    await t.person('priya');
    await t.person('sam');
    const sam = await open('', bearer(t.tokens.get('sam')!));
    const admin = await open('');
    const secret = await declare(t, { title: 'Payroll export', severity: 'SEV2', private: true }, 'priya');
    const open_ = await declare(t, { title: 'Search slow', severity: 'SEV3' }, 'priya');
    await sam.until((c) => c.incidents.some((e) => e.id === open_.id));
    expect(sam.incidents.filter((e) => e.id === secret.id)).toEqual([]);

    await ok(t, 200, 'POST', `${API}/incidents/${secret.id}/roles`, { role: 'comms_lead', person: 'sam' }, 'priya');
    await ok(t, 201, 'POST', `${API}/incidents/${secret.id}/timeline`, { kind: 'note', text: 'Sam is in now' }, 'priya');
    await sam.until((c) => c.incidents.some((e) => e.id === secret.id && e.type === 'TimelineEntryAdded'));
    const samSecret = sam.incidents.filter((e) => e.id === secret.id).map((e) => e.type);
    expect(samSecret).not.toContain('IncidentDeclared');
    const all = (await t.store.incidents.events(secret.number)).length;
    await admin.until((c) => c.incidents.filter((e) => e.id === secret.id).length === all);
  });

  it('authenticates with the session cookie as well as a bearer token; without either it is a 401', async () => {
    const signIn = await t.app.inject({ method: 'POST', url: `${API}/session`, payload: { token: ADMIN_TOKEN } });
    const cookie = signIn.cookies.find((c) => c.name === 'ic_session')!;
    const browser = await open('', { cookie: `ic_session=${cookie.value}` });
    expect(browser.status).toBe(200);
    const incident = await declare(t, { title: 'Checkout failing', severity: 'SEV2' });
    await browser.until((c) => c.incidents.some((e) => e.id === incident.id));

    const anonymous = await open('', {});
    expect(anonymous.status).toBe(401);
  });

  it('with writers on several incidents at once, every event arrives exactly once, in id order', async () => {
    const incidents = await Promise.all(['Checkout', 'Search', 'Login', 'Payments', 'Email'].map((title) => declare(t, { title, severity: 'SEV3' })));
    const stream = await open('');
    await Promise.all(
      incidents.flatMap((incident) =>
        Array.from({ length: 8 }, (_, i) => ok(t, 201, 'POST', `${API}/incidents/${incident.id}/timeline`, { kind: 'note', text: `note ${i}` })),
      ),
    );
    await stream.untilIncidents(40, 10_000);
    await new Promise((r) => setTimeout(r, 200));
    const ids = stream.incidents.map((e) => e.eventId);
    expect(ids).toHaveLength(40);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(new Set(ids).size).toBe(40);
    for (const incident of incidents) expect(stream.incidents.filter((e) => e.id === incident.id).map((e) => e.seq)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('app.close() ends open streams instead of waiting on them', async () => {
    const streams = await Promise.all([open(''), open(''), open('?since=0')]);
    await Promise.all(streams.map((s) => s.until((c) => c.retry !== null)));
    const started = Date.now();
    await t.app.close();
    expect(Date.now() - started).toBeLessThan(5000);
    await Promise.all(streams.map((s) => s.until((c) => c.ended)));
  });

  it('a new or changed alert group is announced as `event: alerts` (no id, so resuming is untouched); a stream of one incident hears none', async () => {
    const all = await open('');
    const one = await open(`?incident=${(await declare(t, { title: 'Unrelated', severity: 'SEV3' })).id}`);
    await all.until((c) => c.retry !== null);
    const key = (await ok(t, 201, 'POST', `${API}/alert-sources`, { name: 'pagerduty', type: 'events' })).key as string;
    const sent = await t.app.inject({ method: 'POST', url: `${API}/alerts/events`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(trigger(key)) });
    expect(sent.statusCode, sent.body).toBe(202);
    await all.until((c) => c.messages.some((m) => m.event === 'alerts'));
    expect(all.messages.find((m) => m.event === 'alerts')).toEqual({ id: null, event: 'alerts', data: '{}' });
    const [group] = await ok(t, 200, 'GET', `${API}/alerts`);
    await ok(t, 200, 'POST', `${API}/alerts/${group.id}/ack`);
    await all.until((c) => c.messages.filter((m) => m.event === 'alerts').length >= 2);
    expect(one.messages.some((m) => m.event === 'alerts')).toBe(false);
  });
});
