/**
 * The internal status page (`/status/internal`): the public page's model for signed-in
 * people, with every incident they may see — internal severities, and private ones only
 * for the people in them (the caller passes only what `canSee` allows) — each with its
 * severity and all its updates, internal ones marked. Pure.
 */
import type { RecordedEvent } from '../model/events.js';
import type { IncidentState } from '../model/state.js';
import { incidentId } from '../model/ids.js';
import { publicMarkdown, type PublicUpdate } from './visibility.js';
import { buildStatusPage, type PublicIncident, type StatusPageInput, type StatusPageModel } from './view-model.js';

/** Every update posted, public or internal, newest first. */
export function allUpdates(events: readonly RecordedEvent[]): PublicUpdate[] {
  return events
    .flatMap((r) =>
      r.event.type === 'StatusUpdatePosted'
        ? [
            {
              id: r.seq,
              status: r.event.status,
              impact: r.event.impact,
              whatWeKnow: r.event.whatWeKnow,
              nextStep: r.event.nextStep,
              markdown: publicMarkdown(r.event),
              postedAt: r.recordedAt,
              nextUpdateBy: r.event.nextUpdateBy,
              postedBy: r.actor,
              placeholder: false,
              audience: r.event.audience,
            },
          ]
        : [],
    )
    .reverse();
}

/** `incidents` are those the viewer may see; `events` their recorded events, by incident number. */
export function buildInternalPage(input: StatusPageInput, events: ReadonlyMap<number, readonly RecordedEvent[]>): StatusPageModel {
  // Everyone signed in sees what the public sees and more: every level counts as public here,
  // and a private incident reaches this function only for those who may see it.
  const policy = { ...input.config.policy, levels: input.config.policy.levels.map((level) => ({ ...level, audience: 'public' as const })) };
  const incidents = input.incidents.map((s): IncidentState => ({ ...s, private: false }));
  const model = buildStatusPage({ ...input, config: { ...input.config, policy }, incidents });
  const byId = new Map(input.incidents.map((s) => [incidentId(s.number), s]));
  const enrich = (i: PublicIncident): PublicIncident => {
    const state = byId.get(i.id)!;
    const updates = allUpdates(events.get(state.number) ?? []);
    return {
      ...i,
      severity: state.severity,
      title: state.private ? `${i.title} (private)` : i.title,
      updates: updates.length ? updates : i.updates,
      status: state.phase === 'active' ? (updates[0]?.status ?? i.status) : 'resolved',
      nextUpdateBy: state.phase === 'active' ? state.nextUpdateBy : null,
    };
  };
  return {
    ...model,
    page: { ...model.page, title: `${model.page.title} (internal)` },
    openIncidents: model.openIncidents.map(enrich),
    recentIncidents: model.recentIncidents.map(enrich),
    history: model.history.map(enrich),
  };
}
