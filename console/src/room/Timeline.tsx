/**
 * R9: the Scribe's timeline, newest last, each entry with its time in UTC and on the
 * reader's clock, who and what kind. Quick entry with kind chips, backdating for catch-up,
 * corrections that point at the entry they correct, and what has been ruled out, always in view.
 */
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useConsole } from '../console-context.js';
import type { Entry, Incident } from '../types.js';
import type { AutomaticEntryKind } from '../../../src/presenters/timeline.js';
import { Field, FormError, useAction } from '../ui.js';
import { fromUtcInput, localTime, utcTime } from '../time.js';

export const MANUAL_KINDS = ['note', 'observation', 'action', 'decision', 'hypothesis', 'ruled_out', 'finding'] as const;
type ManualKind = (typeof MANUAL_KINDS)[number];

export const KIND_LABELS: Record<string, string> = {
  note: 'Note',
  observation: 'Observation',
  action: 'Action',
  decision: 'Decision',
  hypothesis: 'Hypothesis',
  ruled_out: 'Ruled out',
  finding: 'Finding',
};

/** Updates and what became of them: posted, with the status they set, sent without the Comms Lead, or held as drafts for them to approve or reject. */
const UPDATE_KINDS: readonly string[] = ['update_posted', 'status_changed', 'update_not_by_comms_lead', 'update_held', 'draft_approved', 'draft_rejected'] satisfies AutomaticEntryKind[];

const FILTERS: { id: string; label: string; matches: (kind: string) => boolean }[] = [
  { id: 'all', label: 'Everything', matches: () => true },
  { id: 'scribe', label: 'Scribe entries (notes, findings, decisions)', matches: (k) => (MANUAL_KINDS as readonly string[]).includes(k) },
  ...MANUAL_KINDS.map((k) => ({ id: k, label: KIND_LABELS[k]!, matches: (kind: string) => kind === k })),
  { id: 'updates', label: 'Status updates', matches: (k) => UPDATE_KINDS.includes(k) },
  { id: 'roles', label: 'Roles and handoffs', matches: (k) => k.startsWith('role_') || k.startsWith('sme_') || k === 'commander_hands_on' || k === 'page_acknowledged' },
  { id: 'reminders', label: 'Reminders (due, overdue, escalated)', matches: (k) => k.startsWith('update_due') || k.startsWith('update_overdue') || k.endsWith('_escalated') || k.endsWith('_nudged') || k.endsWith('_reminded') },
];

/** Entries dated when it happened rather than when recorded: manual entries, and alerts (at the alert's own time). */
const RECORDED_AS_OF = ['TimelineEntryAdded', 'AlertObserved'];
/** Entries a responder may correct with a new one: what the Scribe and the alert sources wrote. */
const CORRECTABLE = ['TimelineEntryAdded', 'AlertObserved', 'MoreAlertsObserved'];

const kindLabel = (kind: string) => KIND_LABELS[kind] ?? kind.replace(/_/g, ' ');

function EntryTime({ entry }: { entry: Entry }) {
  const backdated = entry.at !== entry.recordedAt && RECORDED_AS_OF.includes(entry.event);
  return (
    <span className="entry-time">
      <time dateTime={entry.at}>{utcTime(entry.at)}</time> <span className="muted">({localTime(entry.at)})</span>
      {backdated ? <span className="muted" title={`recorded ${utcTime(entry.recordedAt)}`}> · backdated, recorded {utcTime(entry.recordedAt).slice(11)}</span> : null}
    </span>
  );
}

function QuickEntry({ incident, correcting, onDone, onCancelCorrection }: { incident: Incident; correcting: Entry | null; onDone: () => void; onCancelCorrection: () => void }) {
  const { api, me } = useConsole();
  const action = useAction();
  const [kind, setKind] = useState<ManualKind>('note');
  const [text, setText] = useState('');
  const [at, setAt] = useState('');
  const [warnings, setWarnings] = useState<Entry['warnings']>([]);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const ok = await action.run(async () => {
      const backdate = fromUtcInput(at);
      const entry = await api.write<Entry>('POST', `/incidents/${incident.id}/timeline`, {
        kind,
        text,
        ...(backdate ? { at: backdate } : {}),
        ...(correcting ? { corrects: correcting.id } : {}),
      });
      setWarnings(entry.warnings);
    });
    if (ok) {
      setText('');
      setAt('');
      onDone();
    }
  };
  return (
    <form className="quick-entry" onSubmit={(e) => void submit(e)} aria-label="Add to the timeline">
      <fieldset className="chips">
        <legend>Kind</legend>
        {MANUAL_KINDS.map((k) => (
          <label key={k} className={kind === k ? 'chip selected' : 'chip'}>
            <input type="radio" name="entry-kind" value={k} checked={kind === k} onChange={() => setKind(k)} />
            {KIND_LABELS[k]}
          </label>
        ))}
      </fieldset>
      {kind === 'finding' ? <p className="hint">Reported up to the Incident Commander, @{incident.roles.incident_commander}: they see it first.</p> : null}
      {kind === 'action' && incident.roles.incident_commander === me.handle ? (
        <div className="alert amber">You are the Incident Commander: the IC does not debug. Hand off IC first if you are going hands-on.</div>
      ) : null}
      {correcting ? (
        <div className="correcting" role="status">
          Correcting entry #{correcting.id}: “{correcting.text}”{' '}
          <button type="button" className="small" onClick={onCancelCorrection}>
            Cancel correction
          </button>
        </div>
      ) : null}
      <Field label="What happened" field="text" action={action}>
        {(id, d) => <input id={id} aria-describedby={d} value={text} onChange={(e) => setText(e.target.value)} autoComplete="off" />}
      </Field>
      <Field label="When (UTC, leave empty for now)" field="at" action={action} hint="Backdate catch-up entries; the entry keeps when it was recorded.">
        {(id, d) => <input id={id} aria-describedby={d} type="datetime-local" step={1} value={at} onChange={(e) => setAt(e.target.value)} />}
      </Field>
      <FormError action={action} fields={['text', 'at', 'kind']} />
      <button type="submit" className="primary" disabled={action.busy || !text.trim()}>
        Add {KIND_LABELS[kind]?.toLowerCase()}
      </button>
      {warnings.map((w) => (
        <div key={w.code} className="alert amber" role="alert">
          {w.message}
        </div>
      ))}
    </form>
  );
}

export function Timeline({ incident, entries, onChanged }: { incident: Incident; entries: Entry[]; onChanged: () => void }) {
  const { permissions } = useConsole();
  const [filter, setFilter] = useState('all');
  const [correcting, setCorrecting] = useState<Entry | null>(null);
  const shown = useMemo(() => entries.filter((e) => (FILTERS.find((f) => f.id === filter) ?? FILTERS[0]!).matches(e.kind)), [entries, filter]);
  const ruledOut = entries.filter((e) => e.kind === 'ruled_out' && e.correctedBy === null);
  const list = useRef<HTMLOListElement>(null);
  // Newest last: when entries arrive, the list shows the latest (jsdom has no layout, hence the guard).
  useEffect(() => {
    const el = list.current;
    if (el && typeof el.scrollTo === 'function') el.scrollTo({ top: el.scrollHeight });
  }, [shown.length]);
  return (
    <div className="timeline-area">
      <section className="panel ruled-out" aria-labelledby="ruled-out-title">
        <h2 id="ruled-out-title">What we have ruled out</h2>
        {ruledOut.length === 0 ? (
          <p className="muted">Nothing ruled out yet.</p>
        ) : (
          <ul>
            {ruledOut.map((e) => (
              <li key={e.id}>
                {e.text} <span className="muted">({utcTime(e.at).slice(11)}, @{e.actor})</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="panel timeline" aria-labelledby="timeline-title">
        <div className="row wrap">
          <h2 id="timeline-title">Timeline</h2>
          <label className="inline">
            Show{' '}
            <select value={filter} onChange={(e) => setFilter(e.target.value)}>
              {FILTERS.map((f) => (
                <option key={f.id} value={f.id}>
                  {f.label}
                </option>
              ))}
            </select>
          </label>
        </div>
        <ol className="entries" aria-label="Timeline entries" ref={list} tabIndex={0}>
          {shown.map((e) => (
            <li key={e.id} className={`entry kind-${e.kind}${e.correctedBy !== null ? ' corrected' : ''}`}>
              <div className="entry-head">
                <span className="entry-id">#{e.id}</span> <EntryTime entry={e} /> <span className={`kind kind-${e.kind}`}>{kindLabel(e.kind)}</span>{' '}
                <span className="actor">@{e.actor}</span>
              </div>
              <div className="entry-text">
                {e.text}
                {e.corrects !== null ? <span className="muted"> (corrects #{e.corrects})</span> : null}
                {e.correctedBy !== null ? <span className="muted"> (corrected by #{e.correctedBy})</span> : null}
                {e.to !== null ? <span className="muted"> (to @{e.to})</span> : null}
              </div>
              {permissions.respond && CORRECTABLE.includes(e.event) ? (
                <button type="button" className="small" onClick={() => setCorrecting(e)}>
                  Correct #{e.id}
                </button>
              ) : null}
            </li>
          ))}
        </ol>
        {permissions.respond ? <QuickEntry incident={incident} correcting={correcting} onDone={() => { setCorrecting(null); onChanged(); }} onCancelCorrection={() => setCorrecting(null)} /> : null}
      </section>
    </div>
  );
}
