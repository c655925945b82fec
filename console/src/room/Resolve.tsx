/** R11–R12: resolving takes a final update; then the postmortem gets an owner and a date, and its draft is read from the timeline. */
import { useEffect, useState, type FormEvent } from 'react';
import { useConsole } from '../console-context.js';
import type { Incident, Person } from '../types.js';
import { CopyButton, Field, FormError, Markdown, TextAreaField, useAction } from '../ui.js';
import { fromUtcInput, toUtcInput, utcTime } from '../time.js';

export function ResolvePanel({ incident, onChanged }: { incident: Incident; onChanged: (incident: Incident) => void }) {
  const { api } = useConsole();
  const action = useAction();
  const [impact, setImpact] = useState('');
  const [whatWeKnow, setWhatWeKnow] = useState('');
  const [nextStep, setNextStep] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await action.run(async () =>
      onChanged(await api.write<Incident>('POST', `/incidents/${incident.id}/resolve`, { impact, whatWeKnow, ...(nextStep.trim() ? { nextStep } : {}) })),
    );
  };
  return (
    <section className="panel resolve" aria-labelledby="resolve-title">
      <h2 id="resolve-title">Resolve</h2>
      <p className="hint">Once the service is healthy: resolving posts the final update. Resolution is not the end: the postmortem is.</p>
      <form onSubmit={(e) => void submit(e)}>
        <TextAreaField label="Final impact" field="impact" action={action} value={impact} onChange={setImpact} />
        <TextAreaField label="What we know (cause, as known)" field="whatWeKnow" action={action} value={whatWeKnow} onChange={setWhatWeKnow} />
        <TextAreaField label="Next step (optional)" field="nextStep" action={action} value={nextStep} onChange={setNextStep} />
        <FormError action={action} fields={['impact', 'whatWeKnow', 'nextStep']} />
        <button type="submit" className="danger" disabled={action.busy}>
          Resolve {incident.id} with this final update
        </button>
      </form>
    </section>
  );
}

export function PostmortemPanel({ incident, people, draftVersion, onChanged }: { incident: Incident; people: Person[]; draftVersion: number; onChanged: (incident: Incident) => void }) {
  const { api, permissions } = useConsole();
  const action = useAction();
  // Until edited here, the fields show the postmortem as it stands, also when someone else assigns it.
  const [chosenOwner, setOwner] = useState<string | null>(null);
  const [chosenWhen, setWhen] = useState<string | null>(null);
  const [threeDaysOut] = useState(() => new Date(Date.now() + 3 * 86_400_000).toISOString());
  const owner = chosenOwner ?? incident.postmortem.owner ?? '';
  const when = chosenWhen ?? toUtcInput(incident.postmortem.scheduledFor ?? threeDaysOut).slice(0, 16);
  const [draft, setDraft] = useState<string | null>(null);
  const [draftError, setDraftError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    api.text(`/incidents/${incident.id}/postmortem.md`).then(
      (text) => current && setDraft(text),
      (e: unknown) => current && setDraftError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      current = false;
    };
  }, [api, incident.id, draftVersion]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const ok = await action.run(async () =>
      onChanged(await api.write<Incident>('PUT', `/incidents/${incident.id}/postmortem`, { owner, scheduledFor: fromUtcInput(when) ?? '' }, { ifMatch: incident.version })),
    );
    if (ok) {
      setOwner(null);
      setWhen(null);
    }
  };
  const pm = incident.postmortem;
  return (
    <section className="panel postmortem" aria-labelledby="postmortem-title">
      <h2 id="postmortem-title">Blameless postmortem</h2>
      <p role="status">
        {pm.state === 'assigned' && pm.owner && pm.scheduledFor
          ? `Owned by @${pm.owner}, scheduled for ${utcTime(pm.scheduledFor)}.`
          : pm.state === 'owed'
            ? 'A postmortem is owed: give it an owner and a date.'
            : 'A postmortem is optional for this severity.'}
      </p>
      {permissions.respond ? (
        <form className="inline-form" onSubmit={(e) => void submit(e)}>
          <Field label="Postmortem owner" field="owner" action={action}>
            {(id, d) => (
              <select id={id} aria-describedby={d} value={owner} onChange={(e) => setOwner(e.target.value)}>
                <option value="">Choose a person…</option>
                {people.map((p) => (
                  <option key={p.handle} value={p.handle}>
                    @{p.handle} ({p.name})
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Scheduled for (UTC)" field="scheduledFor" action={action}>
            {(id, d) => <input id={id} aria-describedby={d} type="datetime-local" value={when} onChange={(e) => setWhen(e.target.value)} />}
          </Field>
          <button type="submit" disabled={action.busy || !owner}>
            {pm.state === 'assigned' ? 'Change owner and date' : 'Assign postmortem'}
          </button>
          <FormError action={action} fields={['owner', 'scheduledFor']} />
        </form>
      ) : null}
      <div className="row">
        <h3>Draft, from the timeline</h3>
        {draft ? (
          <>
            <a className="button" href={`data:text/markdown;charset=utf-8,${encodeURIComponent(draft)}`} download={`${incident.id}-postmortem.md`}>
              Download Markdown
            </a>
            <CopyButton text={draft} label="Copy Markdown" />
          </>
        ) : null}
      </div>
      {draftError ? <div className="form-error">{draftError}</div> : null}
      {draft ? <Markdown source={draft} label="Postmortem draft" /> : <p className="muted">Loading the draft…</p>}
    </section>
  );
}
