/** Changes as the API answers them: an allow-list of fields, the sender's key never among them. */
import type { Change } from '../domain/changes/change.js';

export function presentChange(change: Change) {
  return {
    id: change.id,
    summary: change.summary,
    at: change.at,
    kind: change.kind,
    source: change.origin,
    components: change.components,
    links: change.links,
    customDetails: change.customDetails,
    sentBy: { source: change.sourceId, person: change.recordedBy },
    receivedAt: change.receivedAt,
  };
}
