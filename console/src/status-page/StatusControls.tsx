/**
 * R10 from the responder's side, for one incident: whether the public sees it (publish, or
 * take a publication back), how each affected component is doing, and how many subscribers
 * hear of it. The room shows it, and so does the status page screen for every open incident.
 */
import { useState, type FormEvent } from 'react';
import { COMPONENT_STATUS_LABELS } from '../../../src/domain/status-page/components.js';
import { COMPONENT_STATUSES, type ComponentStatus } from '../../../src/domain/model/events.js';
import { useConsole } from '../console-context.js';
import type { Component, Incident, Severity } from '../types.js';
import { Badge, Field, FormError, useAction, type Action } from '../ui.js';
import { changedMeanwhile, useChoice, useFollowing } from '../following.js';

export interface SubscriberCounts {
  email: { confirmed: number; pending: number };
  webhooks: number;
  components: Record<string, number>;
  everything: number;
}

/** Who hears of an incident's public updates: the subscribers of each affected component (each count includes those following everything). */
export function reached(counts: SubscriberCounts, components: readonly Pick<Component, 'id' | 'name'>[]): string {
  if (components.length === 0) return `the ${counts.everything} subscribers following every component`;
  return `the subscribers of ${components.map((c) => `${c.name} (${counts.components[c.id] ?? 0})`).join(', ')}`;
}

function StatusField(props: { label: string; action: Action; value: ComponentStatus; onChange: (status: ComponentStatus) => void; hint?: string }) {
  return (
    <Field label={props.label} field="status" action={props.action} hint={props.hint}>
      {(id, d) => (
        <select id={id} aria-describedby={d} value={props.value} onChange={(e) => props.onChange(e.target.value as ComponentStatus)}>
          {COMPONENT_STATUSES.map((s) => (
            <option key={s} value={s}>
              {COMPONENT_STATUS_LABELS[s]}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** The status chosen follows the component's until changed here (useFollowing): someone else setting it meanwhile neither resets the choice nor goes unsaid. */
function ComponentRow({ incident, component, onChanged }: { incident: Incident; component: Component; onChanged: (i: Incident) => void }) {
  const { api, permissions } = useConsole();
  const action = useAction();
  const current = incident.statusPage.components[component.id] ?? 'operational';
  const chosen = useFollowing<ComponentStatus>(current);
  const status = chosen.value;
  const set = async (event: FormEvent) => {
    event.preventDefault();
    await action.run(async () => onChanged(await api.write<Incident>('PUT', `/incidents/${incident.id}/components/${component.id}`, { status })));
  };
  return (
    <li className="component-row">
      <form className="inline-form" onSubmit={(e) => void set(e)} aria-label={`${component.name} during ${incident.id}`}>
        <span className="component-name">
          <strong>{component.name}</strong> <span className={`status-${current}`}>{COMPONENT_STATUS_LABELS[current]}</span>
        </span>
        {permissions.respond && incident.state === 'open' ? (
          <>
            <StatusField
              label={`Status of ${component.name}`}
              action={action}
              value={status}
              onChange={chosen.set}
              hint={changedMeanwhile(chosen.theirs && COMPONENT_STATUS_LABELS[chosen.theirs])}
            />
            <button type="submit" disabled={action.busy || status === current}>
              Set {component.name}
            </button>
          </>
        ) : null}
        <FormError action={action} fields={['status']} />
      </form>
    </li>
  );
}

function AddComponent({ incident, components, onChanged }: { incident: Incident; components: Component[]; onChanged: (i: Incident) => void }) {
  const { api } = useConsole();
  const action = useAction();
  const others = components.filter((c) => !incident.components.includes(c.id));
  const [chosen, setChosen] = useChoice(others.map((c) => c.id));
  const [status, setStatus] = useState<ComponentStatus>('degraded_performance');
  if (others.length === 0) return null;
  const add = async (event: FormEvent) => {
    event.preventDefault();
    if (await action.run(async () => onChanged(await api.write<Incident>('PUT', `/incidents/${incident.id}/components/${chosen}`, { status })))) setChosen('');
  };
  return (
    <form className="inline-form" onSubmit={(e) => void add(e)} aria-label={`Add an affected component to ${incident.id}`}>
      <Field label="Also affected" field="componentId" action={action}>
        {(id, d) => (
          <select id={id} aria-describedby={d} value={chosen} onChange={(e) => setChosen(e.target.value)}>
            <option value="">Choose a component</option>
            {others.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <StatusField label="As" action={action} value={status} onChange={setStatus} />
      <button type="submit" disabled={action.busy || !chosen}>
        Add component
      </button>
      <FormError action={action} fields={['componentId', 'status']} />
    </form>
  );
}

export function StatusControls(props: { incident: Incident; severity: Severity | undefined; components: Component[]; counts: SubscriberCounts | null; onChanged: (i: Incident) => void; heading?: 'h2' | 'h3' }) {
  const { incident, severity, components, counts, onChanged } = props;
  const { api, permissions } = useConsole();
  const publication = useAction();
  const Heading = props.heading ?? 'h2';
  const headingId = `status-controls-${incident.id}`;
  const byPolicy = severity?.audience === 'public';
  const canWrite = permissions.respond && incident.state === 'open';
  const affected = incident.components.map((id) => components.find((c) => c.id === id) ?? { id, name: id, group: null, description: null, order: 0, source: 'api' as const, status: 'operational' as const, version: 0, createdAt: null, updatedAt: null });
  const toggle = (path: 'publish' | 'unpublish') => void publication.run(async () => onChanged(await api.write<Incident>('POST', `/incidents/${incident.id}/${path}`, undefined, { ifMatch: incident.version })));

  return (
    <section className="panel status-controls" aria-labelledby={headingId}>
      <Heading id={headingId}>Status page{props.heading === 'h3' ? `: ${incident.id} ${incident.title}` : ''}</Heading>
      <div className="row wrap">
        {incident.private ? (
          <Badge tone="grey">Private: never on the status page</Badge>
        ) : incident.statusPage.public ? (
          <Badge tone="green">On the public page</Badge>
        ) : (
          <Badge tone="grey">Not on the public page</Badge>
        )}
        {!incident.private && byPolicy ? <span className="hint">{incident.severity} is public by policy (R10).</span> : null}
        {!incident.private && !byPolicy && incident.statusPage.publishedAt ? <span className="hint">Published by a responder.</span> : null}
        {canWrite && !incident.private && !incident.statusPage.public ? (
          <button type="button" onClick={() => toggle('publish')} disabled={publication.busy}>
            Publish {incident.id}
          </button>
        ) : null}
        {canWrite && !incident.private && incident.statusPage.public && !byPolicy ? (
          <button type="button" onClick={() => toggle('unpublish')} disabled={publication.busy}>
            Take {incident.id} off the public page
          </button>
        ) : null}
      </div>
      <FormError action={publication} fields={[]} />
      {counts && !incident.private ? <p className="muted">Public updates reach {reached(counts, affected)}.</p> : null}
      {affected.length > 0 ? (
        <ul className="components" aria-label={`Affected components of ${incident.id}`}>
          {affected.map((c) => (
            <ComponentRow key={c.id} incident={incident} component={c} onChanged={onChanged} />
          ))}
        </ul>
      ) : (
        <p className="muted">No affected components named.</p>
      )}
      {canWrite ? <AddComponent incident={incident} components={components} onChanged={onChanged} /> : null}
    </section>
  );
}
