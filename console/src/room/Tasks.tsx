/**
 * Who is on what: the incident's tasks at a glance (blocked first, then open, then done, as
 * the API orders them), each with its owner; the owner or the IC marks one done, blocked
 * with a reason, or open again. And the findings reported up to you, first in the room.
 */
import { useState, type FormEvent } from 'react';
import { useConsole } from '../console-context.js';
import type { Entry, Incident, Person } from '../types.js';
import { Badge, Field, FormError, ResponderSelect, useAction } from '../ui.js';
import { utcTime } from '../time.js';
import { useMayCommand } from './commander.js';

type Task = Incident['tasks'][number];

const STATE_TONES = { blocked: 'red', open: 'blue', done: 'green' } as const;

function NewTask({ incident, people, onChanged }: { incident: Incident; people: Person[]; onChanged: () => void }) {
  const { api } = useConsole();
  const action = useAction();
  const [title, setTitle] = useState('');
  const [owner, setOwner] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const ok = await action.run(async () => {
      await api.write('POST', `/incidents/${incident.id}/tasks`, { title, owner });
    });
    if (ok) {
      setTitle('');
      setOwner('');
      onChanged();
    }
  };
  return (
    <form className="inline-form" onSubmit={(e) => void submit(e)} aria-label="New task">
      <Field label="Task" field="title" action={action}>
        {(id, d) => <input id={id} aria-describedby={d} value={title} onChange={(e) => setTitle(e.target.value)} placeholder="what is to be done" autoComplete="off" />}
      </Field>
      <Field label="Owner" field="owner" action={action}>
        {(id, d) => <ResponderSelect id={id} describedBy={d} value={owner} onChange={setOwner} people={people} />}
      </Field>
      <button type="submit" disabled={action.busy || !title.trim() || !owner}>
        Add task
      </button>
      <FormError action={action} fields={['title', 'owner']} />
    </form>
  );
}

function TaskRow({ incident, task, canChange, onChanged }: { incident: Incident; task: Task; canChange: boolean; onChanged: () => void }) {
  const { api } = useConsole();
  const action = useAction();
  const [blocking, setBlocking] = useState(false);
  const [reason, setReason] = useState('');
  const change = async (body: Record<string, unknown>) => {
    const ok = await action.run(async () => {
      await api.write('PATCH', `/incidents/${incident.id}/tasks/${task.id}`, body);
    });
    if (ok) {
      setBlocking(false);
      setReason('');
      onChanged();
    }
  };
  return (
    <li className={`task task-${task.state}`} aria-label={`Task ${task.id}: ${task.title}`}>
      <div className="row wrap">
        <Badge tone={STATE_TONES[task.state]}>{task.state}</Badge>
        <strong>{task.title}</strong>
        <span>@{task.owner}</span>
        <span className="muted">since {utcTime(task.updatedAt).slice(11)}</span>
      </div>
      {task.state === 'blocked' && task.reason ? <p className="task-reason">Blocked: {task.reason}</p> : null}
      {canChange ? (
        <div className="row wrap">
          {task.state !== 'done' ? (
            <button type="button" className="small" disabled={action.busy} onClick={() => void change({ state: 'done' })}>
              Mark done
            </button>
          ) : null}
          {task.state !== 'blocked' && !blocking ? (
            <button type="button" className="small" disabled={action.busy} onClick={() => setBlocking(true)}>
              Mark blocked
            </button>
          ) : null}
          {task.state !== 'open' ? (
            <button type="button" className="small" disabled={action.busy} onClick={() => void change({ state: 'open' })}>
              Reopen
            </button>
          ) : null}
        </div>
      ) : null}
      {blocking ? (
        <form className="inline-form" onSubmit={(e) => (e.preventDefault(), void change({ state: 'blocked', reason }))}>
          <Field label={`What blocks ${task.id}`} field="reason" action={action}>
            {(id, d) => <input id={id} aria-describedby={d} value={reason} onChange={(e) => setReason(e.target.value)} autoComplete="off" />}
          </Field>
          <button type="submit" disabled={action.busy || !reason.trim()}>
            Block
          </button>
        </form>
      ) : null}
      <FormError action={action} fields={['reason', 'state']} />
    </li>
  );
}

export function TasksPanel({ incident, people, onChanged }: { incident: Incident; people: Person[]; onChanged: () => void }) {
  const { me, permissions } = useConsole();
  const open = incident.state === 'open';
  const mayCommand = useMayCommand(incident);
  const blocked = incident.tasks.filter((t) => t.state === 'blocked').length;
  const working = incident.tasks.filter((t) => t.state === 'open').length;
  return (
    <section className="panel tasks" aria-labelledby="tasks-title">
      <div className="row wrap">
        <h2 id="tasks-title">Tasks</h2>
        <span className="muted">
          {blocked} blocked · {working} open · {incident.tasks.length - blocked - working} done
        </span>
      </div>
      {incident.tasks.length === 0 ? <p className="muted">Nobody has a task yet: say who is on what, so work is not duplicated.</p> : null}
      <ul className="task-list" aria-label="Tasks, blocked first">
        {incident.tasks.map((task) => (
          <TaskRow key={task.id} incident={incident} task={task} canChange={open && (mayCommand || (permissions.respond && task.owner === me.handle))} onChanged={onChanged} />
        ))}
      </ul>
      {open && permissions.respond ? <NewTask incident={incident} people={people} onChanged={onChanged} /> : null}
    </section>
  );
}

/** Findings reported up to the person looking (the IC, unless someone else was named), newest first: what they read first. */
export function FindingsForYou({ entries }: { entries: Entry[] }) {
  const { me } = useConsole();
  const mine = entries.filter((e) => e.kind === 'finding' && e.to === me.handle && e.correctedBy === null).reverse();
  if (mine.length === 0) return null;
  return (
    <section className="panel findings" aria-labelledby="findings-title">
      <h2 id="findings-title">Findings for you</h2>
      <ul>
        {mine.map((e) => (
          <li key={e.id}>
            {e.text} <span className="muted">(@{e.actor}, {utcTime(e.at).slice(11)})</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
