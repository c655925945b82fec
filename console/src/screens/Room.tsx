/** The incident room: one page with who holds which role, what we know, what we ruled out, and how long until the next update is owed. */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useConsole } from '../console-context.js';
import { useLive } from '../live.js';
import { linkProps } from '../router.js';
import type { Entry, Incident, Person, Severity } from '../types.js';
import { STATUS_LABELS } from '../../../src/presenters/status-update.js';
import { Badge, CopyButton, Field, FormError, useAction } from '../ui.js';
import { formatDuration, useNow, utcTime, localTime } from '../time.js';
import { Countdown } from '../room/Countdown.js';
import { RolePanel } from '../room/RolePanel.js';
import { Checklists } from '../room/Checklists.js';
import { UpdateComposer } from '../room/UpdateComposer.js';
import { DraftsPanel } from '../room/Drafts.js';
import { Timeline } from '../room/Timeline.js';
import { ResolvePanel } from '../room/Resolve.js';
import { PostmortemPanel } from '../postmortem/PostmortemPanel.js';
import { EditDetails, MergePanel, ReopenPanel } from '../room/Evolve.js';
import { Replay } from '../room/Replay.js';
import { FindingsForYou, TasksPanel } from '../room/Tasks.js';
import { IncidentFollowUps } from '../follow-ups/IncidentFollowUps.js';
import { ChangesPanel } from '../room/Changes.js';
import { severityTone } from './IncidentList.js';
import { StatusControls } from '../status-page/StatusControls.js';
import { useStatusPageData } from '../status-page/data.js';
import { useChoice } from '../following.js';

function SeverityChange({ incident, severities, onChanged }: { incident: Incident; severities: Severity[]; onChanged: (i: Incident) => void }) {
  const { api } = useConsole();
  const action = useAction();
  const offered = severities.filter((s) => s.id !== incident.severity);
  const [severity, setSeverity] = useChoice(offered.map((s) => s.id));
  const [reason, setReason] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const ok = await action.run(async () =>
      onChanged(await api.write<Incident>('POST', `/incidents/${incident.id}/severity`, { severity, reason }, { ifMatch: incident.version })),
    );
    if (ok) {
      setSeverity('');
      setReason('');
    }
  };
  return (
    <form className="inline-form severity-change" onSubmit={(e) => void submit(e)}>
      <Field label="Change severity" field="severity" action={action}>
        {(id, d) => (
          <select id={id} aria-describedby={d} value={severity} onChange={(e) => setSeverity(e.target.value)}>
            <option value="">Keep {incident.severity}</option>
            {offered.map((s) => (
              <option key={s.id} value={s.id}>
                {s.id} ({s.name})
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Reason" field="reason" action={action}>
        {(id, d) => <input id={id} aria-describedby={d} value={reason} onChange={(e) => setReason(e.target.value)} placeholder="why, for the timeline" />}
      </Field>
      <button type="submit" disabled={action.busy || !severity}>
        Change severity
      </button>
      <FormError action={action} fields={['severity', 'reason']} />
    </form>
  );
}

function Header({ incident, severities, onChanged }: { incident: Incident; severities: Severity[]; onChanged: (i: Incident) => void }) {
  const { permissions } = useConsole();
  const now = useNow(1000);
  const open = incident.state === 'open';
  return (
    <header className="room-header panel">
      <div className="row wrap">
        <h1>
          {incident.id} · {incident.title}
        </h1>
        <Badge tone={severityTone(incident.severity, severities)}>{incident.severity}</Badge>
        <Badge tone={incident.status === 'resolved' ? 'green' : 'blue'}>{STATUS_LABELS[incident.status]}</Badge>
        {incident.drill ? <Badge tone="amber">DRILL</Badge> : null}
        {incident.private ? <Badge tone="grey">Private</Badge> : null}
        {incident.overdue ? <Badge tone="red">Overdue</Badge> : null}
        {incident.roleGaps.length > 0 ? <Badge tone="red">Role gap</Badge> : null}
        {incident.state !== 'open' && incident.postmortem.state === 'owed' ? <Badge tone="amber">Postmortem owed</Badge> : null}
      </div>
      <div className="row wrap muted">
        <span>#{incident.channel}</span>
        <span>
          Impact began {utcTime(incident.startedAt)} ({localTime(incident.startedAt)}),{' '}
          <strong>{formatDuration(Math.max(0, (incident.resolvedAt ? Date.parse(incident.resolvedAt) : now) - Date.parse(incident.startedAt)))}</strong>
          {incident.resolvedAt ? ' until resolved' : ' ago'}
        </span>
        <span>Declared {utcTime(incident.declaredAt)} by @{incident.declaredBy}</span>
      </div>
      {incident.drill ? (
        <p className="hint">
          A drill (<a {...linkProps(`/drills/${incident.drill.id}`)}>{incident.drill.id}</a>): run it by the playbook;{' '}
          {incident.drill.notify ? 'it was started to reach webhooks, e-mail, chat and the status page.' : 'it stays off the status page, chat, pages and webhooks.'} It is left out of insights.
        </p>
      ) : null}
      {incident.summary ? <p>{incident.summary}</p> : null}
      <Countdown nextUpdateBy={incident.nextUpdateBy} updateDueAt={incident.updateDueAt} resolved={!open} />
      <div className="row wrap">
        {incident.announcement ? <CopyButton text={incident.announcement} label="Copy channel announcement" /> : null}
        {incident.lastUpdate ? <CopyButton text={incident.lastUpdate.markdown} label="Copy last update" /> : null}
      </div>
      {open && permissions.respond ? (
        <>
          <SeverityChange incident={incident} severities={severities} onChanged={onChanged} />
          <p className="hint">When in doubt, declare higher: downgrading is one step.</p>
        </>
      ) : null}
    </header>
  );
}

export function Room({ id }: { id: string }) {
  const { api, permissions } = useConsole();
  const [incident, setIncident] = useState<Incident | null>(null);
  const [entries, setEntries] = useState<Entry[]>([]);
  const [people, setPeople] = useState<Person[]>([]);
  const [severities, setSeverities] = useState<Severity[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [revision, setRevision] = useState(0);
  const { components, counts, reloadShared } = useStatusPageData();

  const reload = useCallback(async () => {
    try {
      const [next, timeline] = await Promise.all([api.get<Incident>(`/incidents/${id}`), api.all<Entry>(`/incidents/${id}/timeline`)]);
      setIncident((prev) => (prev && prev.version > next.version ? prev : next));
      setEntries(timeline);
      setRevision((r) => r + 1);
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }, [api, id]);

  useEffect(() => {
    setIncident(null);
    void reload();
    api.all<Person>('/people?active=true').then(setPeople, () => setPeople([]));
    api.get<Severity[]>('/severities').then(setSeverities, () => setSeverities([]));
    void reloadShared().catch(() => undefined);
  }, [api, reload, reloadShared]);

  useLive((message) => {
    if (message === null || message.id === id) void reload();
  });

  const changed = useCallback(
    (next: Incident) => {
      setIncident(next);
      void reload();
    },
    [reload],
  );

  if (error && !incident)
    return (
      <main className="room">
        <p className="form-error" role="alert">
          {error}
        </p>
        <a {...linkProps('/')}>Back to incidents</a>
      </main>
    );
  if (!incident) return <main className="room">Loading {id}…</main>;

  const severity = severities.find((s) => s.id === incident.severity);
  const open = incident.state === 'open';
  return (
    <main className="room">
      <Header incident={incident} severities={severities} onChanged={changed} />
      <div className="room-grid">
        <div className="room-main">
          <FindingsForYou entries={entries} />
          <RolePanel incident={incident} people={people} onChanged={changed} />
          <Checklists incident={incident} />
          <TasksPanel incident={incident} people={people} onChanged={() => void reload()} />
          <ChangesPanel incident={incident} revision={revision} onChanged={() => void reload()} />
          <StatusControls incident={incident} severity={severity} components={components} counts={counts} onChanged={changed} />
          {permissions.respond && open ? <DraftsPanel incident={incident} severity={severity} revision={revision} onChanged={() => void reload()} /> : null}
          {permissions.respond ? <UpdateComposer incident={incident} severity={severity} onPosted={() => void reload()} onHeld={() => void reload()} /> : null}
          {permissions.respond && incident.mergedInto === null ? <EditDetails incident={incident} onChanged={changed} /> : null}
          {permissions.respond ? <ResolvePanel incident={incident} onChanged={changed} /> : null}
          {permissions.respond ? <MergePanel incident={incident} onChanged={changed} /> : null}
          {permissions.respond ? <ReopenPanel incident={incident} onChanged={changed} /> : null}
          {incident.mergedInto ? (
            <p className="panel" role="status">
              Merged into <a {...linkProps(`/incidents/${incident.mergedInto}`)}>{incident.mergedInto}</a>: it is followed there.
            </p>
          ) : null}
          {!open ? <PostmortemPanel incident={incident} people={people} draftVersion={revision} onChanged={changed} /> : null}
          <IncidentFollowUps incident={incident} people={people} revision={revision} />
          <Replay incident={incident} entries={entries} />
        </div>
        <div className="room-side">
          <Timeline incident={incident} entries={entries} onChanged={() => void reload()} />
        </div>
      </div>
    </main>
  );
}
