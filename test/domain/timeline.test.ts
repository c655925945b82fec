import { describe, expect, it } from 'vitest';
import type { IncidentEvent, IncidentEventType, ManualEntryKind } from '../../src/domain/model/events.js';
import { MANUAL_ENTRY_KINDS } from '../../src/domain/model/events.js';
import { AUTOMATIC_ENTRY_KINDS, buildTimeline, ENTRY_KINDS, toTimelineEntry, type EntryKind } from '../../src/presenters/timeline.js';
import { declared, given, minutes, refusal, T0, type Step } from './given.js';

const entry = (kind: ManualEntryKind, text: string, occurredAt: string, corrects: number | null = null): IncidentEvent => ({
  type: 'TimelineEntryAdded',
  kind,
  text,
  occurredAt,
  corrects,
});

describe('R9: anyone in the incident adds entries', () => {
  it('R9: an entry is recorded now, by whoever adds it', () => {
    const incident = given(declared());
    const decision = incident.when({ type: 'AddTimelineEntry', kind: 'observation', text: 'p99 latency at 4s' }, { by: 'sam', at: minutes(7) });
    expect(decision).toEqual({ events: [entry('observation', 'p99 latency at 4s', minutes(7))], warnings: [] });
    const [, added] = buildTimeline(incident.with({ event: decision.events[0]!, by: 'sam', at: minutes(7) }).events);
    expect(added).toEqual({
      id: 2,
      kind: 'observation',
      text: 'p99 latency at 4s',
      at: minutes(7),
      recordedAt: minutes(7),
      actor: 'sam',
      corrects: null,
      correctedBy: null,
      to: null,
      change: null,
      event: 'TimelineEntryAdded',
    });
  });

  it('R9: every manual kind is accepted: note, observation, action, decision, hypothesis, ruled_out, finding (addressed to the IC)', () => {
    expect(MANUAL_ENTRY_KINDS).toEqual(['note', 'observation', 'action', 'decision', 'hypothesis', 'ruled_out', 'finding']);
    const incident = given(declared());
    for (const kind of MANUAL_ENTRY_KINDS) {
      const decision = incident.when({ type: 'AddTimelineEntry', kind, text: `a ${kind}` }, { by: 'sam', at: minutes(3) });
      expect(decision.events).toEqual([{ ...entry(kind, `a ${kind}`, minutes(3)), ...(kind === 'finding' ? { to: 'alex' } : {}) }]);
    }
  });

  it('R9: the text is trimmed, and an entry without text is refused', () => {
    const incident = given(declared());
    expect(incident.when({ type: 'AddTimelineEntry', kind: 'note', text: '  Pool at 100%  ' }, { at: minutes(2) }).events[0]).toMatchObject({
      text: 'Pool at 100%',
    });
    const error = refusal(() => incident.when({ type: 'AddTimelineEntry', kind: 'note', text: ' \n ' }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details).toEqual({ field: 'text' });
  });

  it('R9: entries may still be added after resolving, for catch-up', () => {
    const incident = given(declared({ severity: 'SEV3' }), { type: 'IncidentResolved', postmortemRequired: false });
    const decision = incident.when({ type: 'AddTimelineEntry', kind: 'action', text: 'Restarted the job at 14:20' }, { by: 'alex' });
    expect(decision.events.map((e) => e.type)).toEqual(['TimelineEntryAdded']);
    expect(decision.warnings).toEqual([]);
  });
});

describe('R9: backdating for catch-up', () => {
  it('R9: a backdated entry happened at `at` and keeps when it was recorded', () => {
    const incident = given(declared());
    const decision = incident.when(
      { type: 'AddTimelineEntry', kind: 'action', text: 'Restarted the batch job', at: minutes(2) },
      { by: 'dana', at: minutes(30) },
    );
    expect(decision.events).toEqual([entry('action', 'Restarted the batch job', minutes(2))]);
    const timeline = buildTimeline(incident.with({ event: decision.events[0]!, by: 'dana', at: minutes(30) }).events);
    expect(timeline[1]).toMatchObject({ at: minutes(2), recordedAt: minutes(30), actor: 'dana' });
  });

  it('R9: a backdated entry takes its place in the order things happened', () => {
    const incident = given(
      declared(),
      { event: { type: 'RoleAssigned', role: 'scribe', person: 'sam', previous: null }, at: minutes(5) },
      { event: entry('observation', 'Pool exhausted', minutes(1)), by: 'sam', at: minutes(10) },
    );
    expect(buildTimeline(incident.events).map((e) => [e.id, e.at])).toEqual([
      [1, T0],
      [3, minutes(1)],
      [2, minutes(5)],
    ]);
  });

  it('R9: an entry may be backdated before the declaration (impact began earlier)', () => {
    const decision = given(declared()).when({ type: 'AddTimelineEntry', kind: 'observation', text: 'First 500s', at: minutes(-20) });
    expect(decision.events[0]).toMatchObject({ occurredAt: minutes(-20) });
  });

  it('R9: an entry cannot be dated in the future', () => {
    const error = refusal(() =>
      given(declared()).when({ type: 'AddTimelineEntry', kind: 'note', text: 'Later', at: minutes(10, 1) }, { at: minutes(10) }),
    );
    expect(error.code).toBe('ENTRY_IN_FUTURE');
    expect(error.details).toEqual({ field: 'at' });
  });

  it('R9: an entry dated exactly now is fine', () => {
    const decision = given(declared()).when({ type: 'AddTimelineEntry', kind: 'note', text: 'Now', at: minutes(10) }, { at: minutes(10) });
    expect(decision.events[0]).toMatchObject({ occurredAt: minutes(10) });
  });

  it('R9: an `at` that is not a time is refused', () => {
    const error = refusal(() => given(declared()).when({ type: 'AddTimelineEntry', kind: 'note', text: 'x', at: 'ten minutes ago' }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details).toEqual({ field: 'at' });
  });

  it('R9: an `at` with an offset is stored in UTC and sorts by the instant it names', () => {
    const incident = given(declared(), { event: { type: 'RoleAssigned', role: 'scribe', person: 'sam', previous: null }, at: minutes(10) });
    // 16:20+02:00 is 14:20 UTC: six minutes after the declaration, four before the scribe was named.
    const decision = incident.when({ type: 'AddTimelineEntry', kind: 'action', text: 'Restarted', at: '2026-06-06T16:20:00+02:00' }, { by: 'dana' });
    expect(decision.events[0]).toMatchObject({ occurredAt: minutes(6) });
    const timeline = buildTimeline(incident.with({ event: decision.events[0]!, by: 'dana' }).events);
    expect(timeline.map((e) => e.kind)).toEqual(['declared', 'action', 'role_assigned']);
  });
});

describe('R9: append-only; a correction points at the old entry', () => {
  const history = () => given(declared(), { event: entry('observation', 'Errors began at 14:41', minutes(2)), by: 'sam' });

  it('R9: a correction is a new entry that points at the old one, which stays', () => {
    const incident = history();
    const decision = incident.when({ type: 'AddTimelineEntry', kind: 'observation', text: 'Errors began at 14:14', corrects: 2 }, { by: 'sam', at: minutes(5) });
    expect(decision.events).toEqual([entry('observation', 'Errors began at 14:14', minutes(5), 2)]);
    const timeline = buildTimeline(incident.with({ event: decision.events[0]!, by: 'sam', at: minutes(5) }).events);
    expect(timeline.map((e) => [e.id, e.text, e.corrects])).toEqual([
      [1, expect.stringContaining('Declared'), null],
      [2, 'Errors began at 14:41', null],
      [3, 'Errors began at 14:14', 2],
    ]);
  });

  it('R9: an automatic entry can be corrected too (every event is an entry)', () => {
    const decision = history().when({ type: 'AddTimelineEntry', kind: 'note', text: 'Declared late: impact began 13:50', corrects: 1 });
    expect(decision.events[0]).toMatchObject({ corrects: 1 });
  });

  it('R9: a correction must point at an existing entry', () => {
    const incident = history();
    for (const corrects of [0, 3, 99, -1]) {
      const error = refusal(() => incident.when({ type: 'AddTimelineEntry', kind: 'note', text: 'fix', corrects }));
      expect(error.code).toBe('ENTRY_NOT_FOUND');
      expect(error.details).toEqual({ field: 'corrects' });
    }
  });

  it('R9: a correction cannot point between entries (no entry 1.5)', () => {
    expect(refusal(() => history().when({ type: 'AddTimelineEntry', kind: 'note', text: 'fix', corrects: 1.5 })).code).toBe('ENTRY_NOT_FOUND');
  });

  it('R9: corrects: null is a plain entry', () => {
    expect(history().when({ type: 'AddTimelineEntry', kind: 'note', text: 'x', corrects: null }).events[0]).toMatchObject({ corrects: null });
  });
});

describe('R9: "What have we ruled out?" is one query', () => {
  const incident = given(
    declared(),
    { event: entry('hypothesis', 'Bad deploy?', minutes(2)), by: 'dana' },
    { event: entry('ruled_out', 'Not the 14:00 deploy: rolled back, errors continue', minutes(6)), by: 'dana' },
    { event: entry('observation', 'Pool at 100%', minutes(8)), by: 'lee' },
    { event: entry('ruled_out', 'Not the network: packet loss 0%', minutes(3)), by: 'lee', at: minutes(12) },
  );

  it('R9: filtering by kind ruled_out returns only what was ruled out, in the order it happened', () => {
    const ruledOut = buildTimeline(incident.events, ['ruled_out']);
    expect(ruledOut.map((e) => [e.at, e.text, e.actor])).toEqual([
      [minutes(3), 'Not the network: packet loss 0%', 'lee'],
      [minutes(6), 'Not the 14:00 deploy: rolled back, errors continue', 'dana'],
    ]);
  });

  it('R9: filtering by several kinds, or automatic kinds, works the same way', () => {
    expect(buildTimeline(incident.events, ['hypothesis', 'observation']).map((e) => e.kind)).toEqual(['hypothesis', 'observation']);
    expect(buildTimeline(incident.events, ['declared']).map((e) => e.id)).toEqual([1]);
  });

  it('R9: no filter (or an empty one) is the whole timeline', () => {
    expect(buildTimeline(incident.events)).toHaveLength(5);
    expect(buildTimeline(incident.events, [])).toHaveLength(5);
  });
});

describe('R9: every change lands on the timeline automatically, with time and actor', () => {
  // One of each event type, in a plausible order; the table below is checked exhaustive by the compiler.
  const steps: Step[] = [
    { event: declared({ severity: 'SEV2' }), by: 'alex' },
    { event: { type: 'SeverityChanged', from: 'SEV2', to: 'SEV1', reason: 'Payments down too', nextUpdateBy: minutes(31) }, by: 'alex' },
    { event: { type: 'RoleAssigned', role: 'comms_lead', person: 'priya', previous: null }, by: 'alex' },
    { event: { type: 'RoleAssigned', role: 'scribe', person: 'kim', previous: null }, by: 'alex' },
    { event: { type: 'RoleAssigned', role: 'scribe', person: 'sam', previous: 'kim' }, by: 'alex' },
    { event: { type: 'RoleReleased', role: 'comms_lead', person: 'priya' }, by: 'priya' },
    { event: { type: 'SmeAdded', person: 'dana', specialty: 'payments' }, by: 'alex' },
    { event: { type: 'SmeReleased', person: 'dana', specialty: 'payments' }, by: 'alex' },
    { event: { type: 'CommanderOffered', handoffId: 'h9', from: 'alex', to: 'priya', supersedes: null }, by: 'alex' },
    { event: { type: 'CommanderDeclined', handoffId: 'h9', from: 'alex', to: 'priya' }, by: 'priya' },
    { event: { type: 'CommanderOffered', handoffId: 'h11', from: 'alex', to: 'lee', supersedes: null }, by: 'alex' },
    { event: { type: 'CommanderAccepted', handoffId: 'h11', from: 'alex', to: 'lee' }, by: 'lee' },
    { event: entry('action', 'Restarted the pool', minutes(13)), by: 'lee' },
    { event: { type: 'CommanderWentHandsOn', commander: 'lee', via: 'action' }, by: 'lee' },
    { event: { type: 'CommanderWentHandsOn', commander: 'lee', via: 'sme' }, by: 'lee' },
    { event: { type: 'PageAcknowledged', page: 'INC-7/person/priya', via: 'pagerduty', people: ['priya'], by: 'Priya N', occurredAt: minutes(14) }, by: 'priya' },
    {
      event: {
        type: 'StatusUpdatePosted',
        status: 'identified',
        impact: '~30% of checkouts failing.',
        whatWeKnow: 'Pool exhausted.',
        nextStep: 'Throttle.',
        nextUpdateBy: minutes(46),
        audience: 'public',
      },
      by: 'priya',
    },
    { event: { type: 'StatusChanged', from: 'investigating', to: 'identified' }, by: 'priya' },
    { event: { type: 'IncidentPublished' }, by: 'priya' },
    { event: { type: 'IncidentUnpublished' }, by: 'priya' },
    { event: { type: 'ComponentStatusSet', component: 'checkout', status: 'partial_outage', from: null }, by: 'priya' },
    { event: { type: 'ComponentStatusSet', component: 'checkout', status: 'degraded_performance', from: 'partial_outage' }, by: 'priya' },
    { event: { type: 'UpdateDueSoon', promisedBy: minutes(46), lastUpdateAt: minutes(15) }, by: 'system' },
    { event: { type: 'UpdateOverdue', promisedBy: minutes(46), lastUpdateAt: minutes(15) }, by: 'system' },
    { event: { type: 'OverdueEscalated', promisedBy: minutes(46), lastUpdateAt: minutes(15), escalation: 2, escalateTo: ['vp-eng'] }, by: 'system' },
    { event: { type: 'RoleGapNudged', commander: 'lee', gaps: ['COMMS_LEAD_MISSING', 'ROLES_NOT_DISTINCT'] }, by: 'system' },
    {
      event: {
        type: 'StatusUpdatePosted',
        status: 'monitoring',
        impact: 'Recovering.',
        whatWeKnow: 'Throttled.',
        nextStep: 'Watch.',
        nextUpdateBy: null,
        audience: 'internal',
      },
      by: 'priya',
    },
    { event: { type: 'StatusChanged', from: 'identified', to: 'monitoring' }, by: 'priya' },
    { event: { type: 'CommanderOffered', handoffId: 'h90', from: 'lee', to: 'sam', supersedes: null }, by: 'lee' },
    { event: { type: 'CommanderOfferLapsed', handoffId: 'h90', from: 'lee', to: 'sam' }, by: 'lee' },
    { event: { type: 'IncidentResolved', postmortemRequired: true }, by: 'lee' },
    { event: { type: 'PostmortemReminded', commander: 'lee', resolvedAt: minutes(25) }, by: 'system' },
    { event: { type: 'PostmortemAssigned', owner: 'lee', scheduledFor: '2026-06-09T15:00:00.000Z' }, by: 'lee' },
    { event: { type: 'PostmortemScheduled', owner: 'lee', scheduledFor: '2026-06-09T16:00:00.000Z', minutes: 45 }, by: 'lee' },
    { event: { type: 'PostmortemDocumentSaved', revision: 1 }, by: 'sam' },
    { event: { type: 'PostmortemDocumentSaved', revision: 2 }, by: 'lee' },
    { event: { type: 'PostmortemReviewRequested', revision: 2 }, by: 'lee' },
    { event: { type: 'PostmortemPublished', url: 'https://wiki.example.com/pm/7' }, by: 'lee' },
    { event: { type: 'PostmortemPublished', url: null, statusPage: false, revision: 2 }, by: 'lee' },
    {
      event: {
        type: 'AlertObserved',
        group: 7,
        alert: { status: 'firing', labels: { alertname: 'HighErrorRate', instance: 'checkout-1' }, severity: 'critical', summary: '5xx above 5%', generatorUrl: null },
        occurredAt: '2026-06-07T09:00:00.000Z',
      },
      by: 'alerts:prom',
      at: '2026-06-07T09:05:00.000Z',
    },
    { event: { type: 'MoreAlertsObserved', group: 7, count: 3 }, by: 'alerts:prom', at: '2026-06-07T09:05:00.000Z' },
    { event: { type: 'IncidentReopened', reason: 'Errors are back', status: 'monitoring', nextUpdateBy: '2026-06-07T09:25:00.000Z' }, by: 'lee', at: '2026-06-07T09:10:00.000Z' },
    { event: { type: 'IncidentEdited', field: 'title', from: 'Checkout errors', to: 'Checkout 500s', reason: 'More precise' }, by: 'sam' },
    { event: { type: 'IncidentEdited', field: 'summary', from: null, to: 'Pool exhausted by a batch job', reason: 'Known now' }, by: 'sam' },
    {
      event: {
        type: 'IncidentEdited',
        field: 'links',
        from: { statusPage: null, dashboard: null, runbook: null },
        to: { statusPage: null, dashboard: 'https://grafana.example.com/d/1', runbook: null },
        reason: 'The dashboard',
      },
      by: 'sam',
    },
    { event: { type: 'IncidentEdited', field: 'components', from: [], to: ['checkout', 'payments'], reason: 'Payments too' }, by: 'sam' },
    { event: { type: 'IncidentEdited', field: 'startedAt', from: T0, to: minutes(-20), reason: 'The batch job started then' }, by: 'sam' },
    { event: { type: 'IncidentMergedIn', from: 8, title: 'Payments failing', reason: 'Same pool', alertGroups: [9], carried: 4, notCarried: 0 }, by: 'lee' },
    { event: { type: 'UpdateHeld', draftId: 'd40', commsLead: 'priya', status: 'monitoring', impact: 'Recovering', whatWeKnow: 'Job throttled', nextStep: 'Watch', nextUpdateBy: null, audience: 'public' }, by: 'sam' },
    { event: { type: 'DraftRejected', draftId: 'd40', draftedBy: 'sam', reason: 'Too early' }, by: 'priya' },
    { event: { type: 'DraftApproved', draftId: 'd41', draftedBy: 'sam' }, by: 'priya' },
    { event: { type: 'PublicUpdateNotByCommsLead', commsLead: 'priya' }, by: 'sam' },
    { event: { type: 'TaskCreated', taskId: 't42', title: 'Check the batch job', owner: 'dana' }, by: 'lee' },
    { event: { type: 'TaskStateChanged', taskId: 't42', title: 'Check the batch job', owner: 'dana', from: 'open', to: 'blocked', reason: 'Waiting on DBA access' }, by: 'dana' },
    { event: { type: 'TaskReassigned', taskId: 't42', title: 'Check the batch job', from: 'dana', to: 'lee' }, by: 'lee' },
    { event: { type: 'TaskRetitled', taskId: 't42', from: 'Check the batch job', to: 'Stop the batch job' }, by: 'lee' },
    { event: { type: 'IncidentMerged', into: 9, reason: 'Tracked with the database incident' }, by: 'lee' },
  ];
  const events = given(...steps).events;

  const expected: [EntryKind, string][] = [
    ['declared', 'Declared SEV2: Checkout errors. Incident Commander: @alex.'],
    ['severity_changed', 'Severity SEV2 → SEV1: Payments down too'],
    ['role_assigned', '@priya is Comms Lead.'],
    ['role_assigned', '@kim is Scribe.'],
    ['role_assigned', '@sam is Scribe (was @kim).'],
    ['role_released', '@priya released as Comms Lead.'],
    ['sme_added', '@dana pulled in as SME (payments).'],
    ['sme_released', '@dana released as SME (payments).'],
    ['role_offered', '@alex offered Incident Commander to @priya.'],
    ['role_declined', '@priya declined Incident Commander; @alex keeps it.'],
    ['role_offered', '@alex offered Incident Commander to @lee.'],
    ['role_accepted', '@lee accepted Incident Commander from @alex.'],
    ['action', 'Restarted the pool'],
    ['commander_hands_on', 'Incident Commander @lee went hands-on (recorded an action): hand off IC first.'],
    ['commander_hands_on', 'Incident Commander @lee went hands-on (added as SME): hand off IC first.'],
    ['page_acknowledged', 'Page to @priya acknowledged in PagerDuty by Priya N.'],
    ['update_posted', 'Public update posted (Identified): ~30% of checkouts failing. Next update by 15:00 UTC.'],
    ['status_changed', 'Status Investigating → Identified.'],
    ['published', 'Published on the status page.'],
    ['unpublished', 'Taken off the status page.'],
    ['component_status_set', 'Component checkout: Partial outage.'],
    ['component_status_set', 'Component checkout: Degraded performance (was Partial outage).'],
    ['update_due_soon', 'Update due soon: next update promised by 15:00 UTC (no update since 14:29 UTC).'],
    ['update_overdue', 'Update overdue: no update since 14:29 UTC, promised by 15:00 UTC.'],
    ['overdue_escalated', 'Overdue escalated (2): no update since 14:29 UTC, promised by 15:00 UTC. Escalation list: @vp-eng.'],
    [
      'role_gap_nudged',
      'Role gap: no Comms Lead; the IC, Comms Lead and Scribe are not three different people. @lee, fill the roles.',
    ],
    ['update_posted', 'Internal update posted (Monitoring): Recovering.'],
    ['status_changed', 'Status Identified → Monitoring.'],
    ['role_offered', '@lee offered Incident Commander to @sam.'],
    ['role_offer_lapsed', 'The offer of Incident Commander to @sam lapsed: the incident resolved first.'],
    ['resolved', 'Resolved. A postmortem is owed.'],
    ['postmortem_reminded', 'Postmortem owed since 2026-06-06 14:39 UTC: @lee, give it an owner and a date.'],
    ['postmortem_assigned', 'Postmortem owned by @lee, scheduled for 2026-06-09 15:00 UTC.'],
    ['postmortem_scheduled', 'Postmortem review scheduled for 2026-06-09 16:00 UTC (45 min), owned by @lee; invite for the owner, the roles and the SMEs.'],
    ['postmortem_revised', 'Postmortem drafting began: revision 1 saved.'],
    ['postmortem_revised', 'Postmortem document revision 2 saved.'],
    ['postmortem_in_review', 'Postmortem up for review (revision 2).'],
    ['postmortem_published', 'Postmortem published: https://wiki.example.com/pm/7'],
    ['postmortem_published', 'Postmortem published (revision 2, now frozen), not linked from the status page.'],
    ['observation', 'Alert firing: HighErrorRate{instance="checkout-1"} — severity critical — 5xx above 5%'],
    ['observation', '…and 3 more alerts; all of them: GET /api/v1/alerts/7'],
    ['reopened', 'Reopened, back to Monitoring: Errors are back'],
    ['edited', 'Title "Checkout errors" → "Checkout 500s": More precise'],
    ['edited', 'Summary now "Pool exhausted by a batch job": Known now'],
    ['edited', 'Links: dashboard https://grafana.example.com/d/1: The dashboard'],
    ['edited', 'Affected components: checkout, payments (was none): Payments too'],
    ['edited', 'Impact start 2026-06-06 14:14 UTC → 2026-06-06 13:54 UTC: The batch job started then'],
    ['merged_in', 'INC-8 (Payments failing) merged into this incident: 4 entries and alert group 9 carried over. Same pool.'],
    ['update_held', 'Public update held as draft d40 for the Comms Lead, @priya, to approve (Monitoring): Recovering.'],
    ['draft_rejected', 'Draft d40 by @sam rejected: Too early'],
    ['draft_approved', 'Draft d41 by @sam approved; posted below.'],
    ['update_not_by_comms_lead', 'That public update went out without the Comms Lead, @priya.'],
    ['task', 'Task t42 for @dana: Check the batch job.'],
    ['task', 'Task t42 (@dana) blocked: Check the batch job. Waiting on DBA access.'],
    ['task', 'Task t42 handed from @dana to @lee: Check the batch job.'],
    ['task', 'Task t42 retitled "Check the batch job" → "Stop the batch job".'],
    ['merged', 'Merged into INC-9; followed there from now on. Tracked with the database incident.'],
  ];

  const kindOf: Record<IncidentEventType, EntryKind | 'manual'> = {
    IncidentDeclared: 'declared',
    SeverityChanged: 'severity_changed',
    CommanderOffered: 'role_offered',
    CommanderAccepted: 'role_accepted',
    CommanderDeclined: 'role_declined',
    CommanderOfferLapsed: 'role_offer_lapsed',
    RoleAssigned: 'role_assigned',
    RoleReleased: 'role_released',
    SmeAdded: 'sme_added',
    SmeReleased: 'sme_released',
    CommanderWentHandsOn: 'commander_hands_on',
    PageAcknowledged: 'page_acknowledged',
    TimelineEntryAdded: 'manual',
    StatusUpdatePosted: 'update_posted',
    StatusChanged: 'status_changed',
    PublicUpdateNotByCommsLead: 'update_not_by_comms_lead',
    UpdateHeld: 'update_held',
    DraftApproved: 'draft_approved',
    DraftRejected: 'draft_rejected',
    IncidentResolved: 'resolved',
    PostmortemAssigned: 'postmortem_assigned',
    PostmortemPublished: 'postmortem_published',
    PostmortemScheduled: 'postmortem_scheduled',
    PostmortemDocumentSaved: 'postmortem_revised',
    PostmortemReviewRequested: 'postmortem_in_review',
    UpdateDueSoon: 'update_due_soon',
    UpdateOverdue: 'update_overdue',
    OverdueEscalated: 'overdue_escalated',
    RoleGapNudged: 'role_gap_nudged',
    PostmortemReminded: 'postmortem_reminded',
    IncidentPublished: 'published',
    IncidentUnpublished: 'unpublished',
    ComponentStatusSet: 'component_status_set',
    AlertObserved: 'observation',
    MoreAlertsObserved: 'observation',
    IncidentEdited: 'edited',
    IncidentReopened: 'reopened',
    IncidentMerged: 'merged',
    IncidentMergedIn: 'merged_in',
    TaskCreated: 'task',
    TaskStateChanged: 'task',
    TaskReassigned: 'task',
    TaskRetitled: 'task',
  };

  it('R9: the history covers every event type', () => {
    expect(new Set(events.map((e) => e.event.type))).toEqual(new Set(Object.keys(kindOf)));
  });

  it('R9: each event becomes one entry of its kind with a readable text', () => {
    expect(buildTimeline(events).map((e) => [e.kind, e.text])).toEqual(expected);
  });

  it('R9: each event type maps to its automatic kind', () => {
    for (const recorded of events) {
      const kind = kindOf[recorded.event.type];
      const entryKind = toTimelineEntry(recorded).kind;
      expect(entryKind).toBe(kind === 'manual' ? (recorded.event as { kind: string }).kind : kind);
    }
    const automatic = Object.values(kindOf).filter((k) => k !== 'manual' && !(MANUAL_ENTRY_KINDS as readonly string[]).includes(k));
    expect([...new Set(automatic)].sort()).toEqual([...AUTOMATIC_ENTRY_KINDS].sort());
    expect(ENTRY_KINDS).toEqual([...MANUAL_ENTRY_KINDS, ...AUTOMATIC_ENTRY_KINDS]);
  });

  it('R9: each entry carries the time it happened, the time it was recorded, the actor and the event', () => {
    const timeline = buildTimeline(events);
    timeline.forEach((e, i) => {
      const recorded = events[i]!;
      expect(e.id).toBe(recorded.seq);
      expect(e.actor).toBe(recorded.actor);
      expect(e.recordedAt).toBe(recorded.recordedAt);
      expect(e.event).toBe(recorded.event.type);
    });
    expect(timeline[0]).toMatchObject({ at: T0, actor: 'alex' });
    expect(timeline[11]).toMatchObject({ kind: 'role_accepted', at: minutes(11), actor: 'lee' });
  });

  it('R9: simultaneous entries keep the order they were recorded', () => {
    const same = given(
      declared(),
      { event: entry('note', 'first', minutes(5)), at: minutes(5) },
      { event: entry('note', 'second', minutes(5)), at: minutes(5) },
      { event: entry('note', 'third', minutes(5)), at: minutes(5) },
    );
    expect(buildTimeline(same.events).map((e) => e.text).slice(1)).toEqual(['first', 'second', 'third']);
  });

  it('R9: a SEV3 update without a next-update time says nothing about it', () => {
    const recorded = given(declared({ severity: 'SEV3' }), {
      type: 'StatusUpdatePosted',
      status: 'investigating',
      impact: 'One tenant sees slow exports.',
      whatWeKnow: 'x',
      nextStep: 'y',
      nextUpdateBy: null,
      audience: 'internal',
    }).events[1]!;
    expect(toTimelineEntry(recorded).text).toBe('Internal update posted (Investigating): One tenant sees slow exports.');
  });

  it('R9: resolving without a required postmortem says just "Resolved."', () => {
    const recorded = given(declared({ severity: 'SEV3' }), { type: 'IncidentResolved', postmortemRequired: false }).events[1]!;
    expect(toTimelineEntry(recorded)).toMatchObject({ kind: 'resolved', text: 'Resolved.' });
  });
});

describe('a hypothesis may name the change it suspects', () => {
  it('only a hypothesis names a change; the entry keeps it', () => {
    const incident = given(declared());
    const decision = incident.when({ type: 'AddTimelineEntry', kind: 'hypothesis', text: 'The deploy', change: 'chg_0000000000000001' }, { by: 'sam', at: minutes(7) });
    expect(decision.events[0]).toMatchObject({ type: 'TimelineEntryAdded', kind: 'hypothesis', change: 'chg_0000000000000001' });
    expect(refusal(() => incident.when({ type: 'AddTimelineEntry', kind: 'note', text: 'The deploy', change: 'chg_0000000000000001' })).details).toEqual({ field: 'change' });
  });
});
