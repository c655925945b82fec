/**
 * Insights: how incidents went over a period — counts by week, times to acknowledge, declare,
 * first update and resolve, whether the "next update by" promise was kept, overdue incidents
 * and postmortems — with the definitions written on the page and the same figures as CSV.
 */
import { useCallback, useEffect, useState } from 'react';
import { useConsole } from '../console-context.js';
import { linkProps } from '../router.js';
import { formatDuration, utcTime } from '../time.js';
import { useLoaded, LoadError } from '../admin/shared.js';
import type { Insights, Severity } from '../types.js';
import { PromiseChart, WeeklyChart } from './charts.js';


const PERIODS = [
  { days: 30, label: 'Last 30 days' },
  { days: 90, label: 'Last 90 days' },
  { days: 365, label: 'Last 12 months' },
];
const DAY_MS = 86_400_000;

type Distribution = Insights['durations']['timeToDeclare'];
type Compliance = Insights['updatePromises']['overall'];

/** The definitions' keys (the API's field names) as the page titles them. */
const TERMS: Record<string, string> = {
  period: 'Period',
  timeToAcknowledge: 'Time to acknowledge',
  timeToDeclare: 'Time to declare',
  timeToFirstUpdate: 'Time to first update',
  timeToResolve: 'Time to resolve',
  timeInStatus: 'Time in each status',
  updatePromises: '“Next update by” promises',
  byCommsLead: 'By Comms Lead',
  overdue: 'Kept waiting',
  postmortems: 'Postmortems',
  followUps: 'Follow-ups',
  percentiles: 'Median and p90',
};

const seconds = (s: number | null) => (s === null ? '–' : formatDuration(s * 1000));
const kept = (c: Compliance) => (c.share === null ? 'none judged' : `${Math.round(c.share * 100)}% (${c.kept} of ${c.judged})`);

function Spread({ label, d }: { label: string; d: Distribution }) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td>{d.count}</td>
      <td>{seconds(d.medianSeconds)}</td>
      <td>{seconds(d.p90Seconds)}</td>
    </tr>
  );
}

function PromiseRow({ label, c }: { label: string; c: Compliance }) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td>{kept(c)}</td>
      <td>{seconds(c.medianLatenessSeconds)}</td>
      <td>{seconds(c.worstLatenessSeconds)}</td>
    </tr>
  );
}

export function InsightsScreen() {
  const { api } = useConsole();
  const [days, setDays] = useState(90);
  const [severity, setSeverity] = useState('');
  const [severities, setSeverities] = useState<Severity[]>([]);
  useEffect(() => {
    api.get<Severity[]>('/severities').then(setSeverities, () => setSeverities([]));
  }, [api]);
  const [query, setQuery] = useState('');
  useEffect(() => {
    const to = new Date();
    const q = new URLSearchParams({ from: new Date(to.getTime() - days * DAY_MS).toISOString(), to: to.toISOString() });
    if (severity) q.set('severity', severity);
    setQuery(q.toString());
  }, [days, severity]);
  const load = useCallback(() => (query ? api.get<Insights>(`/insights?${query}`) : Promise.resolve(null)), [api, query]);
  const { data: report, error } = useLoaded(load);
  const order = severities.map((s) => s.id);
  const shown = report ? [...order.filter((id) => report.incidents.bySeverity.some((s) => s.severity === id)), ...report.incidents.bySeverity.map((s) => s.severity).filter((id) => !order.includes(id))] : [];

  return (
    <main className="insights">
      <h1>Insights</h1>
      <div className="row wrap panel" role="group" aria-label="Period and severity">
        <label>
          Period{' '}
          <select value={days} onChange={(e) => setDays(Number(e.target.value))}>
            {PERIODS.map((p) => (
              <option key={p.days} value={p.days}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Severity{' '}
          <select value={severity} onChange={(e) => setSeverity(e.target.value)}>
            <option value="">All</option>
            {severities.map((s) => (
              <option key={s.id} value={s.id}>
                {s.id}
              </option>
            ))}
          </select>
        </label>
        {query ? (
          <a className="button" href={`/api/v1/insights.csv?${query}`} download="insights.csv">
            Download CSV
          </a>
        ) : null}
      </div>
      <LoadError error={error} />
      {report ? (
        <>
          <p className="muted">
            Incidents declared from {utcTime(report.from)} to {utcTime(report.to)}
            {report.severity ? `, ${report.severity} only` : ''}.
          </p>
          <dl className="tiles">
            <div>
              <dt>Incidents</dt>
              <dd>{report.incidents.total}</dd>
            </div>
            <div>
              <dt>Update promises kept</dt>
              <dd>{kept(report.updatePromises.overall)}</dd>
            </div>
            <div>
              <dt>Median time to first update</dt>
              <dd>{seconds(report.durations.timeToFirstUpdate.medianSeconds)}</dd>
            </div>
            <div>
              <dt>Median time to resolve</dt>
              <dd>{seconds(report.durations.timeToResolve.medianSeconds)}</dd>
            </div>
          </dl>
          <section className="panel" aria-labelledby="insights-weekly">
            <h2 id="insights-weekly">Incidents per week</h2>
            {report.incidents.byWeek.length ? (
              <WeeklyChart report={report} severities={shown} />
            ) : (
              <p className="muted">No incident declared in this period.</p>
            )}
          </section>
          <section className="panel" aria-labelledby="insights-times">
            <h2 id="insights-times">How fast</h2>
            <table>
              <thead>
                <tr>
                  <th scope="col">Measure</th>
                  <th scope="col">Incidents</th>
                  <th scope="col">Median</th>
                  <th scope="col">p90</th>
                </tr>
              </thead>
              <tbody>
                <Spread label="Time to acknowledge (alert groups)" d={report.durations.timeToAcknowledge} />
                <Spread label="Time to declare" d={report.durations.timeToDeclare} />
                <Spread label="Time to first update" d={report.durations.timeToFirstUpdate} />
                <Spread label="Time to resolve" d={report.durations.timeToResolve} />
                <Spread label="Investigating" d={report.timeInStatus.investigating} />
                <Spread label="Identified" d={report.timeInStatus.identified} />
                <Spread label="Monitoring" d={report.timeInStatus.monitoring} />
                <Spread label="Postmortem published after resolve" d={report.postmortems.afterResolve} />
              </tbody>
            </table>
          </section>
          <section className="panel" aria-labelledby="insights-promises">
            <h2 id="insights-promises">“Next update by”: promises kept</h2>
            {report.updatePromises.overall.judged ? (
              <PromiseChart report={report} />
            ) : null}
            <table>
              <thead>
                <tr>
                  <th scope="col">Who or which severity</th>
                  <th scope="col">Kept</th>
                  <th scope="col">Median lateness</th>
                  <th scope="col">Worst lateness</th>
                </tr>
              </thead>
              <tbody>
                <PromiseRow label="All" c={report.updatePromises.overall} />
                {report.updatePromises.bySeverity.map((c) => (
                  <PromiseRow key={c.severity} label={c.severity} c={c} />
                ))}
                {report.updatePromises.byCommsLead.map((c) => (
                  <PromiseRow key={c.commsLead ?? ''} label={c.commsLead === null ? 'No Comms Lead (the IC ran comms)' : `Comms Lead @${c.commsLead}`} c={c} />
                ))}
              </tbody>
            </table>
          </section>
          <section className="panel" aria-labelledby="insights-overdue">
            <h2 id="insights-overdue">Kept waiting</h2>
            {report.overdue.length ? (
              <ol>
                {report.overdue.map((o) => (
                  <li key={o.incident}>
                    <a {...linkProps(`/incidents/${o.incident}`)}>{o.incident}</a> ({o.severity}): {o.overdueMinutes} minutes past its promises
                  </li>
                ))}
              </ol>
            ) : (
              <p className="muted">Every promise was kept.</p>
            )}
            <p>
              Postmortems: {report.postmortems.published} of {report.postmortems.required} required published.
            </p>
          </section>
          <section className="panel" aria-labelledby="insights-follow-ups">
            <h2 id="insights-follow-ups">Follow-ups</h2>
            <dl className="tiles" aria-label="Follow-ups in the period">
              <div>
                <dt>Opened</dt>
                <dd>{report.followUps.opened}</dd>
              </div>
              <div>
                <dt>Done</dt>
                <dd>{report.followUps.done}</dd>
              </div>
              <div>
                <dt>Won&apos;t do</dt>
                <dd>{report.followUps.wontDo}</dd>
              </div>
              <div>
                <dt>Overdue at {utcTime(report.followUps.overdueAt)}</dt>
                <dd>{report.followUps.overdue}</dd>
              </div>
            </dl>
            <p>
              <a {...linkProps('/follow-ups')}>All follow-ups</a>
            </p>
          </section>
          <section className="panel" aria-labelledby="insights-definitions">
            <h2 id="insights-definitions">How each figure is counted</h2>
            <dl className="definitions">
              {Object.entries(report.definitions).map(([term, text]) => (
                <div key={term}>
                  <dt>{TERMS[term] ?? term}</dt>
                  <dd>{text}</dd>
                </div>
              ))}
            </dl>
          </section>
        </>
      ) : null}
    </main>
  );
}
