/**
 * What changed: the changes of the hour before the impact began and of the incident since,
 * those on the incident's components first and marked; one click puts a change on the
 * timeline as a hypothesis (once: then the panel says which entry it is).
 */
import { useEffect, useState } from 'react';
import type { Static } from 'typebox';
import { useConsole } from '../console-context.js';
import type { IncidentChangesSchema } from '../../../src/http/change-schemas.js';
import type { Incident } from '../types.js';
import { Badge, FormError, useAction } from '../ui.js';
import { utcTime } from '../time.js';

type RoomChanges = Static<typeof IncidentChangesSchema>;
type RoomChange = RoomChanges['changes'][number];

function ChangeRow({ incident, change, canSuspect, onChanged }: { incident: Incident; change: RoomChange; canSuspect: boolean; onChanged: () => void }) {
  const { api } = useConsole();
  const action = useAction();
  const suspect = async () => {
    const ok = await action.run(async () => {
      await api.write('POST', `/incidents/${incident.id}/changes/${change.id}/hypothesis`, {});
    });
    if (ok) onChanged();
  };
  return (
    <li className={`change${change.touchesIncident ? ' change-ours' : ''}`} aria-label={`Change: ${change.summary}`}>
      <div className="row wrap">
        <Badge tone={change.kind === 'deploy' ? 'blue' : change.kind === 'batch-job' ? 'amber' : 'grey'}>{change.kind}</Badge>
        <strong>{change.summary}</strong>
        <span className="muted">
          {utcTime(change.at).slice(11)} {change.when === 'before' ? '(before impact)' : '(during)'}
        </span>
      </div>
      <div className="row wrap">
        {change.components.length ? (
          <span>
            {change.touchesIncident ? <Badge tone="red">on this incident&apos;s components</Badge> : null} {change.components.join(', ')}
          </span>
        ) : (
          <span className="muted">no components named</span>
        )}
        {change.source ? <span className="muted">from {change.source}</span> : null}
        {change.links.map((l) => (
          <a key={l.href} href={l.href} target="_blank" rel="noreferrer">
            {l.text ?? l.href}
          </a>
        ))}
      </div>
      {change.hypothesis !== null ? (
        <p className="muted">On the timeline as hypothesis #{change.hypothesis}.</p>
      ) : canSuspect ? (
        <button type="button" className="small" disabled={action.busy} onClick={() => void suspect()}>
          Suspect this change
        </button>
      ) : null}
      <FormError action={action} fields={['changeId']} />
    </li>
  );
}

/** `revision` changes whenever the room reloads: a new change or hypothesis shows without a refresh. */
export function ChangesPanel({ incident, revision, onChanged }: { incident: Incident; revision: number; onChanged: () => void }) {
  const { api, permissions } = useConsole();
  const [found, setFound] = useState<RoomChanges | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.get<RoomChanges>(`/incidents/${incident.id}/changes`).then(
      (answer) => {
        setFound(answer);
        setError(null);
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, [api, incident.id, revision]);
  const ours = found?.changes.filter((c) => c.touchesIncident).length ?? 0;
  return (
    <section className="panel changes" aria-labelledby="changes-title">
      <div className="row wrap">
        <h2 id="changes-title">What changed</h2>
        {found ? (
          <span className="muted">
            {utcTime(found.from).slice(11)}–{utcTime(found.to).slice(11)} · {found.changes.length} changes, {ours} on its components
          </span>
        ) : null}
      </div>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {found && found.changes.length === 0 ? <p className="muted">No deploys, config pushes, flags or batch jobs in the hour before the impact began, or since.</p> : null}
      {found && found.changes.length ? (
        <ul className="change-list" aria-label="Changes, those on this incident's components first">
          {found.changes.map((change) => (
            <ChangeRow key={change.id} incident={incident} change={change} canSuspect={permissions.respond && incident.mergedInto === null} onChanged={onChanged} />
          ))}
        </ul>
      ) : null}
    </section>
  );
}
