/** Every incident the reader may see, open first: severity, status, age, IC, and what needs attention now. */
import { useCallback, useEffect, useState } from 'react';
import { useConsole } from '../console-context.js';
import { useLive } from '../live.js';
import { linkProps } from '../router.js';
import type { Incident, Severity } from '../types.js';
import { STATUS_LABELS } from '../../../src/presenters/status-update.js';
import { Badge, LoadError } from '../ui.js';
import { age, useNow, utcTime } from '../time.js';

/** The most severe level (first in the policy) is red, the next amber, the rest grey. */
export function severityTone(id: string, severities: Severity[]): 'red' | 'amber' | 'grey' {
  const index = severities.findIndex((s) => s.id === id);
  return index === 0 ? 'red' : index === 1 ? 'amber' : 'grey';
}

const STATES = [
  { value: '', label: 'All' },
  { value: 'open', label: 'Open' },
  { value: 'resolved', label: 'Resolved, postmortem owed' },
  { value: 'closed', label: 'Closed' },
] as const;

export function IncidentList() {
  const { api } = useConsole();
  const now = useNow(10_000);
  const [state, setState] = useState('');
  const [severity, setSeverity] = useState('');
  const [severities, setSeverities] = useState<Severity[]>([]);
  const [incidents, setIncidents] = useState<Incident[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(async () => {
    const query = new URLSearchParams();
    if (state) query.set('state', state);
    if (severity) query.set('severity', severity);
    try {
      setIncidents(await api.get<Incident[]>(`/incidents?${query.toString()}`));
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }, [api, state, severity]);

  useEffect(() => void reload(), [reload]);
  useEffect(() => {
    api.get<Severity[]>('/severities').then(setSeverities, () => setSeverities([]));
  }, [api]);
  useLive(() => void reload());

  return (
    <main className="list">
      <div className="row wrap">
        <h1>Incidents</h1>
        <label className="inline">
          State{' '}
          <select value={state} onChange={(e) => setState(e.target.value)}>
            {STATES.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          Severity{' '}
          <select value={severity} onChange={(e) => setSeverity(e.target.value)}>
            <option value="">All</option>
            {severities.map((s) => (
              <option key={s.id} value={s.id}>
                {s.id} ({s.name})
              </option>
            ))}
          </select>
        </label>
      </div>
      <LoadError error={error} />
      {incidents === null ? <p>Loading…</p> : null}
      {incidents?.length === 0 ? <p className="muted">No incidents here. When something is user-impacting, declare: it is cheap to downgrade.</p> : null}
      {incidents && incidents.length > 0 ? (
        <table className="incidents">
          <thead>
            <tr>
              <th scope="col">Incident</th>
              <th scope="col">Severity</th>
              <th scope="col">Status</th>
              <th scope="col">Age</th>
              <th scope="col">IC</th>
              <th scope="col">Needs attention</th>
            </tr>
          </thead>
          <tbody>
            {incidents.map((i) => (
              <tr key={i.id} className={i.state === 'open' ? 'open' : 'done'}>
                <td>
                  <a {...linkProps(`/incidents/${i.id}`)}>
                    {i.id} {i.title}
                  </a>
                </td>
                <td>
                  <Badge tone={severityTone(i.severity, severities)}>{i.severity}</Badge>
                </td>
                <td>{STATUS_LABELS[i.status]}</td>
                <td title={`impact began ${utcTime(i.startedAt)}`}>{age(i.startedAt, i.resolvedAt ? Date.parse(i.resolvedAt) : now)}</td>
                <td>@{i.roles.incident_commander}</td>
                <td className="flags">
                  {i.drill ? <Badge tone="amber">DRILL</Badge> : null}
                  {i.overdue ? <Badge tone="red">Overdue</Badge> : i.updateDue ? <Badge tone="amber">Due soon</Badge> : null}
                  {i.roleGaps.length > 0 ? <Badge tone="red">Role gap</Badge> : null}
                  {i.state !== 'open' && i.postmortem.state === 'owed' ? <Badge tone="amber">Postmortem owed</Badge> : null}
                  {i.private ? <Badge tone="grey">Private</Badge> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </main>
  );
}
