/**
 * Microsoft Teams Adaptive Cards: the channel card of an incident event (sent through a
 * Workflows webhook), and the bot's forms for declaring, posting an update and resolving
 * (Action.Submit: Teams sends the inputs back as a message activity's `value`).
 * Version 1.4: the newest that Teams renders on every client, and that Workflows posts.
 */
import type { RecordedEvent } from '../../domain/model/events.js';
import type { IncidentState } from '../../domain/model/state.js';
import type { SeverityPolicy } from '../../domain/model/policy.js';
import type { TeamsNotice } from '../../domain/chat/teams.js';
import { incidentId } from '../../domain/model/ids.js';
import { formatDuration } from '../../domain/model/time.js';
import { STATUS_LABELS, renderUpdateText } from '../status-update.js';
import { toTimelineEntry } from '../timeline.js';

export const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

export type AdaptiveCard = Record<string, unknown> & { type: 'AdaptiveCard' };

function card(body: unknown[], actions: unknown[]): AdaptiveCard {
  return { $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4', body, actions };
}

/** A card as a message with one attachment: what the Workflows webhook and the bot send. */
export function cardMessage(content: AdaptiveCard): { type: 'message'; attachments: { contentType: string; contentUrl: null; content: AdaptiveCard }[] } {
  return { type: 'message', attachments: [{ contentType: ADAPTIVE_CARD, contentUrl: null, content }] };
}

const HEADINGS: Record<TeamsNotice, string> = {
  declared: 'Declared',
  update: 'Status update',
  role: 'Roles changed',
  reminder: 'Reminder',
  severity: 'Severity changed',
  resolved: 'Resolved',
  reopened: 'Reopened',
};

const text = (value: string, extra: Record<string, unknown> = {}) => ({ type: 'TextBlock', text: value, wrap: true, ...extra });
const named = (handle: string | null) => (handle ? `@${handle}` : 'unassigned');

/** The incident's page in the console. */
export function consoleLink(consoleUrl: string, number: number): string {
  return `${consoleUrl.replace(/\/+$/, '')}/incidents/${incidentId(number)}`;
}

/**
 * The channel card of an event: what happened, and where the incident stands (severity,
 * status, IC, Comms Lead, next update by); `text` is its one-line summary.
 */
export function teamsEventCard(state: IncidentState, recorded: RecordedEvent, notice: TeamsNotice, consoleUrl: string): { text: string; card: AdaptiveCard } {
  const id = incidentId(state.number);
  const update =
    (notice === 'update' && state.lastUpdate?.id === recorded.seq) || (notice === 'resolved' && state.lastUpdate?.status === 'resolved') ? state.lastUpdate : null;
  const said = notice === 'declared' ? (state.summary ?? '') : update ? renderUpdateText(state.title, update) : toTimelineEntry(recorded).text;
  // An update's own status: the state takes it up only with the StatusChanged event that follows.
  const status = state.phase === 'active' ? STATUS_LABELS[update?.status ?? state.status] : `${STATUS_LABELS.resolved} ${state.resolvedAt.slice(0, 16).replace('T', ' ')} UTC`;
  const next = state.phase === 'active' && state.nextUpdateBy ? `${state.nextUpdateBy.slice(0, 16).replace('T', ' ')} UTC` : state.phase === 'active' ? 'at resolution' : 'none owed';
  const facts = [
    { title: 'Severity', value: state.severity },
    { title: 'Status', value: status },
    { title: 'IC', value: named(state.roles.incident_commander) },
    { title: 'Comms Lead', value: named(state.roles.comms_lead) },
    { title: 'Next update by', value: next },
  ];
  const heading = `${HEADINGS[notice]}: ${id} ${state.title}`;
  const content = card(
    [
      text(heading, { size: 'Medium', weight: 'Bolder', ...(notice === 'declared' || notice === 'reminder' ? { color: 'Attention' } : notice === 'resolved' ? { color: 'Good' } : {}) }),
      ...(said ? [text(said)] : []),
      { type: 'FactSet', facts },
    ],
    [{ type: 'Action.OpenUrl', title: 'Open in console', url: consoleLink(consoleUrl, state.number) }],
  );
  return { text: said ? `${heading}: ${said}` : heading, card: content };
}

const choice = (value: string, title: string) => ({ title, value });
const STATUS_CHOICES = (['investigating', 'identified', 'monitoring'] as const).map((s) => choice(s, STATUS_LABELS[s]));
const AUDIENCE_CHOICES = [choice('public', 'Public'), choice('internal', 'Internal')];

function input(type: 'Input.Text' | 'Input.ChoiceSet', id: string, label: string, extra: Record<string, unknown> = {}) {
  return { type, id, label, ...extra };
}

/** Declaring (R1): title, severity from the policy, summary. */
export function teamsDeclareForm(policy: SeverityPolicy): AdaptiveCard {
  const severities = policy.levels.map((l) => choice(l.id, `${l.id} · ${l.name} (${l.updateEveryMs ? `updates every ${formatDuration(l.updateEveryMs)}` : 'updates at start and resolution'})`));
  return card(
    [
      text('Declare an incident', { size: 'Medium', weight: 'Bolder' }),
      input('Input.Text', 'title', 'Title', { isRequired: true, errorMessage: 'A title is required.', maxLength: 200 }),
      input('Input.ChoiceSet', 'severity', 'Severity', { isRequired: true, errorMessage: 'Pick a severity.', style: 'compact', choices: severities }),
      input('Input.Text', 'summary', 'Summary', { isMultiline: true }),
    ],
    [{ type: 'Action.Submit', title: 'Declare', data: { form: 'declare' } }],
  );
}

/** R7's fields in order; "next update by" prefilled from the severity's cadence. Resolving asks no status nor next update. */
export function teamsUpdateForm(state: IncidentState, nextUpdateBy: string | null, form: 'update' | 'resolve'): AdaptiveCard {
  const resolving = form === 'resolve';
  const id = incidentId(state.number);
  return card(
    [
      text(resolving ? `Resolve ${id}` : `Update ${id}`, { size: 'Medium', weight: 'Bolder' }),
      text(state.title, { isSubtle: true }),
      ...(resolving ? [] : [input('Input.ChoiceSet', 'status', 'Status', { style: 'compact', value: state.phase === 'active' ? state.status : 'investigating', choices: STATUS_CHOICES })]),
      input('Input.Text', 'impact', 'Impact', { isMultiline: true, isRequired: true, errorMessage: 'Say who is affected and how.' }),
      input('Input.Text', 'whatWeKnow', 'What we know', { isMultiline: true, isRequired: true, errorMessage: 'Say what is known.' }),
      input('Input.Text', 'nextStep', 'Next step', { isMultiline: true, ...(resolving ? {} : { isRequired: true, errorMessage: 'Say what happens next.' }) }),
      ...(resolving ? [] : [input('Input.Text', 'nextUpdateBy', 'Next update by (UTC)', { placeholder: 'e.g. 2026-06-06T15:30Z; empty: as the severity sets it', ...(nextUpdateBy ? { value: nextUpdateBy } : {}) })]),
      input('Input.ChoiceSet', 'audience', 'Audience', { style: 'compact', value: 'public', choices: AUDIENCE_CHOICES }),
    ],
    [{ type: 'Action.Submit', title: resolving ? 'Resolve' : 'Post update', data: { form, incident: state.number } }],
  );
}

export function teamsHelpText(problem: string | null): string {
  return [
    ...(problem ? [problem, ''] : []),
    '`@Incident declare` (a form) · `@Incident declare SEV2 Checkout errors`: at once',
    'About an incident (name it as INC-12 unless only one is open):',
    '`@Incident INC-12 update` (a form) · `@Incident INC-12 resolve` (a form) · `@Incident INC-12 status`',
    '`@Incident INC-12 role ic|comms|scribe @handle` · `@Incident INC-12 sme @handle specialty` · `@Incident INC-12 severity SEV1 <reason>`',
    '`@Incident INC-12 note|observation|hypothesis|ruled-out|decision|action|finding <text>` · `@Incident INC-12 postmortem @owner <when>`',
    '`@Incident INC-12 task <title> @owner` · `@Incident INC-12 task done t12` · `@Incident INC-12 task blocked t12 <reason>` · `@Incident INC-12 tasks`',
    '`@Incident INC-12 changes` · `@Incident INC-12 suspect <change id>` · `@Incident INC-12 reopen <reason>`',
    'People may be @-mentioned in Teams or named by their Incident Command handle (@alice).',
  ].join('\n\n');
}
