/**
 * Slack modals (Block Kit views) for declaring, posting an update and resolving, the
 * `status` summary and `help`; and reading a submitted view back into plain fields.
 */
import type { IncidentState } from '../../domain/model/state.js';
import type { SeverityPolicy } from '../../domain/model/policy.js';
import type { Warning } from '../../domain/model/commands.js';
import { incidentId } from '../../domain/model/ids.js';
import { formatDuration } from '../../domain/model/time.js';
import { STATUS_LABELS } from '../status-update.js';
import type { ChatText, Mention } from './messages.js';

const plain = (text: string) => ({ type: 'plain_text', text: text.slice(0, 75) });
const option = (value: string, text: string, description?: string) => ({
  text: plain(text),
  value,
  ...(description ? { description: plain(description) } : {}),
});

function input(id: string, label: string, element: Record<string, unknown>, optional = false, hint?: string) {
  return { type: 'input', block_id: id, label: plain(label), optional, element: { action_id: id, ...element }, ...(hint ? { hint: plain(hint) } : {}) };
}

const text = (multiline = false, initial?: string) => ({ type: 'plain_text_input', multiline, ...(initial ? { initial_value: initial } : {}) });

function view(callbackId: string, title: string, submit: string, blocks: unknown[], metadata = '') {
  return { type: 'modal', callback_id: callbackId, private_metadata: metadata, title: plain(title), submit: plain(submit), close: plain('Cancel'), blocks };
}

function severityOptions(policy: SeverityPolicy) {
  return policy.levels.map((l) =>
    option(l.id, `${l.id} · ${l.name}`, `${l.impact} · ${l.response} · ${l.updateEveryMs ? `updates every ${formatDuration(l.updateEveryMs)}` : 'updates at start and resolution'}`),
  );
}

const STATUS_OPTIONS = (['investigating', 'identified', 'monitoring'] as const).map((s) => option(s, STATUS_LABELS[s]));
const AUDIENCE_OPTIONS = [option('public', 'Public'), option('internal', 'Internal')];

export function declareForm(policy: SeverityPolicy, channel: string) {
  return view(
    'declare',
    'Declare an incident',
    'Declare',
    [
      input('title', 'Title', text()),
      input('severity', 'Severity', { type: 'static_select', options: severityOptions(policy) }),
      input('summary', 'Summary', text(true), true),
      input('components', 'Components', text(), true, 'component ids, comma-separated'),
      input('private', 'Private', { type: 'checkboxes', options: [option('private', 'Private incident: only the people in it see it')] }, true),
    ],
    channel,
  );
}

/** R7's five fields in order; "next update by" prefilled from the severity's cadence. */
export function updateForm(state: IncidentState, nextUpdateBy: string | null, callbackId: 'update' | 'resolve' = 'update') {
  const resolving = callbackId === 'resolve';
  return view(
    callbackId,
    resolving ? `Resolve ${incidentId(state.number)}` : `Update ${incidentId(state.number)}`,
    resolving ? 'Resolve' : 'Post update',
    [
      ...(resolving ? [] : [input('status', 'Status', { type: 'static_select', options: STATUS_OPTIONS, initial_option: STATUS_OPTIONS.find((o) => o.value === state.status) ?? STATUS_OPTIONS[0] })]),
      input('impact', 'Impact', text(true)),
      input('whatWeKnow', 'What we know', text(true)),
      input('nextStep', 'Next step', text(true), resolving),
      ...(resolving ? [] : [input('nextUpdateBy', 'Next update by (UTC)', text(false, nextUpdateBy ?? undefined), true, 'e.g. 2026-06-06T15:30Z; empty: as the severity sets it')]),
      input('audience', 'Audience', { type: 'static_select', options: AUDIENCE_OPTIONS, initial_option: AUDIENCE_OPTIONS[0] }),
    ],
    String(state.number),
  );
}

type ViewState = Record<string, Record<string, { value?: string | null; selected_option?: { value: string } | null; selected_options?: { value: string }[] }>>;

/** A submitted view's fields: text, the selected option, or the checked boxes (comma-joined); empty ones absent. */
export function formValues(values: ViewState): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [block, actions] of Object.entries(values)) {
    const field = actions[block];
    const value = field?.value ?? field?.selected_option?.value ?? field?.selected_options?.map((o) => o.value).join(',') ?? '';
    if (value.trim()) fields[block] = value.trim();
  }
  return fields;
}

export function statusSummary(state: IncidentState, gaps: Warning[], mention: Mention, now: string): ChatText {
  const roles = state.roles;
  const lines = [
    `*${incidentId(state.number)} ${state.severity}*: ${state.title} (${state.phase === 'active' ? STATUS_LABELS[state.status] : 'resolved'})`,
    `IC ${mention(roles.incident_commander)} · Comms ${roles.comms_lead ? mention(roles.comms_lead) : '(unassigned)'} · Scribe ${roles.scribe ? mention(roles.scribe) : '(unassigned)'}`,
    `SMEs: ${state.smes.length ? state.smes.map((s) => `${mention(s.person)} (${s.specialty})`).join(', ') : '(none)'}`,
    gaps.length ? `Gaps: ${gaps.map((g) => g.message).join(' ')}` : 'No role gaps.',
    `Last update: ${state.lastUpdate ? `${state.lastUpdate.postedAt.slice(11, 16)} UTC by ${mention(state.lastUpdate.postedBy)}` : 'none yet'}`,
    state.phase === 'active' && state.nextUpdateBy
      ? `Next update due by ${state.nextUpdateBy.slice(11, 16)} UTC${state.nextUpdateBy < now ? ' — OVERDUE' : ''}`
      : 'No update owed.',
  ];
  return { text: lines.join('\n') };
}

export function helpText(command: string, problem: string | null): ChatText {
  const lines = [
    ...(problem ? [problem, ''] : []),
    `\`${command}\` or \`${command} declare\`: declare, in a form · \`${command} declare SEV2 Checkout errors\`: at once`,
    'In an incident channel:',
    `\`${command} update\` (form) · \`${command} role ic|comms|scribe @person\` · \`${command} sme @person specialty\``,
    `\`${command} note|observation|hypothesis|ruled-out|decision|action|finding <text>\` (a finding goes up to the IC) · \`${command} severity SEV1 <reason>\``,
    `\`${command} task <title> @owner\` (you, without one) · \`${command} task done t12\` · \`${command} task blocked t12 <reason>\` · \`${command} tasks\` (open and blocked)`,
    `\`${command} changes\` (what changed around the incident) · \`${command} suspect <change id>\` (on the timeline as a hypothesis)`,
    `\`${command} resolve\` (form) · \`${command} reopen <reason>\` · \`${command} postmortem @owner <when>\` · \`${command} status\` · \`${command} help\``,
    'React with 📌 to put a message on the timeline (💡 hypothesis, ❌ ruled out, ✅ decision), or use "Add to timeline" on it.',
  ];
  return { text: lines.join('\n') };
}
