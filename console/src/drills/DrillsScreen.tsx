/**
 * Drills (README "Drills"): start a scripted incident at a chosen speed, follow and stop the
 * drills, and read an ended drill's scorecard. The trainee runs the drill's incident in its
 * room like any other; it is marked DRILL there and kept in the building.
 */
import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import { drillsApi } from '../api.js';
import { useConsole } from '../console-context.js';
import { linkProps } from '../router.js';
import { utcTime } from '../time.js';
import { Badge, Field, FormError, useAction } from '../ui.js';
import { LoadError, useLoaded } from '../admin/shared.js';
import type { Drill, DrillScript } from '../types.js';
import { Scorecard } from './Scorecard.js';

/** While a drill runs its steps arrive on the server's schedule: the page looks again this often. */
const POLL_MS = 3000;

const stateText = (d: Drill) => (d.state === 'running' ? 'Running' : d.endedHow === 'resolved' ? 'Ended: resolved' : 'Ended: stopped');

function StartForm({ scripts, onStarted }: { scripts: DrillScript[]; onStarted: (d: Drill) => void }) {
  const { api } = useConsole();
  const action = useAction();
  const [script, setScript] = useState('');
  const [speed, setSpeed] = useState('10');
  const [notify, setNotify] = useState(false);
  const chosen = script || scripts[0]?.name || '';
  const about = scripts.find((s) => s.name === chosen);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await action.run(async () => onStarted(await drillsApi(api).start({ script: chosen, speed: Number(speed), ...(notify ? { notify: true } : {}) })));
  };

  return (
    <form className="panel" onSubmit={(e) => void submit(e)} aria-labelledby="drill-start">
      <h2 id="drill-start">Start a drill</h2>
      <Field label="Script" field="script" action={action} hint={about ? `${about.title} (${about.steps} steps)${about.description ? `: ${about.description}` : ''}` : undefined}>
        {(id, d) => (
          <select id={id} aria-describedby={d} value={chosen} onChange={(e) => setScript(e.target.value)}>
            {scripts.map((s) => (
              <option key={s.name} value={s.name}>
                {s.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Speed" field="speed" action={action} hint="How many times faster than the script plays: 1 is real time, 10 plays 30 minutes in 3.">
        {(id, d) => <input id={id} aria-describedby={d} type="number" min="0.1" max="1000" step="any" value={speed} onChange={(e) => setSpeed(e.target.value)} required />}
      </Field>
      <div className="field">
        <label>
          <input type="checkbox" checked={notify} onChange={(e) => setNotify(e.target.checked)} /> Let this drill reach webhooks, e-mail, chat and the status page
        </label>
      </div>
      <FormError action={action} fields={['script', 'speed']} />
      <button type="submit" className="primary" disabled={action.busy || !chosen}>
        {action.busy ? 'Starting…' : 'Start drill'}
      </button>
    </form>
  );
}

function DrillRow({ drill, canRun, onChanged }: { drill: Drill; canRun: boolean; onChanged: () => void }) {
  const { api } = useConsole();
  const action = useAction();
  const stop = () => action.run(async () => {
    await drillsApi(api).stop(drill.id);
    onChanged();
  });
  return (
    <li className="panel drill">
      <div className="row wrap">
        <strong>
          <a {...linkProps(`/drills/${drill.id}`)}>{drill.title}</a>
        </strong>
        <Badge tone={drill.state === 'running' ? 'amber' : 'grey'}>{stateText(drill)}</Badge>
        {drill.notify ? <Badge tone="red">Notifies</Badge> : null}
      </div>
      <p className="muted">
        {drill.id} · script {drill.script} · {drill.speed}× · step {drill.stepsDone} of {drill.steps} · started {utcTime(drill.startedAt)} by @{drill.startedBy}
        {drill.endedAt ? ` · ended ${utcTime(drill.endedAt)}` : ''}
      </p>
      <div className="row wrap">
        {drill.incident ? <a {...linkProps(`/incidents/${drill.incident}`)}>Open {drill.incident}</a> : <span>Not declared yet: its alerts are in the <a {...linkProps('/alerts')}>alert inbox</a>.</span>}
        {drill.state === 'ended' ? <a {...linkProps(`/drills/${drill.id}`)}>Scorecard of {drill.id}</a> : null}
        {drill.state === 'running' && canRun ? (
          <button type="button" onClick={() => void stop()} disabled={action.busy} aria-label={`Stop drill ${drill.id}`}>
            {action.busy ? 'Stopping…' : 'Stop'}
          </button>
        ) : null}
      </div>
      <FormError action={action} fields={[]} />
    </li>
  );
}

function DrillDetail({ id }: { id: string }) {
  const { api } = useConsole();
  const load = useCallback(() => drillsApi(api).get(id), [api, id]);
  const { data: drill, error, reload } = useLoaded(load);
  const running = drill?.state === 'running';
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => void reload(), POLL_MS);
    return () => clearInterval(timer);
  }, [running, reload]);
  return (
    <>
      <p>
        <a {...linkProps('/drills')}>All drills</a>
      </p>
      <LoadError error={error} />
      {drill ? (
        <>
          <section className="panel" aria-labelledby="drill-title">
            <h2 id="drill-title">
              {drill.title} <Badge tone={running ? 'amber' : 'grey'}>{stateText(drill)}</Badge>
            </h2>
            <p className="muted">
              {drill.id} · script {drill.script} · {drill.speed}× · step {drill.stepsDone} of {drill.steps} · started {utcTime(drill.startedAt)} by @{drill.startedBy}
            </p>
            {drill.incident ? <a {...linkProps(`/incidents/${drill.incident}`)}>Open {drill.incident}</a> : <p>Not declared yet.</p>}
          </section>
          {drill.scorecard ? <Scorecard card={drill.scorecard} final={!running} titleId="drill-scorecard" /> : null}
        </>
      ) : null}
    </>
  );
}

export function DrillsScreen({ id }: { id: string | null }) {
  const { api, permissions } = useConsole();
  const loadScripts = useCallback(() => drillsApi(api).scripts(), [api]);
  const scripts = useLoaded(loadScripts);
  const loadDrills = useCallback(() => drillsApi(api).list(), [api]);
  const drills = useLoaded(loadDrills);
  const [started, setStarted] = useState<Drill | null>(null);
  const running = useMemo(() => (drills.data ?? []).some((d) => d.state === 'running'), [drills.data]);
  const { reload } = drills;
  useEffect(() => {
    if (!running || id) return;
    const timer = setInterval(() => void reload(), POLL_MS);
    return () => clearInterval(timer);
  }, [running, id, reload]);

  return (
    <main className="drills">
      <h1>Drills</h1>
      <p className="hint">
        A drill replays a scripted incident: its alerts arrive, scripted SMEs post findings and what they ruled out, a stakeholder asks for news. Run it with the real
        commands. A drill&apos;s incident is marked DRILL, kept off the status page, chat, pages and webhooks (unless started to reach them) and out of insights, and
        ends with a scorecard.
      </p>
      {id ? (
        <DrillDetail id={id} />
      ) : (
        <>
          {permissions.declare && scripts.data ? (
            <StartForm
              scripts={scripts.data}
              onStarted={(d) => {
                setStarted(d);
                void reload();
              }}
            />
          ) : null}
          <LoadError error={scripts.error} />
          {started ? (
            <p role="status">
              Started {started.id} at {started.speed}×. Its first alert arrives in the <a {...linkProps('/alerts')}>alert inbox</a>: acknowledge, assess and declare.
            </p>
          ) : null}
          <section aria-labelledby="drill-list">
            <h2 id="drill-list">All drills</h2>
            <LoadError error={drills.error} />
            {drills.data && drills.data.length === 0 ? <p>No drills yet.</p> : null}
            <ul className="drill-list">
              {(drills.data ?? []).map((d) => (
                <DrillRow key={d.id} drill={d} canRun={permissions.declare} onChanged={() => void reload()} />
              ))}
            </ul>
          </section>
        </>
      )}
    </main>
  );
}

