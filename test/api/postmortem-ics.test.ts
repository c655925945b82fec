/** Issue 16: the postmortem review as an iCalendar invite, parsed back with ical.js — on SQLite and PostgreSQL. */
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, MINUTE, declare, expectError, ok } from './helpers.js';

function parse(body: string) {
  const calendar = new ICAL.Component(ICAL.parse(body));
  const vevent = calendar.getFirstSubcomponent('vevent');
  if (!vevent) throw new Error('no VEVENT in the invite');
  const event = new ICAL.Event(vevent);
  return { calendar, vevent, event };
}

const mailto = (value: unknown) => String(value).replace(/^mailto:/i, '').toLowerCase();

describe.each(STORE_KINDS)('GET /incidents/{id}/postmortem.ics (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(kind, {}, { publicUrl: 'https://incidents.example.com' });
    for (const handle of ['alex', 'priya', 'sam', 'dana', 'owen', 'nomail']) await t.person(handle);
    await t.person('vic', 'viewer');
    for (const handle of ['alex', 'priya', 'sam', 'dana', 'owen'])
      await ok(t, 200, 'PATCH', `${API}/people/${handle}`, { email: `${handle}@example.com` }, 'admin');
  });
  afterAll(() => t.close());

  it('404 POSTMORTEM_NOT_SCHEDULED naming scheduledFor while the postmortem has no owner and date', async () => {
    const incident = await declare(t, { title: 'Search slow', severity: 'SEV2' }, 'alex');
    const err = expectError(await t.call('GET', `${API}/incidents/${incident.id}/postmortem.ics`, undefined, { as: 'alex' }), 404, 'POSTMORTEM_NOT_SCHEDULED', 'scheduledFor');
    expect(err.message).toContain(incident.id);
    expectError(await t.call('GET', `${API}/incidents/999/postmortem.ics`, undefined, { as: 'alex' }), 404, 'INCIDENT_NOT_FOUND');
  });

  it('the invite: one UID per incident, SEQUENCE grows with each rescheduling, start in UTC for 60 minutes, owner organizes, roles and SMEs attend', async () => {
    t.clock.set('2026-06-06T14:14:00.000Z');
    const incident = await declare(t, { title: 'Checkout errors', severity: 'SEV2', summary: 'Checkout returning 500s for ~30% of users' }, 'alex');
    const id = incident.id as string;
    await ok(t, 200, 'POST', `${API}/incidents/${id}/roles`, { role: 'comms_lead', person: 'priya' }, 'alex');
    await ok(t, 200, 'POST', `${API}/incidents/${id}/roles`, { role: 'scribe', person: 'sam' }, 'alex');
    await ok(t, 200, 'POST', `${API}/incidents/${id}/smes`, { person: 'dana', specialty: 'payments' }, 'alex');
    await ok(t, 200, 'POST', `${API}/incidents/${id}/smes`, { person: 'nomail', specialty: 'network' }, 'alex');
    t.clock.advance(5 * MINUTE);
    await ok(t, 200, 'PUT', `${API}/incidents/${id}/postmortem`, { owner: 'owen', scheduledFor: '2026-06-09T12:00:00+02:00' }, 'alex');

    const first = await t.call('GET', `${API}/incidents/${id}/postmortem.ics`, undefined, { as: 'vic' });
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toMatch(/^text\/calendar/);
    const one = parse(first.body);
    expect(one.calendar.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(one.event.summary).toBe(`Postmortem: ${id} Checkout errors`);
    expect(one.event.startDate.toString()).toBe('2026-06-09T10:00:00Z');
    expect(one.event.startDate.zone.tzid).toBe('UTC');
    expect(one.event.endDate.toJSDate().toISOString()).toBe('2026-06-09T11:00:00.000Z');
    expect(one.event.sequence).toBe(0);
    expect(one.event.description).toContain('Summary: Checkout returning 500s for ~30% of users');
    expect(one.event.description).toContain(`https://incidents.example.com/incidents/${id}`);
    expect(one.event.description).toContain('blameless postmortem');
    expect(one.event.description).toContain('@nomail');
    expect(mailto(one.vevent.getFirstPropertyValue('organizer'))).toBe('owen@example.com');
    const attendees = one.event.attendees.map((a) => mailto(a.getFirstValue()));
    expect(attendees).toEqual(['owen@example.com', 'alex@example.com', 'priya@example.com', 'sam@example.com', 'dana@example.com']);
    expect(one.event.attendees[0]!.getParameter('role')).toBe('CHAIR');

    // The same assignment again changes nothing; a new date moves the same event.
    await ok(t, 200, 'PUT', `${API}/incidents/${id}/postmortem`, { owner: 'owen', scheduledFor: '2026-06-09T10:00:00Z' }, 'alex');
    expect(parse((await t.call('GET', `${API}/incidents/${id}/postmortem.ics`, undefined, { as: 'vic' })).body).event.sequence).toBe(0);
    await ok(t, 200, 'PUT', `${API}/incidents/${id}/postmortem`, { owner: 'owen', scheduledFor: '2026-06-10T15:30:00Z' }, 'alex');
    const two = parse((await t.call('GET', `${API}/incidents/${id}/postmortem.ics`, undefined, { as: 'vic' })).body);
    expect(two.event.uid).toBe(one.event.uid);
    expect(two.event.sequence).toBe(1);
    expect(two.event.startDate.toString()).toBe('2026-06-10T15:30:00Z');
    await ok(t, 200, 'PUT', `${API}/incidents/${id}/postmortem`, { owner: 'priya', scheduledFor: '2026-06-10T15:30:00Z' }, 'alex');
    const three = parse((await t.call('GET', `${API}/incidents/${id}/postmortem.ics`, undefined, { as: 'vic' })).body);
    expect(three.event.uid).toBe(one.event.uid);
    expect(three.event.sequence).toBe(2);
    expect(mailto(three.vevent.getFirstPropertyValue('organizer'))).toBe('priya@example.com');
    expect(three.event.attendees.map((a) => mailto(a.getFirstValue()))[0]).toBe('priya@example.com');

    const other = await declare(t, { title: 'Login slow', severity: 'SEV2' }, 'alex');
    await ok(t, 200, 'PUT', `${API}/incidents/${other.id}/postmortem`, { owner: 'owen', scheduledFor: '2026-06-09T10:00:00Z' }, 'alex');
    expect(parse((await t.call('GET', `${API}/incidents/${other.id}/postmortem.ics`, undefined, { as: 'alex' })).body).event.uid).not.toBe(one.event.uid);
  });

  it('a private incident\'s invite is hidden from non-participants like its other reads', async () => {
    const secret = await declare(t, { title: 'Credential leak', severity: 'SEV2', private: true, commander: 'dana' }, 'alex');
    await ok(t, 200, 'PUT', `${API}/incidents/${secret.id}/postmortem`, { owner: 'dana', scheduledFor: '2026-06-09T10:00:00Z' }, 'dana');
    expectError(await t.call('GET', `${API}/incidents/${secret.id}/postmortem.ics`, undefined, { as: 'vic' }), 404, 'INCIDENT_NOT_FOUND');
    expect((await t.call('GET', `${API}/incidents/${secret.id}/postmortem.ics`, undefined, { as: 'dana' })).statusCode).toBe(200);
  });
});
