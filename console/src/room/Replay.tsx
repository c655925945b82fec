/**
 * Replay: step through the incident as it stood at each moment of its timeline (issue 16, item 5),
 * for the postmortem and for a drill's debrief. Each moment is fetched from the server (`?at=`),
 * which folds the events recorded by then: the console computes nothing of the past itself.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useConsole } from '../console-context.js';
import type { Entry, Incident } from '../types.js';
import { STATUS_LABELS } from '../../../src/presenters/status-update.js';
import { LoadError } from '../ui.js';
import { utcTime } from '../time.js';

interface Moment {
  at: string;
  /** What happened then, as the timeline says it (the last entry recorded at that instant). */
  text: string;
}

/** One moment per distinct recording time, oldest first: the state changes only when an event is recorded. */
export function replayMoments(entries: Entry[]): Moment[] {
  const byTime = new Map<string, string>();
  for (const e of [...entries].sort((a, b) => Date.parse(a.recordedAt) - Date.parse(b.recordedAt) || a.id - b.id)) byTime.set(e.recordedAt, e.text);
  return [...byTime].map(([at, text]) => ({ at, text }));
}

function Stood({ then }: { then: Incident }) {
  const { roles } = then;
  const rows: [string, string][] = [
    ['Status', `${STATUS_LABELS[then.status]} (${then.state})`],
    ['Severity', then.severity],
    ['Incident Commander', `@${roles.incident_commander}${then.pendingHandoff ? ` (offered to @${then.pendingHandoff.to})` : ''}`],
    ['Comms Lead', roles.comms_lead ? `@${roles.comms_lead}` : 'nobody'],
    ['Scribe', roles.scribe ? `@${roles.scribe}` : 'nobody'],
    ['SMEs', then.smes.length ? then.smes.map((s) => `@${s.person} (${s.specialty})`).join(', ') : 'none'],
    ['Next update by', then.nextUpdateBy ? `${utcTime(then.nextUpdateBy)}${then.overdue ? ' — overdue' : ''}` : 'none owed'],
  ];
  return (
    <dl className="replay-state">
      {rows.map(([label, value]) => (
        <div className="role-row" key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function Replay({ incident, entries }: { incident: Incident; entries: Entry[] }) {
  const { api } = useConsole();
  const moments = useMemo(() => replayMoments(entries), [entries]);
  const [open, setOpen] = useState(false);
  // The moment chosen, by time: new entries arriving live do not move it. Null: the latest.
  const [chosen, setChosen] = useState<string | null>(null);
  const [then, setThen] = useState<Incident | null>(null);
  const [error, setError] = useState<string | null>(null);
  const asked = useRef(0);

  const found = chosen === null ? -1 : moments.findIndex((m) => m.at === chosen);
  const index = found === -1 ? moments.length - 1 : found;
  const moment = moments[index];

  useEffect(() => {
    if (!open || !moment) return;
    // Only the answer to the latest question is shown, whatever order the answers come back in.
    const mine = ++asked.current;
    api.get<Incident>(`/incidents/${incident.id}?at=${encodeURIComponent(moment.at)}`).then(
      (answer) => {
        if (mine !== asked.current) return;
        setThen(answer);
        setError(null);
      },
      (e: unknown) => {
        if (mine === asked.current) setError(e instanceof Error ? e.message : String(e));
      },
    );
  }, [api, incident.id, moment, open]);

  const go = (to: number) => {
    const next = moments[Math.max(0, Math.min(moments.length - 1, to))];
    if (next) setChosen(next.at);
  };
  const describe = (m: Moment | undefined) => (m ? `${utcTime(m.at)}: ${m.text}` : '');

  return (
    <details className="panel replay" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Replay</summary>
      <p className="hint">Step through the timeline to see the incident as it stood at each moment.</p>
      {moments.length === 0 ? (
        <p>Nothing on the timeline yet.</p>
      ) : (
        <>
          <div className="field">
            <label htmlFor={`replay-${incident.id}`}>
              Moment {index + 1} of {moments.length}
            </label>
            <input
              id={`replay-${incident.id}`}
              type="range"
              min={0}
              max={moments.length - 1}
              step={1}
              value={index}
              aria-valuetext={describe(moment)}
              onChange={(e) => go(Number(e.target.value))}
            />
          </div>
          <div className="row wrap">
            <button type="button" onClick={() => go(index - 1)} disabled={index === 0}>
              Earlier
            </button>
            <button type="button" onClick={() => go(index + 1)} disabled={index === moments.length - 1}>
              Later
            </button>
          </div>
          <div aria-live="polite">
            <p>
              <strong>{moment ? utcTime(moment.at) : ''}</strong> {moment?.text}
            </p>
            <LoadError error={error} />
            {then && then.asOf === moment?.at ? <Stood then={then} /> : <p className="muted">Loading…</p>}
          </div>
        </>
      )}
    </details>
  );
}
