/**
 * R12 and issue 16 in the room: the postmortem owed → scheduled → drafting → in review →
 * published, who owns it, the review meeting scheduled (the invite goes out by e-mail), the
 * document and its revisions, then review and publishing, which freezes the document.
 */
import { useState, type FormEvent } from 'react';
import { useConsole } from '../console-context.js';
import type { Incident, Person } from '../types.js';
import { Badge, Field, FormError, useAction } from '../ui.js';
import { fromUtcInput, localTime, toUtcInput, utcTime } from '../time.js';
import { DocumentEditor } from './DocumentEditor.js';

type Stage = Incident['postmortem']['stage'];
const STAGES: Record<Stage, { label: string; tone: 'red' | 'amber' | 'blue' | 'green' | 'grey' }> = {
  owed: { label: 'Owed', tone: 'red' },
  scheduled: { label: 'Scheduled', tone: 'amber' },
  drafting: { label: 'Drafting', tone: 'amber' },
  in_review: { label: 'In review', tone: 'blue' },
  published: { label: 'Published', tone: 'green' },
};

function ScheduleForm({ incident, people, onChanged }: { incident: Incident; people: Person[]; onChanged: (incident: Incident) => void }) {
  const { api } = useConsole();
  const action = useAction();
  const pm = incident.postmortem;
  // Until edited here, the fields show the postmortem as it stands, also when someone else schedules it.
  const [chosenOwner, setOwner] = useState<string | null>(null);
  const [chosenWhen, setWhen] = useState<string | null>(null);
  const [chosenMinutes, setMinutes] = useState<string | null>(null);
  const [threeDaysOut] = useState(() => new Date(Date.now() + 3 * 86_400_000).toISOString());
  const owner = chosenOwner ?? pm.owner ?? '';
  const when = chosenWhen ?? toUtcInput(pm.scheduledFor ?? threeDaysOut).slice(0, 16);
  const minutes = chosenMinutes ?? String(pm.minutes);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const ok = await action.run(async () =>
      onChanged(
        await api.write<Incident>(
          'POST',
          `/incidents/${incident.id}/postmortem/schedule`,
          { owner, scheduledFor: fromUtcInput(when) ?? '', durationMinutes: Number(minutes) },
          { ifMatch: incident.version },
        ),
      ),
    );
    if (ok) {
      setOwner(null);
      setWhen(null);
      setMinutes(null);
    }
  };
  return (
    <form className="inline-form" aria-label="Schedule the postmortem review" onSubmit={(e) => void submit(e)}>
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
      <Field label="Duration (minutes)" field="durationMinutes" action={action}>
        {(id, d) => <input id={id} aria-describedby={d} type="number" min={15} max={480} step={15} value={minutes} onChange={(e) => setMinutes(e.target.value)} />}
      </Field>
      <button type="submit" disabled={action.busy || !owner}>
        {pm.scheduledFor ? 'Reschedule the review' : 'Assign postmortem'}
      </button>
      <FormError action={action} fields={['owner', 'scheduledFor', 'durationMinutes']} />
    </form>
  );
}

/** Review, then publishing: the steps after the document, each refused by the server with its reason when it is too early. */
function ReviewAndPublish({ incident, onChanged }: { incident: Incident; onChanged: (incident: Incident) => void }) {
  const { api } = useConsole();
  const action = useAction();
  const [statusPage, setStatusPage] = useState(true);
  const pm = incident.postmortem;
  const step = (method: 'POST' | 'PUT', path: string, body?: unknown) =>
    action.run(async () => onChanged(await api.write<Incident>(method, `/incidents/${incident.id}/postmortem/${path}`, body, { ifMatch: incident.version })));
  if (pm.stage === 'published') return null;
  return (
    <div className="row postmortem-steps">
      {pm.stage === 'in_review' ? (
        <>
          <label className="inline">
            <input type="checkbox" checked={statusPage} onChange={(e) => setStatusPage(e.target.checked)} /> Link from the public status page
          </label>
          <button type="button" disabled={action.busy} onClick={() => void step('PUT', 'publication', { statusPage })}>
            Publish
          </button>
        </>
      ) : (
        <button type="button" disabled={action.busy || pm.stage !== 'drafting'} onClick={() => void step('POST', 'review')}>
          Send to review
        </button>
      )}
      <FormError action={action} fields={[]} />
    </div>
  );
}

function stageLine(incident: Incident): string {
  const pm = incident.postmortem;
  const owner = pm.owner ? `Owned by @${pm.owner}` : 'No owner yet';
  if (pm.stage === 'owed') return 'A postmortem is owed: give it an owner and a date.';
  if (pm.stage === 'published') return `${owner}; published ${pm.publishedAt ? utcTime(pm.publishedAt) : ''}${pm.onStatusPage ? ', linked from the public status page' : ''}.`;
  if (pm.stage === 'in_review') return `${owner}; in review since ${pm.reviewRequestedAt ? utcTime(pm.reviewRequestedAt) : ''}.`;
  if (!pm.scheduledFor) return pm.required ? `${owner}.` : 'A postmortem is optional for this severity.';
  return `${owner}, scheduled for ${utcTime(pm.scheduledFor)} (${localTime(pm.scheduledFor)}), ${pm.minutes} min.`;
}

/** `draftVersion` moves with the room's live events: the draft written from the timeline follows the timeline until a revision is saved. */
export function PostmortemPanel({ incident, people, draftVersion, onChanged }: { incident: Incident; people: Person[]; draftVersion: number; onChanged: (incident: Incident) => void }) {
  const { permissions } = useConsole();
  const pm = incident.postmortem;
  const stage = STAGES[pm.stage];
  return (
    <section className="panel postmortem" aria-labelledby="postmortem-title">
      <div className="row">
        <h2 id="postmortem-title">Blameless postmortem</h2>
        <Badge tone={stage.tone}>{`Stage: ${stage.label}`}</Badge>
      </div>
      <ol className="stages" aria-label="Postmortem stages">
        {(Object.keys(STAGES) as Stage[]).map((s) => (
          <li key={s} aria-current={s === pm.stage ? 'step' : undefined} className={s === pm.stage ? 'current' : undefined}>
            {STAGES[s].label}
          </li>
        ))}
      </ol>
      <p role="status">{stageLine(incident)}</p>
      {pm.stage === 'published' && pm.onStatusPage ? (
        <p>
          <a href={`/status/incidents/${incident.id}/postmortem`}>The postmortem on the public status page</a>
        </p>
      ) : null}
      {permissions.respond && pm.stage !== 'published' ? <ScheduleForm incident={incident} people={people} onChanged={onChanged} /> : null}
      <DocumentEditor incident={incident} draftVersion={draftVersion} onChanged={onChanged} />
      {permissions.respond ? <ReviewAndPublish incident={incident} onChanged={onChanged} /> : null}
    </section>
  );
}
