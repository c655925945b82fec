/**
 * A drill's scorecard, from the drill incident's record alone: how the trainee ran the
 * playbook. Pure: the same events, script and times always give the same card.
 */
import type { RecordedEvent } from '../model/events.js';
import type { DrillScript } from './script.js';

export interface RoleNamed {
  role: 'incident_commander' | 'comms_lead' | 'scribe';
  person: string | null;
  /** Seconds after declaring that the role was first filled; null when it never was. */
  afterDeclareSeconds: number | null;
}

export interface PromiseKept {
  promisedBy: string;
  /** When the next update came, or null when none came before the drill ended. */
  postedAt: string | null;
  onTime: boolean;
  lateSeconds: number;
}

export interface Scorecard {
  declared: boolean;
  /** First alert → declared, in seconds; null when the trainee never declared. */
  timeToDeclareSeconds: number | null;
  roles: RoleNamed[];
  /** The IC kept hands off: no `action` entry by the IC, never added as an SME (R6's CommanderWentHandsOn). */
  handsOff: { kept: boolean; lapses: { at: string; commander: string; via: 'action' | 'sme' }[] };
  updates: { promises: PromiseKept[]; onTime: number; late: number };
  ruledOut: { expected: string[]; found: string[]; missed: string[]; entries: { text: string; by: string; at: string }[] };
  resolved: boolean;
}

const seconds = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 1000);

/** An expected phrase is found when every word of it is in one `ruled_out` entry, in any case. */
function mentions(entry: string, phrase: string): boolean {
  const text = entry.toLowerCase();
  return phrase
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => text.includes(word));
}

export function scoreDrill(input: { script: DrillScript; firstAlertAt: string | null; endedAt: string; events: readonly RecordedEvent[] }): Scorecard {
  const { events, endedAt } = input;
  const declaredEvent = events.find((r) => r.event.type === 'IncidentDeclared');
  const declaredAt = declaredEvent?.recordedAt ?? null;
  const named = (role: RoleNamed['role']): RoleNamed => {
    if (!declaredAt) return { role, person: null, afterDeclareSeconds: null };
    for (const r of events) {
      const e = r.event;
      if (role === 'incident_commander' && e.type === 'IncidentDeclared') return { role, person: e.commander, afterDeclareSeconds: 0 };
      if (e.type === 'RoleAssigned' && e.role === role) return { role, person: e.person, afterDeclareSeconds: seconds(declaredAt, r.recordedAt) };
    }
    return { role, person: null, afterDeclareSeconds: null };
  };

  const lapses = events.flatMap((r) => (r.event.type === 'CommanderWentHandsOn' ? [{ at: r.recordedAt, commander: r.event.commander, via: r.event.via }] : []));

  // Each promise in force, and whether the next update kept it; one still open when the drill ended and already past is late.
  const promises: PromiseKept[] = [];
  let promise: string | null = null;
  const settle = (postedAt: string | null) => {
    if (promise === null) return;
    const at = postedAt ?? endedAt;
    const late = Math.max(0, seconds(promise, at));
    if (postedAt !== null || late > 0) promises.push({ promisedBy: promise, postedAt, onTime: late === 0, lateSeconds: late });
  };
  for (const r of events) {
    const e = r.event;
    if (e.type === 'StatusUpdatePosted') {
      settle(r.recordedAt);
      promise = e.nextUpdateBy;
    } else if (e.type === 'IncidentDeclared' || e.type === 'SeverityChanged' || e.type === 'IncidentReopened') {
      promise = e.nextUpdateBy ?? promise;
    } else if (e.type === 'IncidentResolved') {
      promise = null;
    }
  }
  settle(null);

  const entries = events.flatMap((r) =>
    r.event.type === 'TimelineEntryAdded' && r.event.kind === 'ruled_out' ? [{ text: r.event.text, by: r.actor, at: r.event.occurredAt }] : [],
  );
  const found = input.script.expectedRuledOut.filter((phrase) => entries.some((e) => mentions(e.text, phrase)));

  return {
    declared: declaredAt !== null,
    timeToDeclareSeconds: declaredAt && input.firstAlertAt ? Math.max(0, seconds(input.firstAlertAt, declaredAt)) : null,
    roles: [named('incident_commander'), named('comms_lead'), named('scribe')],
    handsOff: { kept: lapses.length === 0, lapses },
    updates: { promises, onTime: promises.filter((p) => p.onTime).length, late: promises.filter((p) => !p.onTime).length },
    ruledOut: { expected: input.script.expectedRuledOut, found, missed: input.script.expectedRuledOut.filter((p) => !found.includes(p)), entries },
    resolved: events.some((r) => r.event.type === 'IncidentResolved'),
  };
}
