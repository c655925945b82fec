/**
 * R12 — the blameless postmortem draft, built from the incident's own record so the
 * review starts from facts rather than memory.
 */
import type { RecordedEvent } from '../domain/model/events.js';
import type { IncidentState } from '../domain/model/state.js';
import { formatDuration, utcMinute } from '../domain/model/time.js';
import { ROLE_LABELS } from '../domain/roles/rules.js';
import { buildTimeline, type TimelineEntry } from './timeline.js';
import { STATUS_LABELS } from './status-update.js';
import { severityRank, type SeverityPolicy } from '../domain/model/policy.js';
import { incidentId } from '../domain/model/ids.js';

const utc = utcMinute;

function between(from: string | null, to: string | null): string {
  if (!from || !to) return 'n/a';
  return formatDuration(Date.parse(to) - Date.parse(from));
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function renderPostmortemDraft(state: IncidentState, events: RecordedEvent[], policy: SeverityPolicy): string {
  const timeline = buildTimeline(events);
  const resolvedAt = state.phase === 'active' ? null : state.resolvedAt;
  const final = state.lastUpdate?.final ? state.lastUpdate : null;
  const ofKind = (kind: TimelineEntry['kind']) => timeline.filter((e) => e.kind === kind && e.correctedBy === null);
  const bullet = (e: TimelineEntry) => `- ${utc(e.at)} — ${e.text} (@${e.actor})`;

  const roleRows = state.roleHistory.map((t) => {
    const role = t.role === 'sme' ? `SME (${t.specialty ?? ''})` : ROLE_LABELS[t.role];
    return `| ${role} | @${t.person} | ${utc(t.from)} | ${t.to ? utc(t.to) : 'now'} |`;
  });
  const severityRows = state.severityHistory.map((p) => `| ${utc(p.from)} | ${p.severity} | @${p.by} | ${cell(p.reason ?? 'declared')} |`);
  const timelineRows = timeline.map((e) => {
    const note = e.correctedBy !== null ? ` _(corrected by #${e.correctedBy})_` : e.corrects !== null ? ` _(corrects #${e.corrects})_` : '';
    const backdated = e.at !== e.recordedAt && e.kind !== 'declared' ? ' _(recorded later)_' : '';
    return `| ${utc(e.at)} | #${e.id} | ${e.kind} | @${e.actor} | ${cell(e.text)}${note}${backdated} |`;
  });
  // Impact usually begins before anyone declares; the review should see that gap on the timeline.
  if (state.startedAt < state.declaredAt)
    timelineRows.unshift(`| ${utc(state.startedAt)} | — | impact_started | — | Impact began (as recorded at declaration). |`);
  const ruledOut = ofKind('ruled_out');
  const decisions = ofKind('decision');
  const actions = ofKind('action');
  const followUps = [final?.nextStep, ...ofKind('hypothesis').map((e) => `Confirm or rule out: ${e.text}`)].filter(
    (item): item is string => Boolean(item),
  );

  return [
    `# Postmortem: ${incidentId(state.number)} — ${state.title}`,
    '',
    '_Blameless: this review is about how the system and the process let this happen, not who did what wrong._',
    '',
    `- Severity: ${state.severity}${state.severityHistory.length > 1 ? ` (peaked at ${peak(state, policy)})` : ''}`,
    `- Status: ${STATUS_LABELS[state.status]}`,
    `- Channel: #${state.channel}`,
    `- Postmortem owner: ${state.postmortem ? `@${state.postmortem.owner}, review ${utc(state.postmortem.scheduledFor)}` : 'not assigned yet'}`,
    '',
    '## Summary',
    '',
    state.summary ?? state.title,
    '',
    '## Impact',
    '',
    final?.impact ?? state.lastUpdate?.impact ?? 'No status update has described the impact yet.',
    '',
    ...(final ? ['### Cause, as known at resolution', '', final.whatWeKnow, ''] : []),
    '## Durations',
    '',
    '| Measure | Time |',
    '| --- | --- |',
    `| Impact started | ${utc(state.startedAt)} |`,
    `| Declared | ${utc(state.declaredAt)} |`,
    `| Time to declare (impact → declared) | ${between(state.startedAt, state.declaredAt)} |`,
    `| Time to first update (declared → first update) | ${between(state.declaredAt, state.firstUpdateAt)} |`,
    `| Time to resolve (impact → resolved) | ${between(state.startedAt, resolvedAt)} |`,
    `| Time to resolve (declared → resolved) | ${between(state.declaredAt, resolvedAt)} |`,
    '',
    '## Severity history',
    '',
    '| From | Severity | By | Reason |',
    '| --- | --- | --- | --- |',
    ...severityRows,
    '',
    '## Roles',
    '',
    '| Role | Person | From | To |',
    '| --- | --- | --- | --- |',
    ...roleRows,
    '',
    '## Timeline',
    '',
    '| Time | # | Kind | Who | What |',
    '| --- | --- | --- | --- | --- |',
    ...timelineRows,
    '',
    '## What we ruled out',
    '',
    ...(ruledOut.length ? ruledOut.map(bullet) : ['- Nothing was recorded as ruled out.']),
    '',
    '## Decisions',
    '',
    ...(decisions.length ? decisions.map(bullet) : ['- No decisions were recorded.']),
    '',
    '## Actions taken during the incident',
    '',
    ...(actions.length ? actions.map(bullet) : ['- No actions were recorded.']),
    '',
    '## Action items',
    '',
    ...(followUps.length ? followUps.map((item) => `- [ ] ${item} — owner: ?, due: ?`) : []),
    '- [ ] Agree owners and due dates for each follow-up in the review.',
    '',
  ].join('\n');
}

/** The most severe level the incident reached, by the policy's order. */
function peak(state: IncidentState, policy: SeverityPolicy): string {
  const rank = (id: string) => {
    const r = severityRank(policy, id);
    return r < 0 ? Number.MAX_SAFE_INTEGER : r;
  };
  return state.severityHistory.map((p) => p.severity).reduce((a, b) => (rank(b) < rank(a) ? b : a));
}
