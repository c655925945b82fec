/** One alert group in the inbox: what fired, how much, since when, what differs, and what to do with it. */
import { type FormEvent } from 'react';
import { useConsole } from '../console-context.js';
import { linkProps, navigate } from '../router.js';
import type { AlertGroup, Component, Incident, Severity } from '../types.js';
import { Badge, ComponentChoice, Field, FormError, useAction } from '../ui.js';
import { age, utcTime } from '../time.js';
import { useCardDraft, useForgetCardDrafts } from './drafts.js';

const SEVERITY_TONE = { critical: 'red', error: 'amber', warning: 'amber', info: 'grey' } as const;

function Labels({ group }: { group: AlertGroup }) {
  const differing = Object.entries(group.differingLabels);
  const common = Object.entries(group.commonLabels);
  return (
    <>
      {differing.length > 0 ? (
        <dl className="labels" aria-label="Labels that differ between the alerts">
          {differing.map(([label, values]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd>{values.join(', ')}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <p className="hint">All alerts share the same labels.</p>
      )}
      {common.length > 0 ? (
        <details>
          <summary data-control="shared-labels">Labels they share ({common.length})</summary>
          <dl className="labels">
            {common.map(([label, value]) => (
              <div key={label}>
                <dt>{label}</dt>
                <dd>{value}</dd>
              </div>
            ))}
          </dl>
        </details>
      ) : null}
    </>
  );
}

function SubmitOrCancel(props: { label: string; tone: 'primary' | 'danger'; busy: boolean; onCancel: () => void }) {
  return (
    <div className="row wrap">
      <button type="submit" className={props.tone} disabled={props.busy} data-control="submit">
        {props.label}
      </button>
      <button type="button" onClick={props.onCancel} data-control="cancel">
        Cancel
      </button>
    </div>
  );
}

function DeclareFromGroup({ group, severities, components, onDone }: { group: AlertGroup; severities: Severity[]; components: Component[]; onDone: () => void }) {
  const { api } = useConsole();
  const action = useAction();
  const [title, setTitle] = useCardDraft(group.id, 'title', group.title);
  const [severity, setSeverity] = useCardDraft(group.id, 'severity', group.suggestedSeverity);
  const [chosen, setChosen] = useCardDraft<string[]>(group.id, 'components', group.suggestedComponents.filter((c) => components.some((k) => k.id === c)));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await action.run(async () => {
      const incident = await api.write<Incident>('POST', `/alerts/${group.id}/declare`, { title, severity, components: chosen });
      navigate(`/incidents/${incident.id}`);
    });
  };
  return (
    <form className="group-form" onSubmit={(e) => void submit(e)} aria-label={`Declare from alert group ${group.id}`}>
      <Field label="Incident title" field="title" action={action}>
        {(id, d) => <input id={id} aria-describedby={d} value={title} onChange={(e) => setTitle(e.target.value)} data-control="title" />}
      </Field>
      <Field label="Severity" field="severity" action={action} hint={`Suggested from the alerts: ${group.suggestedSeverity}. When in doubt, declare higher.`}>
        {(id, d) => (
          <select id={id} aria-describedby={d} value={severity} onChange={(e) => setSeverity(e.target.value)} data-control="severity">
            {severities.map((s) => (
              <option key={s.id} value={s.id}>
                {s.id} {s.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <ComponentChoice known={components} chosen={chosen} onChange={setChosen} action={action} />
      <FormError action={action} fields={['title', 'severity', 'components']} />
      <SubmitOrCancel label={`Declare ${severity}`} tone="primary" busy={action.busy} onCancel={onDone} />
    </form>
  );
}

function DismissGroup({ group, onDone }: { group: AlertGroup; onDone: () => void }) {
  const { api } = useConsole();
  const action = useAction();
  const [reason, setReason] = useCardDraft(group.id, 'reason', '');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await action.run(async () => void (await api.write('POST', `/alerts/${group.id}/dismiss`, { reason })))) onDone();
  };
  return (
    <form className="group-form" onSubmit={(e) => void submit(e)} aria-label={`Dismiss alert group ${group.id}`}>
      <Field label="Why dismiss it" field="reason" action={action}>
        {(id, d) => (
          <textarea id={id} aria-describedby={d} rows={2} value={reason} placeholder="Known flapping check; ticket OPS-123" onChange={(e) => setReason(e.target.value)} data-control="reason" />
        )}
      </Field>
      <FormError action={action} fields={['reason']} />
      <SubmitOrCancel label="Dismiss" tone="danger" busy={action.busy} onCancel={onDone} />
    </form>
  );
}

/**
 * `onLeave` is there when the group has left the inbox (dismissed elsewhere, or its alerts
 * resolved) while the person was filling in one of the card's forms: the card stays, saying
 * so, until the focus goes elsewhere on the page.
 */
export function AlertGroupCard(props: {
  group: AlertGroup;
  severities: Severity[];
  components: Component[];
  now: number;
  onChanged: () => void;
  onLeave?: () => void;
}) {
  const { group, now } = props;
  const { api, permissions } = useConsole();
  const ack = useAction();
  const [open, setOpen] = useCardDraft<'declare' | 'dismiss' | null>(group.id, 'open', null);
  const forget = useForgetCardDrafts(group.id);
  const headingId = `alert-group-${group.id}`;
  // Closing a form, or switching to the other, drops what was typed in it: it opens again from the suggestions.
  const show = (form: 'declare' | 'dismiss' | null) => {
    forget();
    setOpen(form);
  };
  const done = () => {
    show(null);
    props.onChanged();
  };
  return (
    <article
      className="panel alert-group"
      aria-labelledby={headingId}
      data-alert-group={group.id}
      onBlur={(e) => {
        // Focus going to no element (another window, its control removed) is not leaving the card.
        if (props.onLeave && e.relatedTarget instanceof Node && !e.currentTarget.contains(e.relatedTarget)) props.onLeave();
      }}
    >
      <div className="row wrap">
        <h2 id={headingId} tabIndex={-1}>{group.title}</h2>
        {group.severity ? <Badge tone={SEVERITY_TONE[group.severity]}>{group.severity}</Badge> : <Badge tone="grey">no severity</Badge>}
        <Badge tone={group.state === 'open' ? 'red' : 'blue'}>{group.state === 'open' ? 'Open' : `Acknowledged by @${group.acknowledgedBy}`}</Badge>
      </div>
      <p className="row wrap muted">
        <span>
          From {group.source.name} ({group.source.type})
        </span>
        <span>
          {group.counts.firing} firing of {group.counts.alerts} alerts, {group.counts.resolved} resolved, {group.counts.received} deliveries
        </span>
      </p>
      <p className="row wrap muted">
        <span>
          First seen {utcTime(group.firstSeenAt)} ({age(group.firstSeenAt, now)} ago)
        </span>
        <span>
          Last seen {utcTime(group.lastSeenAt)} ({age(group.lastSeenAt, now)} ago)
        </span>
      </p>
      <Labels group={group} />
      {group.incident ? (
        <p>
          Declared as <a {...linkProps(`/incidents/${group.incident}`)} data-control="incident">{group.incident}</a>
        </p>
      ) : null}
      {props.onLeave ? <p className="hint">No longer in the inbox: dismissed elsewhere, or its alerts resolved. What you typed stays until you leave this card.</p> : null}
      {permissions.respond && !group.incident && !props.onLeave ? (
        <div className="row wrap actions">
          {group.state === 'open' ? (
            <button
              type="button"
              disabled={ack.busy}
              onClick={() => void ack.run(async () => void (await api.write('POST', `/alerts/${group.id}/ack`))).then((ok) => ok && props.onChanged())}
              data-control="acknowledge"
            >
              Acknowledge
            </button>
          ) : null}
          <button type="button" aria-expanded={open === 'declare'} onClick={() => show(open === 'declare' ? null : 'declare')} data-control="declare">
            Declare an incident…
          </button>
          <button type="button" aria-expanded={open === 'dismiss'} onClick={() => show(open === 'dismiss' ? null : 'dismiss')} data-control="dismiss">
            Dismiss…
          </button>
        </div>
      ) : null}
      <FormError action={ack} fields={[]} />
      {open === 'declare' ? <DeclareFromGroup group={group} severities={props.severities} components={props.components} onDone={done} /> : null}
      {open === 'dismiss' ? <DismissGroup group={group} onDone={done} /> : null}
    </article>
  );
}
