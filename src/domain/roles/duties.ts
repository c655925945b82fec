/**
 * What each role asks of the person in it, in the playbook's words ("The four roles, in
 * plain terms"): told to whoever is named to it, offered it or pulled in.
 */
import type { RoleName } from '../model/events.js';
import { ROLE_LABELS } from './rules.js';

export type DutyRole = RoleName | 'sme';

export const ROLE_TITLES: Record<DutyRole, string> = { ...ROLE_LABELS, sme: 'Subject-Matter Expert' };

export const ROLE_DUTIES: Record<DutyRole, string> = {
  incident_commander:
    'The IC owns the incident, not the fix. Decide severity, assign roles, keep the timeline moving, and make the call when there is disagreement. Do not debug: ask questions and remove blockers.',
  comms_lead:
    'Own everything that leaves the room: the status page, customer-facing updates, and the running summary for leadership. Post updates on the cadence the severity demands, and always promise a "next update by" time.',
  scribe: 'Capture the timeline as it happens: when the alert fired, when each action was taken, what was observed. Timestamp everything.',
  sme: 'You are pulled in to fix things. Report findings up to the IC rather than broadcasting half-theories to the whole channel.',
};
