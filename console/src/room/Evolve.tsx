/** Understanding evolves: correct the incident's details, reopen it, merge it into another — each with a reason, for the timeline. */
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useConsole } from '../console-context.js';
import type { Incident } from '../types.js';
import { Field, FormError, TextAreaField, useAction } from '../ui.js';
import { fromUtcInput, toUtcInput } from '../time.js';
import { changedMeanwhile, useFollowing, type Following } from '../following.js';
import { CommandNotice, Discarded, useKept, useStepBarred } from './commander.js';

function ReasonField({ action, value, onChange }: { action: ReturnType<typeof useAction>; value: string; onChange: (v: string) => void }) {
  return (
    <Field label="Reason" field="reason" action={action}>
      {(id, d) => <input id={id} aria-describedby={d} value={value} onChange={(e) => onChange(e.target.value)} placeholder="why, for the timeline" />}
    </Field>
  );
}

/** Someone else's change to a field the person is editing, said under it. */
const meanwhile = (field: Following) => changedMeanwhile(field.theirs);

/**
 * Only what the person changed is sent, and only where it differs from the incident as it now
 * stands: the server records one entry per changed field. The fields follow the room's live
 * reloads until edited (useFollowing), so a correction being typed survives someone else's.
 */
export function EditDetails({ incident, onChanged }: { incident: Incident; onChanged: (i: Incident) => void }) {
  const { api } = useConsole();
  const action = useAction();
  const open = incident.state === 'open';
  // Moved after each save from here: the fields then take the incident as the server kept it.
  const [saves, setSaves] = useState(0);
  const title = useFollowing(incident.title, Object.is, saves);
  const summary = useFollowing(incident.summary ?? '', Object.is, saves);
  const dashboard = useFollowing(incident.links.dashboard ?? '', Object.is, saves);
  const runbook = useFollowing(incident.links.runbook ?? '', Object.is, saves);
  const components = useFollowing(incident.components.join(', '), Object.is, saves);
  const startedAt = useFollowing(toUtcInput(incident.startedAt), Object.is, saves);
  const [reason, setReason] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const list = components.value.split(/[\s,]+/).filter(Boolean);
    const started = fromUtcInput(startedAt.value);
    const links = { dashboard: dashboard.value.trim() || null, runbook: runbook.value.trim() || null };
    const body = {
      ...(title.edited && title.value !== incident.title ? { title: title.value } : {}),
      ...(summary.edited && summary.value.trim() !== (incident.summary ?? '') ? { summary: summary.value.trim() || null } : {}),
      ...((dashboard.edited || runbook.edited) && (links.dashboard !== incident.links.dashboard || links.runbook !== incident.links.runbook) ? { links } : {}),
      ...(open && components.edited && list.join(',') !== incident.components.join(',') ? { components: list } : {}),
      // Compared as shown (to the second): the stored time may carry milliseconds the input cannot.
      ...(startedAt.edited && started && startedAt.value !== toUtcInput(incident.startedAt) ? { startedAt: started } : {}),
      reason,
    };
    const ok = await action.run(async () => onChanged(await api.write<Incident>('PATCH', `/incidents/${incident.id}`, body, { ifMatch: incident.version })));
    if (ok) {
      setReason('');
      setSaves((n) => n + 1);
    }
  };
  const fields = ['title', 'summary', 'links', 'components', 'startedAt', 'reason', 'body'];
  return (
    <details className="panel evolve">
      <summary>Correct the details</summary>
      <form onSubmit={(e) => void submit(e)}>
        <Field label="Title" field="title" action={action} hint={meanwhile(title)}>
          {(id, d) => <input id={id} aria-describedby={d} value={title.value} onChange={(e) => title.set(e.target.value)} />}
        </Field>
        <TextAreaField label="Summary" field="summary" action={action} value={summary.value} onChange={summary.set} hint={meanwhile(summary)} />
        <Field label="Dashboard link" field="links" action={action} hint={meanwhile(dashboard)}>
          {(id, d) => <input id={id} aria-describedby={d} type="url" value={dashboard.value} onChange={(e) => dashboard.set(e.target.value)} />}
        </Field>
        <Field label="Runbook link" field="links" action={action} hint={meanwhile(runbook)}>
          {(id, d) => <input id={id} aria-describedby={d} type="url" value={runbook.value} onChange={(e) => runbook.set(e.target.value)} />}
        </Field>
        {open ? (
          <Field label="Affected components (comma-separated ids)" field="components" action={action} hint={meanwhile(components)}>
            {(id, d) => <input id={id} aria-describedby={d} value={components.value} onChange={(e) => components.set(e.target.value)} />}
          </Field>
        ) : null}
        <Field label="Impact began (UTC)" field="startedAt" action={action} hint={meanwhile(startedAt)}>
          {(id, d) => <input id={id} aria-describedby={d} type="datetime-local" step="1" value={startedAt.value} onChange={(e) => startedAt.set(e.target.value)} />}
        </Field>
        <ReasonField action={action} value={reason} onChange={setReason} />
        <FormError action={action} fields={fields} />
        <button type="submit" disabled={action.busy || !reason.trim()}>
          Save corrections
        </button>
      </form>
    </details>
  );
}

/**
 * Where the reopen panel was. It takes focus only if focus went with the panel (from the reason
 * field, or Reopen): someone else's reopen must not pull the person from wherever else they are.
 */
function ReopenedMeanwhile({ incident }: { incident: Incident }) {
  const note = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (document.activeElement === document.body) note.current?.focus();
  }, []);
  return (
    <p className="panel hint" tabIndex={-1} ref={note}>
      {incident.id} was reopened by someone else meanwhile; your reason was not posted.
    </p>
  );
}

/**
 * Shown while the incident is resolved (and not merged). A reason being typed when someone else
 * reopens it is not kept, as a final update or merge is: the reopening it argued for happened.
 * The panel goes, and what became of the reason is said in its place.
 */
export function ReopenPanel({ incident, onChanged }: { incident: Incident; onChanged: (i: Incident) => void }) {
  const { api } = useConsole();
  const action = useAction();
  const reopenable = incident.state !== 'open' && incident.mergedInto === null;
  const [reason, setReason] = useState('');
  const [unposted, setUnposted] = useState(false);
  // Not while their own reopen is on its way: the room's live reload may bring it before its answer.
  if (!reopenable && !action.busy && reason !== '') {
    setReason('');
    setUnposted(reason.trim() !== '');
  }
  if (reopenable && unposted) setUnposted(false);
  if (!reopenable && !unposted) return null;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await action.run(async () => {
      const reopened = await api.write<Incident>('POST', `/incidents/${incident.id}/reopen`, { reason }, { ifMatch: incident.version });
      // Cleared before the room takes the reopened incident: a reason still typed would read as not posted.
      setReason('');
      onChanged(reopened);
    });
  };
  return (
    <>
      {reopenable ? (
        <section className="panel" aria-labelledby="reopen-title">
          <h2 id="reopen-title">Resolved too early?</h2>
          <form className="inline-form" onSubmit={(e) => void submit(e)}>
            <ReasonField action={action} value={reason} onChange={setReason} />
            <button type="submit" disabled={action.busy || !reason.trim()}>
              Reopen {incident.id}
            </button>
            <FormError action={action} fields={['reason']} />
          </form>
        </section>
      ) : null}
      {/* There while the panel is, so that screen readers announce the line when it fills. */}
      <div role="status">{unposted ? <ReopenedMeanwhile incident={incident} /> : null}</div>
    </>
  );
}

/**
 * Shown to the IC (or an admin) of an open incident; kept, with Merge disabled, for what was
 * typed in it when merging stops being the person's (IC handed on, or the incident resolved or
 * merged by someone else).
 */
export function MergePanel({ incident, onChanged }: { incident: Incident; onChanged: (i: Incident) => void }) {
  const { api } = useConsole();
  const action = useAction();
  const barred = useStepBarred(incident, action.busy);
  const mayTake = barred === null;
  const noticeId = useId();
  const [into, setInto] = useState('');
  const [reason, setReason] = useState('');
  const typed = into.trim() !== '' || reason.trim() !== '';
  const kept = useKept(mayTake, typed);
  if (!mayTake && !typed) return kept ? <Discarded what="Merge" /> : null;
  const clear = () => {
    setInto('');
    setReason('');
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await action.run(async () => {
      const merged = await api.write<Incident>('POST', `/incidents/${incident.id}/merge`, { into: into.trim(), ...(reason.trim() ? { reason } : {}) }, { ifMatch: incident.version });
      // As for Resolve: the merged incident must arrive with nothing typed, or the merge would be kept as someone else's.
      clear();
      onChanged(merged);
    });
  };
  return (
    <details className="panel evolve" open={mayTake ? undefined : true}>
      <summary>Declared twice? Merge into another incident</summary>
      <form className="inline-form" onSubmit={(e) => void submit(e)}>
        <Field label="Merge into (an open incident, e.g. INC-7)" field="into" action={action}>
          {(id, d) => <input id={id} aria-describedby={d} value={into} onChange={(e) => setInto(e.target.value)} />}
        </Field>
        <ReasonField action={action} value={reason} onChange={setReason} />
        <button type="submit" className="danger" disabled={action.busy || !into.trim() || !mayTake} aria-describedby={mayTake ? undefined : noticeId}>
          Merge {incident.id}
        </button>
        {mayTake ? null : (
          <button type="button" onClick={clear}>
            Discard merge
          </button>
        )}
        <FormError action={action} fields={['into', 'reason']} />
        <CommandNotice id={noticeId} barred={barred} kept="What you typed stays here until you discard it." />
      </form>
    </details>
  );
}
