/**
 * The direct messages of those told at once (issue 15, item 1: chat is one of each person's
 * channels, with e-mail and paging): the same notice as the told e-mail
 * (src/presenters/told-mail.ts), to each person told who may see the incident. Someone
 * offered IC is left out: the handoff offer they are sent (with its Accept and Decline
 * buttons) already tells them. A person with no chat user (by link or e-mail) gets no DM.
 */
import type { RecordedEvent } from '../../domain/model/events.js';
import type { IncidentState } from '../../domain/model/state.js';
import type { PagingPolicy } from '../../domain/notifications/paging.js';
import { whoIsTold } from '../../domain/notifications/paging.js';
import { findSeverity, type SeverityPolicy } from '../../domain/model/policy.js';
import { canSee } from '../../domain/people/policy.js';
import { renderToldEmail } from '../../presenters/told-mail.js';
import { escapeMrkdwn } from '../../presenters/chat/messages.js';
import type { Repository } from '../../store/repository.js';

export interface ToldDms {
  policy: SeverityPolicy;
  paging: PagingPolicy;
  /** The console's address, for the link to the room. */
  consoleUrl: string;
}

export async function toldDms(tx: Repository, settings: ToldDms, recorded: RecordedEvent, state: IncidentState): Promise<{ op: 'dm'; person: string; message: { text: string } }[]> {
  // Only an upgrade needs the history (to page nobody twice); most events tell no one.
  const earlier = recorded.event.type === 'SeverityChanged' ? await tx.incidents.events(state.number) : [];
  const dms = [];
  for (const notice of whoIsTold(recorded, state, settings.policy, settings.paging, earlier)) {
    if (notice.reason.kind === 'role' && notice.reason.offered) continue;
    const person = await tx.people.get(notice.handle);
    if (!person || !canSee(person, state)) continue;
    const response = notice.reason.kind === 'paged' ? (findSeverity(settings.policy, notice.reason.severity)?.response ?? null) : null;
    const { text } = renderToldEmail(notice, state, { consoleUrl: settings.consoleUrl, response });
    dms.push({ op: 'dm' as const, person: notice.handle, message: { text: escapeMrkdwn(text) } });
  }
  return dms;
}
