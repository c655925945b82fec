/**
 * The room's Follow-ups panel: what this incident left to change, whatever its state, and a
 * form to open one (title, owner, due day, priority). Changing them is on the Follow-ups page.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { followUpsApi } from '../api.js';
import { useConsole } from '../console-context.js';
import { linkProps } from '../router.js';
import { Badge, Field, FormError, ResponderSelect, useAction } from '../ui.js';
import { LoadError, useLoaded } from '../admin/shared.js';
import type { FollowUp, Incident, Person } from '../types.js';

const STATE_TEXT: Record<FollowUp['state'], string> = { open: 'open', done: 'done', wont_do: "won't do" };
const today = () => new Date().toISOString().slice(0, 10);

function NewFollowUp({ incident, people, onAdded }: { incident: Incident; people: Person[]; onAdded: () => void }) {
  const { api } = useConsole();
  const action = useAction();
  const [title, setTitle] = useState('');
  const [owner, setOwner] = useState('');
  const [due, setDue] = useState('');
  const [priority, setPriority] = useState<FollowUp['priority']>('P2');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const ok = await action.run(async () => void (await followUpsApi(api).create(incident.id, { title: title.trim(), owner, due, priority })));
    if (ok) {
      setTitle('');
      setOwner('');
      setDue('');
      setPriority('P2');
      onAdded();
    }
  };
  return (
    <form className="inline-form" onSubmit={(e) => void submit(e)} aria-label="New follow-up">
      <Field label="Follow-up" field="title" action={action}>
        {(id, d) => <input id={id} aria-describedby={d} value={title} onChange={(e) => setTitle(e.target.value)} placeholder="what will change" autoComplete="off" />}
      </Field>
      <Field label="Follow-up owner" field="owner" action={action}>
        {(id, d) => <ResponderSelect id={id} describedBy={d} value={owner} onChange={setOwner} people={people} />}
      </Field>
      <Field label="Due (UTC day)" field="due" action={action}>
        {(id, d) => <input id={id} aria-describedby={d} type="date" min={today()} value={due} onChange={(e) => setDue(e.target.value)} />}
      </Field>
      <Field label="Priority" field="priority" action={action}>
        {(id, d) => (
          <select id={id} aria-describedby={d} value={priority} onChange={(e) => setPriority(e.target.value as FollowUp['priority'])}>
            <option value="P1">P1: before this can happen again</option>
            <option value="P2">P2: this planning cycle</option>
            <option value="P3">P3: when there is room</option>
          </select>
        )}
      </Field>
      <button type="submit" disabled={action.busy || !title.trim() || !owner || !due}>
        Add follow-up
      </button>
      <FormError action={action} fields={['title', 'owner', 'due', 'priority']} />
    </form>
  );
}

/** `revision` changes whenever the room reloads: opening one elsewhere notes it on the timeline, which reloads the room. */
export function IncidentFollowUps({ incident, people, revision }: { incident: Incident; people: Person[]; revision: number }) {
  const { api, permissions } = useConsole();
  const load = useCallback(() => api.all<FollowUp>(`/follow-ups?incident=${encodeURIComponent(incident.id)}`), [api, incident.id]);
  const { data, error, reload } = useLoaded(load);
  useEffect(() => void reload(), [revision, reload]);
  return (
    <section className="panel follow-ups" aria-labelledby="follow-ups-title">
      <div className="row wrap">
        <h2 id="follow-ups-title">Follow-ups</h2>
        <a {...linkProps('/follow-ups')}>All follow-ups</a>
      </div>
      <LoadError error={error} />
      {data?.length === 0 ? <p className="muted">None yet: what must change so this does not happen again?</p> : null}
      <ul className="task-list" aria-label="Follow-ups, earliest due first">
        {(data ?? []).map((f) => (
          <li key={f.id} className="task">
            <div className="row wrap">
              <Badge tone={f.priority === 'P1' ? 'amber' : 'grey'}>{f.priority}</Badge>
              <strong>{f.title}</strong>
              <span>@{f.owner}</span>
              <span>due {f.due}</span>
              {f.overdue ? <Badge tone="red">Overdue</Badge> : null}
              <span className="muted">{STATE_TEXT[f.state]}</span>
            </div>
          </li>
        ))}
      </ul>
      {permissions.respond ? <NewFollowUp incident={incident} people={people} onAdded={() => void reload()} /> : null}
    </section>
  );
}
