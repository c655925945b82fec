/** Scheduled maintenance: windows not yet over, scheduled and changed here (times in UTC, as the page shows them). */
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { useConsole } from '../console-context.js';
import type { Component, Maintenance } from '../types.js';
import { Badge, ComponentChoice, Field, FormError, TextAreaField, useAction } from '../ui.js';
import { fromUtcInput, toUtcInput, utcTime } from '../time.js';
import { changedMeanwhile, sameSet, useFollowing } from '../following.js';
import { DEFAULT_REMIND_BEFORE, REMINDER_LEAD_WORDS, REMINDER_LEADS, type ReminderLead } from '../../../src/domain/maintenance/window.js';

const FIELDS = ['title', 'message', 'components', 'startsAt', 'endsAt'];
const NONE: string[] = [];
const DEFAULT_REMINDERS = [...DEFAULT_REMIND_BEFORE];

/** `72 hours, 24 hours and 1 hour`: farthest first, the order subscribers get them. */
function leadsInWords(leads: readonly ReminderLead[]): string {
  const words = REMINDER_LEADS.filter((lead) => leads.includes(lead))
    .reverse()
    .map((lead) => REMINDER_LEAD_WORDS[lead]);
  return words.length > 1 ? `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}` : (words[0] ?? 'none');
}

function ReminderChoice(props: { chosen: ReminderLead[]; onChange: (chosen: ReminderLead[]) => void; hint?: ReactNode }) {
  const { chosen, onChange } = props;
  const hintId = `${useId()}-hint`;
  return (
    <fieldset className="field checks" aria-describedby={props.hint ? hintId : undefined}>
      <legend>Remind subscribers before it starts</legend>
      {REMINDER_LEADS.map((lead) => (
        <label key={lead} className="inline">
          <input type="checkbox" checked={chosen.includes(lead)} onChange={(e) => onChange(e.target.checked ? [...chosen, lead] : chosen.filter((l) => l !== lead))} />{' '}
          {REMINDER_LEAD_WORDS[lead]}
        </label>
      ))}
      {props.hint ? (
        <div className="hint" id={hintId}>
          {props.hint}
        </div>
      ) : null}
    </fieldset>
  );
}

/**
 * Schedules a window, or changes one: its fields follow the window as others change it until
 * edited here (useFollowing), so a change being typed is neither lost to theirs nor sent with
 * their fields as they were before.
 */
function WindowForm(props: { window: Maintenance | null; components: Component[]; onSaved: () => void; onCancel?: () => void }) {
  const { api } = useConsole();
  const action = useAction();
  const existing = props.window;
  const title = useFollowing(existing?.title ?? '');
  const message = useFollowing(existing?.message ?? '');
  const chosen = useFollowing<string[]>(existing?.components ?? NONE, sameSet);
  const startsAt = useFollowing(existing ? toUtcInput(existing.startsAt) : '');
  const endsAt = useFollowing(existing ? toUtcInput(existing.endsAt) : '');
  const reminders = useFollowing<ReminderLead[]>(existing?.remindBefore ?? DEFAULT_REMINDERS, sameSet);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body = {
      title: title.value,
      message: message.value,
      components: chosen.value,
      startsAt: fromUtcInput(startsAt.value) ?? '',
      endsAt: fromUtcInput(endsAt.value) ?? '',
      remindBefore: reminders.value,
    };
    const saved = await action.run(async () => {
      if (existing) await api.write('PATCH', `/maintenances/${existing.id}`, body, { ifMatch: existing.version });
      else await api.write('POST', '/maintenances', body);
    });
    if (saved) props.onSaved();
  };
  const label = existing ? `Change maintenance ${existing.title}` : 'Schedule maintenance';
  return (
    <form className="maintenance-form" onSubmit={(e) => void submit(e)} aria-label={label}>
      <Field label="Title" field="title" action={action} hint={changedMeanwhile(title.theirs)}>
        {(id, d) => <input id={id} aria-describedby={d} value={title.value} onChange={(e) => title.set(e.target.value)} placeholder="Database upgrade" />}
      </Field>
      <TextAreaField
        label="What will happen (shown on the page)"
        field="message"
        action={action}
        value={message.value}
        onChange={message.set}
        hint={changedMeanwhile(message.theirs)}
        placeholder="Checkout may be read-only for up to 10 minutes."
      />
      <ComponentChoice
        known={props.components}
        chosen={chosen.value}
        onChange={chosen.set}
        action={action}
        legend="Components under maintenance"
        hint={chosen.theirs ? changedMeanwhile(chosen.theirs.map((id) => props.components.find((c) => c.id === id)?.name ?? id).join(', ') || 'none') : undefined}
      />
      <div className="row wrap">
        <Field label="Starts (UTC)" field="startsAt" action={action} hint={changedMeanwhile(startsAt.theirs)}>
          {(id, d) => <input id={id} aria-describedby={d} type="datetime-local" step={60} value={startsAt.value} onChange={(e) => startsAt.set(e.target.value)} />}
        </Field>
        <Field label="Ends (UTC)" field="endsAt" action={action} hint={changedMeanwhile(endsAt.theirs)}>
          {(id, d) => <input id={id} aria-describedby={d} type="datetime-local" step={60} value={endsAt.value} onChange={(e) => endsAt.set(e.target.value)} />}
        </Field>
      </div>
      <ReminderChoice chosen={reminders.value} onChange={reminders.set} hint={changedMeanwhile(reminders.theirs && leadsInWords(reminders.theirs))} />
      <p className="muted">
        Status page subscribers following these components (or everything) are told when it is scheduled or moved, at the reminders chosen, when it starts, ends or is called
        off.
      </p>
      <FormError action={action} fields={FIELDS} />
      <div className="row wrap">
        <button type="submit" className="primary" disabled={action.busy}>
          {existing ? 'Save changes' : 'Schedule'}
        </button>
        {props.onCancel ? (
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </form>
  );
}

function WindowItem({ window, components, onChanged }: { window: Maintenance; components: Component[]; onChanged: () => void }) {
  const { api, permissions } = useConsole();
  const [editing, setEditing] = useState(false);
  const cancel = useAction();
  const names = window.components.map((id) => components.find((c) => c.id === id)?.name ?? id);
  const headingId = `maintenance-${window.id}`;
  return (
    <li className="maintenance" aria-labelledby={headingId}>
      <div className="row wrap">
        <h3 id={headingId}>{window.title}</h3>
        <Badge tone={window.state === 'in_progress' ? 'amber' : 'blue'}>{window.state === 'in_progress' ? 'In progress' : 'Scheduled'}</Badge>
      </div>
      <p className="muted">
        {utcTime(window.startsAt)} to {utcTime(window.endsAt)}
        {names.length ? ` · ${names.join(', ')}` : ''}
      </p>
      <p className="muted">{window.remindBefore.length ? `Subscribers reminded ${leadsInWords(window.remindBefore)} before it starts` : 'No reminder to subscribers'}</p>
      <p>{window.message}</p>
      {permissions.respond && !editing ? (
        <div className="row wrap">
          <button type="button" onClick={() => setEditing(true)}>
            Change {window.title}
          </button>
          <button
            type="button"
            className="danger"
            disabled={cancel.busy}
            onClick={() => void cancel.run(async () => void (await api.write('POST', `/maintenances/${window.id}/cancel`, undefined, { ifMatch: window.version }))).then((ok) => ok && onChanged())}
          >
            Call off {window.title}
          </button>
        </div>
      ) : null}
      <FormError action={cancel} fields={[]} />
      {editing ? (
        <WindowForm
          window={window}
          components={components}
          onSaved={() => {
            setEditing(false);
            onChanged();
          }}
          onCancel={() => setEditing(false)}
        />
      ) : null}
    </li>
  );
}

export function MaintenancePanel({ windows, components, onChanged }: { windows: Maintenance[]; components: Component[]; onChanged: () => void }) {
  const { permissions } = useConsole();
  const [scheduling, setScheduling] = useState(false);
  return (
    <section className="panel" aria-labelledby="maintenance-heading">
      <h2 id="maintenance-heading">Scheduled maintenance</h2>
      {windows.length === 0 ? <p className="muted">No maintenance scheduled or in progress.</p> : null}
      <ul className="maintenances">
        {windows.map((w) => (
          <WindowItem key={w.id} window={w} components={components} onChanged={onChanged} />
        ))}
      </ul>
      {permissions.respond && !scheduling ? (
        <button type="button" onClick={() => setScheduling(true)}>
          Schedule maintenance…
        </button>
      ) : null}
      {scheduling ? (
        <WindowForm
          window={null}
          components={components}
          onSaved={() => {
            setScheduling(false);
            onChanged();
          }}
          onCancel={() => setScheduling(false)}
        />
      ) : null}
    </section>
  );
}
