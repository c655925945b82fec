/**
 * Issue 16 — the postmortem review as an iCalendar invite (METHOD:REQUEST) for the owner,
 * the roles and the SMEs. The UID is the incident's, and SEQUENCE counts the times the
 * review was scheduled, so a calendar that already holds the invite moves the meeting
 * instead of adding a second one.
 */
import { createEvent, type Attendee } from 'ics';
import type { RecordedEvent } from '../domain/model/events.js';
import type { IncidentState } from '../domain/model/state.js';
import type { Person } from '../domain/people/person.js';
import { incidentId } from '../domain/model/ids.js';

/** The playbook's own words on why the review exists and how it is held. */
const BLAMELESS =
  'Resolution isn\'t the finish line, hand the Scribe\'s timeline to a blameless postmortem: ' +
  'a blameless postmortem turns the pain into permanent improvement. ' +
  'This review is about how the system and the process let this happen, not who did what wrong.';

export interface InviteLinks {
  /** The server's public address (INCIDENT_PUBLIC_URL). */
  publicUrl: string;
}

/** The people on the invite: the owner first, then the roles, then the SMEs, each once. */
export function inviteHandles(state: IncidentState): string[] {
  const { roles } = state;
  const handles = [state.postmortem?.owner, roles.incident_commander, roles.comms_lead, roles.scribe, ...state.smes.map((s) => s.person)];
  return [...new Set(handles.filter((h): h is string => Boolean(h)))];
}

/** The invite's UID: one per incident, so every rescheduling updates the same event. */
export function postmortemUid(state: IncidentState, links: InviteLinks): string {
  const host = new URL(links.publicUrl).hostname || 'incident-command';
  return `postmortem-${incidentId(state.number).toLowerCase()}@${host}`;
}

function toUtcArray(iso: string): [number, number, number, number, number] {
  const d = new Date(iso);
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes()];
}

/**
 * The invite, or null when the postmortem has no owner and date yet. `people` are those
 * named on the incident, as the store knows them; anyone without an e-mail address is
 * named in the description instead, since an attendee needs one.
 */
export function renderPostmortemIcs(state: IncidentState, events: RecordedEvent[], people: Map<string, Person>, links: InviteLinks): string | null {
  const postmortem = state.postmortem;
  if (!postmortem) return null;
  const id = incidentId(state.number);
  const base = links.publicUrl.replace(/\/+$/, '');
  const link = `${base}/incidents/${id}`;
  const schedules = events.filter((e) => e.event.type === 'PostmortemAssigned' || e.event.type === 'PostmortemScheduled').length;
  const named = (handle: string) => people.get(handle)?.name ?? handle;
  const emailOf = (handle: string) => people.get(handle)?.email ?? null;

  const handles = inviteHandles(state);
  const attendees: Attendee[] = handles.flatMap((handle) => {
    const email = emailOf(handle);
    if (!email) return [];
    const chair = handle === postmortem.owner;
    return [{ name: named(handle), email, rsvp: !chair, partstat: chair ? 'ACCEPTED' : 'NEEDS-ACTION', role: chair ? 'CHAIR' : 'REQ-PARTICIPANT' }];
  });
  const unreachable = handles.filter((h) => !emailOf(h)).map((h) => `@${h}`);
  const ownerEmail = emailOf(postmortem.owner);

  const description = [
    `Postmortem review of ${id} (${state.severity}): ${state.title}`,
    ...(state.summary ? ['', `Summary: ${state.summary}`] : []),
    '',
    `Owner: @${postmortem.owner}`,
    ...(unreachable.length ? [`Without an e-mail address, tell them yourself: ${unreachable.join(', ')}`] : []),
    `Open the incident: ${link}`,
    `The draft, built from the timeline: ${base}/api/v1/incidents/${id}/postmortem.md`,
    '',
    BLAMELESS,
  ].join('\n');

  const { error, value } = createEvent({
    productId: 'incident-command/postmortem',
    method: 'REQUEST',
    uid: postmortemUid(state, links),
    sequence: Math.max(0, schedules - 1),
    start: toUtcArray(postmortem.scheduledFor),
    startInputType: 'utc',
    startOutputType: 'utc',
    duration: { minutes: state.postmortemFlow.minutes },
    title: `Postmortem: ${id} ${state.title}`,
    description,
    url: link,
    status: 'CONFIRMED',
    organizer: { name: named(postmortem.owner), ...(ownerEmail ? { email: ownerEmail } : {}) },
    attendees,
  });
  if (error || value === null) throw error ?? new Error('the postmortem invite could not be written');
  return value;
}
