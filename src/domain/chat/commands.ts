/**
 * What a `/incident …` line asks for, read from its text (pure). People are named as chat
 * mentions (`<@U012AB3CD>`, `<@U012AB3CD|alice>`) or as `@handle`; the transport resolves them.
 */
import type { ManualEntryKind, RoleName } from '../model/events.js';

/** A person as the command named them. */
export type NamedPerson = { user: string } | { handle: string };

export type ChatCommand =
  | { kind: 'declare_form' }
  | { kind: 'declare'; severity: string; title: string }
  | { kind: 'update_form' }
  | { kind: 'resolve_form' }
  | { kind: 'role'; role: RoleName; person: NamedPerson }
  | { kind: 'sme'; person: NamedPerson; specialty: string }
  | { kind: 'entry'; entry: ManualEntryKind; text: string }
  | { kind: 'severity'; severity: string; reason: string }
  | { kind: 'postmortem'; owner: NamedPerson; when: string }
  | { kind: 'status' }
  /** A task for a person; without an owner, the person who asked is on it. */
  | { kind: 'task'; title: string; owner: NamedPerson | null }
  | { kind: 'task_state'; task: string; state: 'done' | 'blocked'; reason: string | null }
  | { kind: 'tasks' }
  | { kind: 'changes' }
  | { kind: 'suspect'; change: string }
  | { kind: 'reopen'; reason: string }
  | { kind: 'help'; problem: string | null };

const ROLES: Record<string, RoleName> = { ic: 'incident_commander', comms: 'comms_lead', scribe: 'scribe' };
const ENTRIES: Record<string, ManualEntryKind> = {
  note: 'note',
  observation: 'observation',
  hypothesis: 'hypothesis',
  'ruled-out': 'ruled_out',
  decision: 'decision',
  action: 'action',
  finding: 'finding',
};

/** A task as the API and the CLI name it (`t12`); the bare number is read the same way. */
function taskId(word: string | undefined): string | null {
  const match = /^t?([1-9][0-9]{0,9})$/i.exec(word ?? '');
  return match ? `t${match[1]}` : null;
}

const TASK_HELP = 'task takes a title and, if not you, its owner: `task Check the batch job @dana`; or `task done t12`, `task blocked t12 Waiting on DBA access`.';

function taskCommand(rest: string[]): ChatCommand {
  const help = (problem: string): ChatCommand => ({ kind: 'help', problem });
  const [first = '', second, ...reason] = rest;
  const state = first.toLowerCase();
  if (state === 'done' || state === 'blocked') {
    const task = taskId(second);
    if (!task) return help(second ? `"${second}" is not a task; they look like t12 (\`tasks\` lists them).` : `task ${state} takes the task: \`task ${state} t12${state === 'blocked' ? ' <reason>' : ''}\`.`);
    if (state === 'done') return reason.length ? help('task done takes only the task: `task done t12`.') : { kind: 'task_state', task, state, reason: null };
    if (!reason.length) return help('task blocked takes the task and what blocks it, so the IC can remove it: `task blocked t12 Waiting on DBA access`.');
    return { kind: 'task_state', task, state, reason: reason.join(' ') };
  }
  // The owner, when named, is the last word: a title may mention people, the owner closes the line.
  const last = rest.at(-1) ?? '';
  const named = /^<?@/.test(last);
  const owner = named ? person(last) : null;
  if (named && !owner) return help(`"${last}" is not a person: name the owner as @handle or by mentioning them.`);
  const title = (owner ? rest.slice(0, -1) : rest).join(' ');
  if (!title) return help(TASK_HELP);
  return { kind: 'task', title, owner };
}

function person(word: string | undefined): NamedPerson | null {
  if (!word) return null;
  const mention = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(word);
  if (mention) return { user: mention[1]! };
  const handle = /^@([a-z0-9][a-z0-9._-]{0,39})$/.exec(word);
  return handle ? { handle: handle[1]! } : null;
}

export function parseChatCommand(text: string): ChatCommand {
  const trimmed = text.trim();
  const [verb = '', ...rest] = trimmed.split(/\s+/);
  const tail = trimmed.slice(verb.length).trim();
  const help = (problem: string): ChatCommand => ({ kind: 'help', problem });
  switch (verb.toLowerCase()) {
    case '':
      return { kind: 'declare_form' };
    case 'declare': {
      if (!rest.length) return { kind: 'declare_form' };
      const [severity, ...title] = rest;
      if (!title.length) return help('declare takes a severity and a title: `declare SEV2 Checkout errors`.');
      return { kind: 'declare', severity: severity!.toUpperCase(), title: title.join(' ') };
    }
    case 'update':
      return { kind: 'update_form' };
    case 'resolve':
      return { kind: 'resolve_form' };
    case 'role': {
      const role = ROLES[(rest[0] ?? '').toLowerCase()];
      const who = person(rest[1]);
      if (!role || !who || rest.length !== 2) return help('role takes ic, comms or scribe and a person: `role comms @bob`.');
      return { kind: 'role', role, person: who };
    }
    case 'sme': {
      const who = person(rest[0]);
      const specialty = rest.slice(1).join(' ');
      if (!who || !specialty) return help('sme takes a person and a specialty: `sme @carol payments`.');
      return { kind: 'sme', person: who, specialty };
    }
    case 'severity': {
      const [severity, ...reason] = rest;
      if (!severity || !reason.length) return help('severity takes a level and a reason: `severity SEV1 All regions failing`.');
      return { kind: 'severity', severity: severity.toUpperCase(), reason: reason.join(' ') };
    }
    case 'postmortem': {
      const owner = person(rest[0]);
      const when = rest.slice(1).join(' ');
      if (!owner || !when) return help('postmortem takes an owner and a time: `postmortem @alice 2026-06-08T10:00Z`.');
      return { kind: 'postmortem', owner, when };
    }
    case 'status':
      return { kind: 'status' };
    case 'help':
      return { kind: 'help', problem: null };
    case 'task':
      return taskCommand(rest);
    case 'tasks':
      return rest.length ? help('tasks takes nothing: it lists the open and blocked tasks.') : { kind: 'tasks' };
    case 'changes':
      return rest.length ? help('changes takes nothing: it lists the changes of the hour before the impact began and since.') : { kind: 'changes' };
    case 'suspect': {
      if (rest.length !== 1 || !/^chg_[a-z0-9]+$/i.test(rest[0]!)) return help('suspect takes one change, as `changes` lists it: `suspect chg_1a2b3c4d5e6f7a8b`.');
      return { kind: 'suspect', change: rest[0]! };
    }
    case 'reopen':
      return tail ? { kind: 'reopen', reason: tail } : help('reopen takes why the incident is not over: `reopen Errors are back since 15:10`.');
    default: {
      const entry = ENTRIES[verb.toLowerCase()];
      if (entry) return tail ? { kind: 'entry', entry, text: tail } : help(`${verb} takes the text to record.`);
      return help(`"${verb}" is not a command here.`);
    }
  }
}

/** The reactions the Scribe captures with (R9), and what each makes of the message. */
export const CAPTURE_REACTIONS: Record<string, ManualEntryKind> = {
  pushpin: 'note',
  bulb: 'hypothesis',
  x: 'ruled_out',
  white_check_mark: 'decision',
};

/** A Slack message id (`ts`, seconds.micro since the epoch) as the time it was posted. */
export function messageTime(ts: string): string | null {
  const seconds = Number(ts);
  return Number.isFinite(seconds) && seconds > 0 ? new Date(Math.floor(seconds * 1000)).toISOString() : null;
}
