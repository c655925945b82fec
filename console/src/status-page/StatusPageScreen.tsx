/**
 * The status page from the responders' side: what each component shows now, who is
 * subscribed, every open incident's status page controls, and maintenance windows. Live:
 * any incident change (a component set, a publication) re-reads the page's state.
 */
import { useCallback, useEffect, useState } from 'react';
import { COMPONENT_STATUS_LABELS } from '../../../src/domain/status-page/components.js';
import { useConsole } from '../console-context.js';
import { useLive } from '../live.js';
import type { Incident, Maintenance, Severity } from '../types.js';
import { StatusControls } from './StatusControls.js';
import { useStatusPageData } from './data.js';
import { MaintenancePanel } from './Maintenance.js';
import { LoadError } from '../ui.js';

export function StatusPageScreen() {
  const { api } = useConsole();
  const { components, counts, reloadShared } = useStatusPageData();
  const [incidents, setIncidents] = useState<Incident[]>([]);
  const [severities, setSeverities] = useState<Severity[]>([]);
  const [windows, setWindows] = useState<Maintenance[]>([]);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(async () => {
    try {
      const [open, scheduled, running] = await Promise.all([
        api.get<Incident[]>('/incidents?state=open'),
        api.get<Maintenance[]>('/maintenances?state=scheduled'),
        api.get<Maintenance[]>('/maintenances?state=in_progress'),
        reloadShared(),
      ]);
      setIncidents(open);
      setWindows([...running, ...scheduled]);
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }, [api, reloadShared]);

  useEffect(() => {
    void reload();
    api.get<Severity[]>('/severities').then(setSeverities, () => setSeverities([]));
  }, [api, reload]);
  useLive(() => void reload());

  return (
    <main className="status-page-screen">
      <div className="row wrap">
        <h1>Status page</h1>
        <a href="/status" target="_blank" rel="noopener">
          Open the public page (new tab)
        </a>
      </div>
      <LoadError error={error} />
      <div className="room-grid">
        <div>
          <section aria-labelledby="open-incidents-heading">
            <h2 id="open-incidents-heading">Open incidents ({incidents.length})</h2>
            {incidents.length === 0 ? <p className="muted">No open incidents.</p> : null}
            {incidents.map((incident) => (
              <StatusControls
                key={incident.id}
                heading="h3"
                incident={incident}
                severity={severities.find((s) => s.id === incident.severity)}
                components={components}
                counts={counts}
                onChanged={() => void reload()}
              />
            ))}
          </section>
          <MaintenancePanel windows={windows} components={components} onChanged={() => void reload()} />
        </div>
        <div>
          <section className="panel" aria-labelledby="components-heading">
            <h2 id="components-heading">Components now</h2>
            <table className="components-now">
              <thead>
                <tr>
                  <th scope="col">Component</th>
                  <th scope="col">Shows</th>
                  <th scope="col">Subscribers</th>
                </tr>
              </thead>
              <tbody>
                {components.map((c) => (
                  <tr key={c.id}>
                    <td>
                      {c.group ? `${c.group}: ` : ''}
                      {c.name}
                    </td>
                    <td className={`status-${c.status}`}>{COMPONENT_STATUS_LABELS[c.status]}</td>
                    <td>{counts?.components[c.id] ?? '–'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          {counts ? (
            <section className="panel" aria-labelledby="subscribers-heading">
              <h2 id="subscribers-heading">Subscribers</h2>
              <ul>
                <li>{counts.email.confirmed} e-mail subscribers confirmed</li>
                <li>{counts.email.pending} waiting to confirm (they hear nothing yet)</li>
                <li>{counts.webhooks} webhooks</li>
                <li>{counts.everything} follow every component</li>
              </ul>
            </section>
          ) : null}
        </div>
      </div>
    </main>
  );
}
