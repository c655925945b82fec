/**
 * Issue 16: scheduling the postmortem review e-mails its invite to the owner, the roles and
 * the SMEs, the .ics attached (METHOD:REQUEST), through the durable e-mail lane: one
 * delivery per (event, person), retried like any other e-mail.
 */
import type { RecordedEvent } from '../../domain/model/events.js';
import type { IncidentState } from '../../domain/model/state.js';
import type { Person } from '../../domain/people/person.js';
import { isActive } from '../../domain/people/person.js';
import { canSee } from '../../domain/people/policy.js';
import { incidentId } from '../../domain/model/ids.js';
import type { Repository } from '../../store/repository.js';
import { inviteHandles, renderPostmortemIcs } from '../../presenters/postmortem-ics.js';
import { renderInviteEmail } from '../../presenters/postmortem-invite-mail.js';

export const INVITE_TYPE = 'postmortem.invite';

export interface InviteFanOut {
  tx: Repository;
  eventId: number;
  recorded: RecordedEvent;
  /** The incident as it was when the review was scheduled, and its events up to then. */
  state: IncidentState;
  stream: RecordedEvent[];
  publicUrl: string;
  maxAttempts: number;
  render: <T>(what: string, build: () => T) => T | null;
}

export async function fanOutInvites({ tx, eventId, recorded, state, stream, publicUrl, maxAttempts, render }: InviteFanOut): Promise<void> {
  if (recorded.event.type !== 'PostmortemScheduled') return;
  const people = new Map<string, Person>();
  for (const handle of inviteHandles(state)) {
    const person = await tx.people.get(handle);
    if (person) people.set(handle, person);
  }
  const ics = render('postmortem invite', () => renderPostmortemIcs(state, stream.filter((e) => e.seq <= recorded.seq), people, { publicUrl }));
  const mail = render('postmortem invite e-mail', () => renderInviteEmail(state, { consoleUrl: publicUrl }));
  if (!ics || !mail) return;
  const attachments = [{ filename: `postmortem-${incidentId(state.number).toLowerCase()}.ics`, contentType: 'text/calendar; method=REQUEST; charset=utf-8', content: ics }];
  for (const [handle, person] of people) {
    if (!person.email || !isActive(person) || !canSee(person, state)) continue;
    // A meeting one is asked to is not an event one chose to hear of: only the channel counts.
    if (!(await tx.email.preferences(handle)).channels.includes('email')) continue;
    await tx.email.add({ eventId, recipient: handle, address: person.email, type: INVITE_TYPE, ...mail, attachments, remaining: maxAttempts, at: recorded.recordedAt });
  }
}
