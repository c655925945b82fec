import { describe, expect, it } from 'vitest';
import type { CommandOf } from '../../src/domain/model/commands.js';
import { lifecycleState } from '../../src/domain/model/state.js';
import { renderPostmortemDraft } from '../../src/presenters/postmortem-draft.js';
import { renderUpdateMarkdown } from '../../src/presenters/status-update.js';
import { DEFAULT_SEVERITIES, type SeverityPolicy } from '../../src/domain/model/policy.js';
import { buildTimeline } from '../../src/presenters/timeline.js';
import { declared, given, minutes, policy, refusal, type Incident } from './given.js';

const finalUpdate: CommandOf<'Resolve'> = {
  type: 'Resolve',
  impact: '~30% of checkouts failed between 14:00 and 15:40 UTC.',
  whatWeKnow: 'A batch job exhausted the DB connection pool.',
  nextStep: 'Alert on pool saturation',
};

const REVIEW = '2026-06-09T15:00:00.000Z';

describe('R11: resolving takes a final update', () => {
  it('R11: resolve posts the final update, sets the status to resolved, and records the resolution', () => {
    const decision = given(declared({ severity: 'SEV2' })).when(finalUpdate, { by: 'alex', at: minutes(108) });
    expect(decision).toEqual({
      events: [
        {
          type: 'StatusUpdatePosted',
          status: 'resolved',
          impact: finalUpdate.impact,
          whatWeKnow: finalUpdate.whatWeKnow,
          nextStep: 'Alert on pool saturation',
          nextUpdateBy: null,
          audience: 'public',
        },
        { type: 'StatusChanged', from: 'investigating', to: 'resolved' },
        { type: 'IncidentResolved', postmortemRequired: true },
      ],
      warnings: [],
    });
  });

  it('R11: the final update needs "Impact"', () => {
    const error = refusal(() => given(declared()).when({ ...finalUpdate, impact: '  ' }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details).toEqual({ field: 'impact' });
  });

  it('R11: the final update needs "What we know"', () => {
    const error = refusal(() => given(declared()).when({ ...finalUpdate, whatWeKnow: '' }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details).toEqual({ field: 'whatWeKnow' });
  });

  it('R11: the final update’s next step is optional', () => {
    for (const nextStep of [undefined, null, '   ']) {
      const decision = given(declared()).when({ ...finalUpdate, nextStep });
      expect(decision.events[0]).toMatchObject({ status: 'resolved', nextStep: null, nextUpdateBy: null });
    }
  });

  it('R11: the final update follows the audience rules: internal for SEV3 and private incidents', () => {
    expect(given(declared({ severity: 'SEV3' })).when(finalUpdate).events[0]).toMatchObject({ audience: 'internal' });
    expect(given(declared({ private: true })).when(finalUpdate).events[0]).toMatchObject({ audience: 'internal' });
    expect(given(declared()).when({ ...finalUpdate, audience: 'internal' }).events[0]).toMatchObject({ audience: 'internal' });
  });

  it('R11: the final update renders with no next update time', () => {
    const state = given(declared()).after({ ...finalUpdate, nextStep: null }, { at: minutes(108) }).state;
    expect(state.lastUpdate).toMatchObject({ final: true, status: 'resolved' });
    expect(renderUpdateMarkdown(state.title, state.lastUpdate!)).toBe(
      [
        '**[SEV2] Checkout errors, UPDATE 16:02 UTC**',
        'Status: Resolved',
        'Impact: ~30% of checkouts failed between 14:00 and 15:40 UTC.',
        'What we know:',
        'A batch job exhausted the DB connection pool.',
        'Next step: Watch for recurrence; follow-ups go to the postmortem.',
        'Next update: none, this incident is resolved. A postmortem follows where policy requires one.',
        '',
      ].join('\n'),
    );
  });

  it('R11: only the IC resolves', () => {
    const incident = given(declared());
    const error = refusal(() => incident.when(finalUpdate, { by: 'priya' }));
    expect(error.code).toBe('ONLY_COMMANDER');
    expect(error.message).toContain('@alex');
  });

  it('R11: an admin may resolve when the IC is unreachable', () => {
    expect(given(declared()).when(finalUpdate, { by: 'root', admin: true }).events).toHaveLength(3);
  });

  it('R11: resolving twice is refused', () => {
    const resolved = given(declared()).after(finalUpdate, { at: minutes(108) });
    const error = refusal(() => resolved.when(finalUpdate));
    expect(error.code).toBe('INCIDENT_ALREADY_RESOLVED');
    expect(error.message).toContain(minutes(108));
    const closed = given(declared({ severity: 'SEV3' })).after(finalUpdate);
    expect(refusal(() => closed.when(finalUpdate)).code).toBe('INCIDENT_ALREADY_RESOLVED');
  });

  it('R11: resolving ends every tenure, the update clock and any pending handoff', () => {
    const state = given(
      declared(),
      { event: { type: 'RoleAssigned', role: 'comms_lead', person: 'priya', previous: null }, at: minutes(2) },
      { event: { type: 'SmeAdded', person: 'dana', specialty: 'payments' }, at: minutes(4) },
      { event: { type: 'CommanderOffered', handoffId: 'h4', from: 'alex', to: 'lee', supersedes: null }, at: minutes(50) },
    ).after(finalUpdate, { at: minutes(108) }).state;
    expect(state.phase).not.toBe('active');
    expect(state.status).toBe('resolved');
    expect(state.pendingHandoff).toBeNull();
    expect(state.nextUpdateBy).toBeNull();
    expect(state.roleHistory.map((t) => [t.role, t.person, t.to])).toEqual([
      ['incident_commander', 'alex', minutes(108)],
      ['comms_lead', 'priya', minutes(108)],
      ['sme', 'dana', minutes(108)],
    ]);
    expect(state).toMatchObject({ resolvedAt: minutes(108) });
  });
});

describe('R11: resolving is not the end: the postmortem is owed', () => {
  it('R11: SEV1 and SEV2 require a postmortem: resolved, postmortem owed', () => {
    for (const severity of ['SEV1', 'SEV2']) {
      const state = given(declared({ severity })).after(finalUpdate, { at: minutes(108) }).state;
      expect(state.phase).toBe('resolved');
      expect(lifecycleState(state)).toBe('resolved');
      expect(state.phase === 'resolved' && state.postmortemRequired).toBe(true);
      expect(state.postmortem).toBeNull();
    }
  });

  it('R11: SEV3’s postmortem is optional: resolving closes it', () => {
    const decision = given(declared({ severity: 'SEV3' })).when(finalUpdate);
    expect(decision.events.at(-1)).toEqual({ type: 'IncidentResolved', postmortemRequired: false });
    const state = given(declared({ severity: 'SEV3' })).after(finalUpdate).state;
    expect(state.phase).toBe('closed');
    expect(lifecycleState(state)).toBe('closed');
    expect(state.phase === 'closed' && state.postmortemRequired).toBe(false);
  });

  it('R11: whether a postmortem is required is the configured policy’s call', () => {
    const custom: SeverityPolicy = { levels: [{ ...DEFAULT_SEVERITIES[1]!, postmortem: 'optional' }] };
    expect(given(declared()).when(finalUpdate, { policy: custom }).events.at(-1)).toEqual({
      type: 'IncidentResolved',
      postmortemRequired: false,
    });
  });

  it('R11: the severity at resolution decides: a SEV1 downgraded to SEV3 owes none', () => {
    const incident = given(declared({ severity: 'SEV1' }), {
      type: 'SeverityChanged',
      from: 'SEV1',
      to: 'SEV3',
      reason: 'False alarm',
      nextUpdateBy: minutes(30),
    });
    expect(incident.when(finalUpdate).events.at(-1)).toEqual({ type: 'IncidentResolved', postmortemRequired: false });
  });

  it('R11: assigning an owner and a date closes a postmortem-owed incident', () => {
    const resolved = given(declared()).after(finalUpdate, { at: minutes(108) });
    const decision = resolved.when({ type: 'AssignPostmortem', owner: 'lee', scheduledFor: REVIEW }, { at: minutes(120) });
    expect(decision).toEqual({ events: [{ type: 'PostmortemAssigned', owner: 'lee', scheduledFor: REVIEW }], warnings: [] });
    const state = resolved.with({ event: decision.events[0]!, at: minutes(120) }).state;
    expect(state.phase).toBe('closed');
    expect(state.postmortem).toEqual({ owner: 'lee', scheduledFor: REVIEW });
    expect(state.phase === 'closed' && state.postmortemRequired).toBe(true);
    expect(state.participants).toContain('lee');
  });

  it('R11: the date is stored in UTC', () => {
    const decision = given(declared()).when({ type: 'AssignPostmortem', owner: 'lee', scheduledFor: '2026-06-09T17:00:00+02:00' });
    expect(decision.events[0]).toMatchObject({ scheduledFor: REVIEW });
  });

  it('R11: the postmortem needs a date', () => {
    const resolved = given(declared()).after(finalUpdate);
    for (const scheduledFor of ['', 'next week']) {
      const error = refusal(() => resolved.when({ type: 'AssignPostmortem', owner: 'lee', scheduledFor }));
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.details).toEqual({ field: 'scheduledFor' });
    }
  });

  it('R11: the postmortem needs an owner: a blank one does not close it', () => {
    const resolved = given(declared()).after(finalUpdate);
    for (const owner of ['', '   ']) {
      const error = refusal(() => resolved.when({ type: 'AssignPostmortem', owner, scheduledFor: REVIEW }));
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.details).toEqual({ field: 'owner' });
    }
    expect(resolved.state.phase).toBe('resolved');
  });

  it('R11: assigning the same owner and date again changes nothing', () => {
    const assigned = given(declared()).after(finalUpdate).after({ type: 'AssignPostmortem', owner: 'lee', scheduledFor: REVIEW });
    expect(assigned.when({ type: 'AssignPostmortem', owner: 'lee', scheduledFor: '2026-06-09T15:00:00Z' })).toEqual({ events: [], warnings: [] });
  });

  it('R11: a new owner or date is recorded and the incident stays closed', () => {
    const assigned = given(declared()).after(finalUpdate).after({ type: 'AssignPostmortem', owner: 'lee', scheduledFor: REVIEW });
    const state = assigned.after({ type: 'AssignPostmortem', owner: 'sam', scheduledFor: '2026-06-10T15:00:00.000Z' }).state;
    expect(state.phase).toBe('closed');
    expect(state.postmortem).toEqual({ owner: 'sam', scheduledFor: '2026-06-10T15:00:00.000Z' });
  });

  it('R11: a postmortem assigned before resolving means resolving closes the incident at once', () => {
    const state = given(declared({ severity: 'SEV1' }))
      .after({ type: 'AssignPostmortem', owner: 'lee', scheduledFor: REVIEW }, { at: minutes(60) })
      .after(finalUpdate, { at: minutes(108) }).state;
    expect(state.phase).toBe('closed');
    expect(state.phase === 'closed' && state.postmortemRequired).toBe(true);
    expect(state.postmortem).toEqual({ owner: 'lee', scheduledFor: REVIEW });
  });
});

/** The seed playbook's checkout incident, start to resolution, told through commands. */
function checkoutIncident(): Incident {
  const incident = given({
    event: declared({
      severity: 'SEV2',
      summary: 'Checkout returning 500s for ~30% of users',
      startedAt: '2026-06-06T14:00:00.000Z',
      channel: 'inc-2026-06-06-checkout',
    }),
    by: 'alex',
  })
    .after({ type: 'AssignRole', role: 'comms_lead', person: 'priya' }, { by: 'alex', at: minutes(2) })
    .after({ type: 'AssignRole', role: 'scribe', person: 'sam' }, { by: 'alex', at: minutes(3) })
    .after({ type: 'AddSme', person: 'dana', specialty: 'payments' }, { by: 'alex', at: minutes(4) })
    .after({ type: 'AddSme', person: 'lee', specialty: 'database' }, { by: 'alex', at: minutes(5) })
    .after({ type: 'ChangeSeverity', severity: 'SEV1', reason: 'Payments | checkout both down' }, { by: 'alex', at: minutes(6) })
    .after({ type: 'AddTimelineEntry', kind: 'ruled_out', text: 'Not the network: packet loss 0%' }, { by: 'lee', at: minutes(9) })
    .after({ type: 'AddTimelineEntry', kind: 'ruled_out', text: 'Not the 14:00 deploy' }, { by: 'dana', at: minutes(11) })
    .after({ type: 'AddTimelineEntry', kind: 'hypothesis', text: 'The batch job exhausts the DB pool' }, { by: 'lee', at: minutes(12) })
    .after(
      {
        type: 'PostUpdate',
        status: 'identified',
        impact: '~30% of checkout attempts failing with a 500 error.',
        whatWeKnow: 'A batch job exhausted the DB connection pool.',
        nextStep: 'Throttle the batch job.',
      },
      { by: 'priya', at: minutes(18) },
    )
    .after({ type: 'AddTimelineEntry', kind: 'action', text: 'Throttled the batch job', at: minutes(20) }, { by: 'dana', at: minutes(25) })
    .after({ type: 'AddTimelineEntry', kind: 'decision', text: 'Keep the batch job paused until Monday' }, { by: 'alex', at: minutes(26) })
    // Entry 8 was wrong: the deploy is what added the batch job.
    .after(
      { type: 'AddTimelineEntry', kind: 'note', text: 'The 14:00 deploy added the batch job: not ruled out', corrects: 8 },
      { by: 'sam', at: minutes(30) },
    )
    .after({ type: 'ChangeSeverity', severity: 'SEV2', reason: 'Payments recovered' }, { by: 'alex', at: minutes(56) })
    .after({ type: 'OfferCommand', to: 'lee' }, { by: 'alex', at: minutes(76) });
  return incident
    .after({ type: 'AcceptCommand', handoffId: incident.state.pendingHandoff!.id }, { by: 'lee', at: minutes(77) })
    .after(
      {
        type: 'Resolve',
        impact: '~30% of checkouts failed between 14:00 and 15:40 UTC.',
        whatWeKnow: 'A batch job added by the 14:00 deploy exhausted the DB connection pool.',
        nextStep: 'Alert on pool saturation',
      },
      { by: 'lee', at: minutes(108) },
    );
}

/** The lines of one `## ` section of the draft, without its heading and the blank lines around it. */
function section(markdown: string, heading: string): string[] {
  const lines = markdown.split('\n');
  const start = lines.indexOf(heading);
  if (start < 0) throw new Error(`no section ${heading}`);
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((l) => /^## /.test(l));
  return (end < 0 ? rest : rest.slice(0, end)).filter((l) => l !== '');
}

describe('R12: the postmortem draft is built from the timeline', () => {
  const incident = checkoutIncident();
  const draft = renderPostmortemDraft(incident.state, incident.events, policy);

  it('R12: the scenario is resolved with a postmortem owed', () => {
    expect(incident.state.phase).toBe('resolved');
    expect(incident.events).toHaveLength(20);
  });

  it('R12: a blameless header: title, severity (and peak), status, channel, owner', () => {
    expect(draft.split('\n').slice(0, 9)).toEqual([
      '# Postmortem: INC-7 — Checkout errors',
      '',
      '_Blameless: this review is about how the system and the process let this happen, not who did what wrong._',
      '',
      '- Severity: SEV2 (peaked at SEV1)',
      '- Status: Resolved',
      '- Channel: #inc-2026-06-06-checkout',
      '- Postmortem owner: not assigned yet',
      '',
    ]);
  });

  it('R12: the summary', () => {
    expect(section(draft, '## Summary')).toEqual(['Checkout returning 500s for ~30% of users']);
  });

  it('R12: the impact and cause come from the final update', () => {
    expect(section(draft, '## Impact')).toEqual([
      '~30% of checkouts failed between 14:00 and 15:40 UTC.',
      '### Cause, as known at resolution',
      'A batch job added by the 14:00 deploy exhausted the DB connection pool.',
    ]);
  });

  it('R12: durations: time to declare, to first update, to resolve, with exact figures', () => {
    expect(section(draft, '## Durations')).toEqual([
      '| Measure | Time |',
      '| --- | --- |',
      '| Impact started | 2026-06-06 14:00 UTC |',
      '| Declared | 2026-06-06 14:14 UTC |',
      '| Time to declare (impact → declared) | 14m |',
      '| Time to first update (declared → first update) | 18m |',
      '| Time to resolve (impact → resolved) | 2h 2m |',
      '| Time to resolve (declared → resolved) | 1h 48m |',
    ]);
  });

  it('R12: the severity history, with who and why (pipes escaped for the table)', () => {
    expect(section(draft, '## Severity history')).toEqual([
      '| From | Severity | By | Reason |',
      '| --- | --- | --- | --- |',
      '| 2026-06-06 14:14 UTC | SEV2 | @alex | declared |',
      '| 2026-06-06 14:20 UTC | SEV1 | @alex | Payments \\| checkout both down |',
      '| 2026-06-06 15:10 UTC | SEV2 | @alex | Payments recovered |',
    ]);
  });

  it('R12: the roles with tenure, including the IC handoff and the SMEs’ specialties', () => {
    expect(section(draft, '## Roles')).toEqual([
      '| Role | Person | From | To |',
      '| --- | --- | --- | --- |',
      '| Incident Commander | @alex | 2026-06-06 14:14 UTC | 2026-06-06 15:31 UTC |',
      '| Comms Lead | @priya | 2026-06-06 14:16 UTC | 2026-06-06 16:02 UTC |',
      '| Scribe | @sam | 2026-06-06 14:17 UTC | 2026-06-06 16:02 UTC |',
      '| SME (payments) | @dana | 2026-06-06 14:18 UTC | 2026-06-06 16:02 UTC |',
      '| SME (database) | @lee | 2026-06-06 14:19 UTC | 2026-06-06 16:02 UTC |',
      '| Incident Commander | @lee | 2026-06-06 15:31 UTC | 2026-06-06 16:02 UTC |',
    ]);
  });

  it('R12: the whole timeline, from when impact began, one row per event, in the order things happened', () => {
    const [impact, ...rows] = section(draft, '## Timeline').slice(2);
    expect(impact).toBe('| 2026-06-06 14:00 UTC | — | impact_started | — | Impact began (as recorded at declaration). |');
    expect(rows).toHaveLength(incident.events.length);
    expect(rows.map((r) => r.split(' | ')[1])).toEqual(buildTimeline(incident.events).map((e) => `#${e.id}`));
    expect(rows[0]).toBe('| 2026-06-06 14:14 UTC | #1 | declared | @alex | Declared SEV2: Checkout errors. Incident Commander: @alex. |');
    expect(rows).toContain('| 2026-06-06 14:34 UTC | #12 | action | @dana | Throttled the batch job _(recorded later)_ |');
    expect(rows).toContain('| 2026-06-06 14:25 UTC | #8 | ruled_out | @dana | Not the 14:00 deploy _(corrected by #14)_ |');
    expect(rows).toContain(
      '| 2026-06-06 14:44 UTC | #14 | note | @sam | The 14:00 deploy added the batch job: not ruled out _(corrects #8)_ |',
    );
    expect(rows).toContain('| 2026-06-06 15:31 UTC | #17 | role_accepted | @lee | @lee accepted Incident Commander from @alex. |');
    expect(rows.at(-1)).toBe('| 2026-06-06 16:02 UTC | #20 | resolved | @lee | Resolved. A postmortem is owed. |');
  });

  it('R12: what was ruled out, leaving out what was later corrected', () => {
    expect(section(draft, '## What we ruled out')).toEqual(['- 2026-06-06 14:23 UTC — Not the network: packet loss 0% (@lee)']);
  });

  it('R12: decisions and actions taken, at the time they happened', () => {
    expect(section(draft, '## Decisions')).toEqual(['- 2026-06-06 14:40 UTC — Keep the batch job paused until Monday (@alex)']);
    expect(section(draft, '## Actions taken during the incident')).toEqual(['- 2026-06-06 14:34 UTC — Throttled the batch job (@dana)']);
  });

  it('R12: action items from the final next step and the open hypotheses', () => {
    expect(section(draft, '## Action items')).toEqual([
      '- [ ] Alert on pool saturation — owner: ?, due: ?',
      '- [ ] Confirm or rule out: The batch job exhausts the DB pool — owner: ?, due: ?',
      '- [ ] Agree owners and due dates for each follow-up in the review.',
    ]);
  });

  it('R12: the draft names the postmortem owner and review date once assigned', () => {
    const assigned = incident.after({ type: 'AssignPostmortem', owner: 'lee', scheduledFor: REVIEW }, { by: 'lee', at: minutes(120) });
    const text = renderPostmortemDraft(assigned.state, assigned.events, policy);
    expect(text).toContain('- Postmortem owner: @lee, review 2026-06-09 15:00 UTC\n');
    expect(section(text, '## Timeline').at(-1)).toBe(
      '| 2026-06-06 16:14 UTC | #21 | postmortem_assigned | @lee | Postmortem owned by @lee, scheduled for 2026-06-09 15:00 UTC. |',
    );
  });

  it('R12: a draft of an open incident with no updates says what is missing instead of inventing it', () => {
    const open = given(declared({ severity: 'SEV3' }));
    const text = renderPostmortemDraft(open.state, open.events, policy);
    expect(text).toContain('- Severity: SEV3\n');
    expect(section(text, '## Summary')).toEqual(['Checkout errors']);
    expect(section(text, '## Impact')).toEqual(['No status update has described the impact yet.']);
    expect(section(text, '## Durations').slice(2)).toEqual([
      '| Impact started | 2026-06-06 14:14 UTC |',
      '| Declared | 2026-06-06 14:14 UTC |',
      '| Time to declare (impact → declared) | 0s |',
      '| Time to first update (declared → first update) | n/a |',
      '| Time to resolve (impact → resolved) | n/a |',
      '| Time to resolve (declared → resolved) | n/a |',
    ]);
    expect(section(text, '## Roles').slice(2)).toEqual(['| Incident Commander | @alex | 2026-06-06 14:14 UTC | now |']);
    expect(section(text, '## What we ruled out')).toEqual(['- Nothing was recorded as ruled out.']);
    expect(section(text, '## Decisions')).toEqual(['- No decisions were recorded.']);
    expect(section(text, '## Actions taken during the incident')).toEqual(['- No actions were recorded.']);
    expect(section(text, '## Action items')).toEqual(['- [ ] Agree owners and due dates for each follow-up in the review.']);
  });
});
