/**
 * What the fold keeps of the postmortem's progress (issue 16), apart from the rules in
 * flow.ts so that the incident's state can hold it without importing the rules.
 */
import type { IncidentEvent } from '../model/events.js';

export const POSTMORTEM_STAGES = ['owed', 'scheduled', 'drafting', 'in_review', 'published'] as const;
export type PostmortemStage = (typeof POSTMORTEM_STAGES)[number];

/** The review meeting's length when none is given (and for reviews scheduled before it could be). */
export const DEFAULT_REVIEW_MINUTES = 60;
/** A review is a meeting, not a day: anything longer is a typo. */
export const MAX_REVIEW_MINUTES = 480;

export interface PostmortemFlow {
  /** The review meeting's length in minutes. */
  minutes: number;
  /** The document's latest revision (0: never saved; the draft is still generated). */
  revision: number;
  reviewRequestedAt: string | null;
  publishedAt: string | null;
  /** The revision frozen by publishing (null when published only as an address). */
  publishedRevision: number | null;
  /** The team chose to link it from the incident on the public status page. */
  onStatusPage: boolean;
}

export const NO_POSTMORTEM_YET: PostmortemFlow = {
  minutes: DEFAULT_REVIEW_MINUTES,
  revision: 0,
  reviewRequestedAt: null,
  publishedAt: null,
  publishedRevision: null,
  onStatusPage: false,
};

type FlowEvent = Extract<
  IncidentEvent,
  { type: 'PostmortemScheduled' | 'PostmortemAssigned' | 'PostmortemDocumentSaved' | 'PostmortemReviewRequested' | 'PostmortemPublished' }
>;

/** The flow after one of its events (the fold in state.ts hands them here). */
export function evolvePostmortemFlow(flow: PostmortemFlow, event: FlowEvent, at: string): PostmortemFlow {
  switch (event.type) {
    case 'PostmortemScheduled':
      return { ...flow, minutes: event.minutes };
    case 'PostmortemAssigned':
      return flow;
    case 'PostmortemDocumentSaved':
      return { ...flow, revision: event.revision };
    case 'PostmortemReviewRequested':
      return { ...flow, reviewRequestedAt: at };
    case 'PostmortemPublished':
      // Events recorded before the flow carry only `url`: they were linked from the status page.
      return { ...flow, publishedAt: flow.publishedAt ?? at, publishedRevision: event.revision ?? null, onStatusPage: event.statusPage ?? true };
  }
}
