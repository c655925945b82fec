/**
 * What one incident's record says about how it was run, folded from its events with the
 * same `evolve` that builds its state, so history recorded before insights existed counts
 * too. Times are the events' recorded times (UTC); nothing here reads a clock: `now` closes
 * what is still open (an open incident's time in its status, a promise not yet kept).
 */
import type { RecordedEvent, UpdateStatus } from '../model/events.js';
import { evolve, evolveDeclared, type IncidentState } from '../model/state.js';

/** A "next update by" promise, judged by the update that followed it. */
export interface PromiseJudged {
  promisedBy: string;
  /** When it was judged: the next update, the change that replaced it once past due, or `now`. */
  judgedAt: string;
  kept: boolean;
  /** 0 when kept; otherwise how long after `promisedBy` it was judged. */
  latenessMs: number;
  /** Who held Comms Lead when it was judged; null when nobody did (the IC ran comms). */
  commsLead: string | null;
  /** The incident's severity when it was judged. */
  severity: string;
  /** True while the incident is open and nothing has been posted since the promise fell due. */
  outstanding: boolean;
}

export type OpenStatus = Exclude<UpdateStatus, 'resolved'>;

export interface IncidentMeasures {
  incident: number;
  /** The incident's severity now (after any change). */
  severity: string;
  private: boolean;
  declaredAt: string;
  startedAt: string;
  resolvedAt: string | null;
  /** Impact start → declared (0 when impact was recorded as starting after the declaration). */
  timeToDeclareMs: number;
  /** Declared → first status update; null while none has been posted. */
  timeToFirstUpdateMs: number | null;
  /** Declared → resolved (the last resolve, when reopened); null while open. */
  timeToResolveMs: number | null;
  /** Time spent in each status before resolving (until `now` while open). */
  timeInStatusMs: Record<OpenStatus, number>;
  promises: PromiseJudged[];
  /** Sum of the lateness of every promise not kept, in ms. */
  overdueMs: number;
  postmortemRequired: boolean;
  /** Resolved → postmortem published; null until it is. */
  postmortemAfterResolveMs: number | null;
}

const ms = (from: string, to: string) => Date.parse(to) - Date.parse(from);

export function measureIncident(events: readonly RecordedEvent[], now: string): IncidentMeasures {
  const [first, ...rest] = events;
  if (!first) throw new Error('an incident has at least its declaration');
  let state: IncidentState = evolveDeclared(first);
  const timeInStatusMs: Record<OpenStatus, number> = { investigating: 0, identified: 0, monitoring: 0 };
  let statusSince = state.declaredAt;
  const promises: PromiseJudged[] = [];
  let postmortemPublishedAt: string | null = null;

  const judge = (as: IncidentState, promisedBy: string, at: string, kept: boolean, outstanding = false) =>
    promises.push({
      promisedBy,
      judgedAt: at,
      kept,
      latenessMs: kept ? 0 : Math.max(0, ms(promisedBy, at)),
      commsLead: as.roles.comms_lead,
      severity: as.severity,
      outstanding,
    });

  for (const recorded of rest) {
    const at = recorded.recordedAt;
    const promise = state.nextUpdateBy;
    if (recorded.event.type === 'StatusUpdatePosted' && promise !== null) judge(state, promise, at, at <= promise);
    const before = state;
    state = evolve(state, recorded);
    // A promise replaced by something other than an update (a severity change, resolving) is
    // broken only if it was already past due; replaced in time, nobody was kept waiting.
    if (recorded.event.type !== 'StatusUpdatePosted' && promise !== null && state.nextUpdateBy !== promise && at > promise) judge(before, promise, at, false);
    if (before.status !== state.status) {
      if (before.status !== 'resolved') timeInStatusMs[before.status] += ms(statusSince, at);
      statusSince = at;
    }
    if (recorded.event.type === 'PostmortemPublished') postmortemPublishedAt = at;
  }
  if (state.status !== 'resolved') timeInStatusMs[state.status] += Math.max(0, ms(statusSince, now));
  if (state.nextUpdateBy !== null && now > state.nextUpdateBy) judge(state, state.nextUpdateBy, now, false, true);

  const resolvedAt = state.phase === 'active' ? null : state.resolvedAt;
  return {
    incident: state.number,
    severity: state.severity,
    private: state.private,
    declaredAt: state.declaredAt,
    startedAt: state.startedAt,
    resolvedAt,
    timeToDeclareMs: Math.max(0, ms(state.startedAt, state.declaredAt)),
    timeToFirstUpdateMs: state.firstUpdateAt === null ? null : ms(state.declaredAt, state.firstUpdateAt),
    timeToResolveMs: resolvedAt === null ? null : ms(state.declaredAt, resolvedAt),
    timeInStatusMs,
    promises,
    overdueMs: promises.reduce((sum, p) => sum + p.latenessMs, 0),
    postmortemRequired: state.phase === 'active' ? false : state.postmortemRequired,
    postmortemAfterResolveMs: postmortemPublishedAt !== null && resolvedAt !== null ? ms(resolvedAt, postmortemPublishedAt) : null,
  };
}
