/**
 * Export a follow-up to GitHub Issues or Jira, and take the tracker's verdict back when
 * its issue closes (src/domain/follow-ups/export.ts). The tracker is called outside any
 * transaction: the export is claimed in one (the follow-up locked, so two exports at once
 * make one issue), the issue made, and the link kept in another with a note on the
 * incident's timeline. A failed call lets the claim go, so the export can be asked again.
 * Taking the verdict back is the sync worker's (src/processors/follow-up-sync.ts).
 */
import type { Store } from '../store/store.js';
import type { Config } from '../config/load.js';
import type { Person } from '../domain/people/person.js';
import { authorize } from '../domain/people/policy.js';
import { DomainError } from '../domain/model/errors.js';
import type { FollowUp } from '../domain/follow-ups/follow-up.js';
import {
  claim,
  decideExport,
  exportedText,
  linked,
  trackerName,
  type FollowUpLink,
  type Tracker,
} from '../domain/follow-ups/export.js';
import { followUpIssueDraft } from '../presenters/follow-ups.js';
import { TrackerError, type IssueDraft, type Trackers } from '../integrations/trackers/port.js';
import { readFollowUp } from './follow-ups.js';
import { runIncidentCommand } from './incident-command.js';

export interface ExportDeps {
  store: Store;
  config: Config;
  trackers: Trackers;
  publicUrl: string;
  /** How often an exported follow-up's issue is looked at (ms). */
  pollMs: number;
  now: () => string;
}

export interface ExportAnswer {
  item: FollowUp;
  link: FollowUpLink;
  /** False when the follow-up already had its issue: nothing was made. */
  created: boolean;
}

export async function exportFollowUp(deps: ExportDeps, person: Person, id: string, tracker: Tracker): Promise<ExportAnswer> {
  authorize(person, 'followups.write');
  const first = await deps.store.transaction(async (tx) => {
    const now = deps.now();
    const item = await readFollowUp(tx, person, id, true);
    const decision = decideExport(item, await tx.followUpLinks.get(id, true), tracker, now);
    if (decision.kind === 'existing') return { item, link: decision.link, draft: null };
    if (!deps.trackers[tracker])
      throw new DomainError('TRACKER_NOT_CONFIGURED', `${trackerName(tracker)} is not set up here; see README "Follow-ups" for its settings.`, { field: 'tracker' });
    const incident = (await tx.incidents.load(item.incident))!;
    // Drills never leave the building.
    if (incident.drill) throw new DomainError('FOLLOW_UP_CLOSED', `Follow-up ${id} is from a drill; drills are not exported.`, { field: 'id' });
    const pending = claim(item, tracker, person.handle, now);
    await tx.followUpLinks.put(pending);
    return { item, link: pending, draft: followUpIssueDraft(item, incident, { publicUrl: deps.publicUrl }) };
  });
  if (!first.draft) return { item: first.item, link: first.link, created: false };
  const issue = await createIssue(deps, id, tracker, first.draft);
  return deps.store.transaction(async (tx) => {
    const link = linked(first.link, issue, deps.now(), deps.pollMs);
    await tx.followUpLinks.put(link);
    await runIncidentCommand({ tx, config: deps.config, now: deps.now(), actor: person }, first.item.incident, {
      type: 'AddTimelineEntry',
      kind: 'note',
      text: exportedText(first.item, link),
    });
    return { item: first.item, link, created: true };
  });
}

async function createIssue(deps: ExportDeps, id: string, tracker: Tracker, draft: IssueDraft): Promise<{ key: string; url: string }> {
  try {
    return await deps.trackers[tracker]!.createIssue(draft);
  } catch (error) {
    await deps.store.transaction((tx) => tx.followUpLinks.release(id));
    const why = error instanceof TrackerError ? error.message : `${trackerName(tracker)}: ${(error as Error).message}`;
    throw new DomainError('TRACKER_FAILED', `${why}. Nothing was exported; try again.`, {
      field: 'tracker',
      ...(error instanceof TrackerError && error.status !== null ? { trackerStatus: error.status } : {}),
    });
  }
}
