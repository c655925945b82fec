/** R1–R2: declaring is one deliberate act, with the severity chosen from the policy in force. */
import { useEffect, useState, type FormEvent } from 'react';
import { useConsole } from '../console-context.js';
import { linkProps } from '../router.js';
import type { Component, Incident, Person, Severity } from '../types.js';
import { ComponentChoice, CopyButton, Field, FormError, Markdown, TextAreaField, useAction } from '../ui.js';
import { fromUtcInput } from '../time.js';

const FIELDS = ['title', 'severity', 'summary', 'startedAt', 'commander', 'components', 'links.statusPage', 'links.dashboard', 'links.runbook', 'private'];

export function Declare() {
  const { api, me } = useConsole();
  const action = useAction();
  const [severities, setSeverities] = useState<Severity[]>([]);
  const [people, setPeople] = useState<Person[]>([]);
  const [known, setKnown] = useState<Component[]>([]);
  const [commander, setCommander] = useState('');
  const [title, setTitle] = useState('');
  const [severity, setSeverity] = useState('');
  const [summary, setSummary] = useState('');
  const [startedAt, setStartedAt] = useState('');
  const [components, setComponents] = useState<string[]>([]);
  const [links, setLinks] = useState({ statusPage: '', dashboard: '', runbook: '' });
  const [isPrivate, setPrivate] = useState(false);
  const [declared, setDeclared] = useState<Incident | null>(null);

  useEffect(() => {
    api.get<Severity[]>('/severities').then(setSeverities, () => setSeverities([]));
    api.all<Person>('/people?active=true').then(setPeople, () => setPeople([]));
    api.get<Component[]>('/components').then(setKnown, () => setKnown([]));
  }, [api]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await action.run(async () => {
      const chosenLinks = Object.fromEntries(Object.entries(links).filter(([, v]) => v.trim()));
      const started = fromUtcInput(startedAt);
      setDeclared(
        await api.write<Incident>('POST', '/incidents', {
          title,
          severity,
          ...(summary.trim() ? { summary } : {}),
          ...(started ? { startedAt: started } : {}),
          ...(components.length ? { components } : {}),
          ...(commander ? { commander } : {}),
          ...(Object.keys(chosenLinks).length ? { links: chosenLinks } : {}),
          ...(isPrivate ? { private: true } : {}),
        }),
      );
    });
  };

  if (declared)
    return (
      <main className="declare">
        <h1>
          Declared {declared.id}: {declared.severity}
        </h1>
        <p>You are on the clock. Post this announcement in #{declared.channel}, then fill the roles.</p>
        <div className="row">
          <CopyButton text={declared.announcement ?? ''} label="Copy announcement" />
          <a className="button primary" {...linkProps(`/incidents/${declared.id}`)}>
            Open the incident room
          </a>
        </div>
        <pre className="announcement" aria-label="Channel announcement">
          {declared.announcement}
        </pre>
        <Markdown source={declared.announcement ?? ''} label="Announcement preview" />
      </main>
    );

  return (
    <main className="declare">
      <h1>Declare an incident</h1>
      <p className="hint">If it is user-impacting, say the words. Declaring opens the channel, starts the clock and makes you the Incident Commander.</p>
      <form onSubmit={(e) => void submit(e)}>
        <Field label="Title" field="title" action={action}>
          {(id, d) => <input id={id} aria-describedby={d} value={title} onChange={(e) => setTitle(e.target.value)} placeholder="Checkout errors" />}
        </Field>
        <fieldset className={action.error?.field === 'severity' ? 'field severity-choice invalid' : 'field severity-choice'}>
          <legend>Severity</legend>
          <p className="hint">When in doubt, declare higher: it is cheap to downgrade twenty minutes in, expensive to find out at minute 40.</p>
          {severities.map((s) => (
            <label key={s.id} className={severity === s.id ? 'severity-option selected' : 'severity-option'}>
              <input type="radio" name="severity" value={s.id} checked={severity === s.id} onChange={() => setSeverity(s.id)} />
              <span>
                <strong>
                  {s.id} {s.name}
                </strong>
                <span className="sev-detail">Impact: {s.impact}</span>
                <span className="sev-detail">Response: {s.response}</span>
                <span className="sev-detail">
                  Comms: {s.updateEvery ? `every ${s.updateEvery}` : 'at start and resolution'}, {s.audience}
                </span>
              </span>
            </label>
          ))}
          {action.error?.field === 'severity' ? (
            <div className="field-error" role="alert">
              {action.error.message}
            </div>
          ) : null}
        </fieldset>
        <TextAreaField label="Summary" field="summary" action={action} value={summary} onChange={setSummary} placeholder="Checkout returning 500s for ~30% of users" />
        <Field label="Impact began (UTC, leave empty for now)" field="startedAt" action={action}>
          {(id, d) => <input id={id} aria-describedby={d} type="datetime-local" step={1} value={startedAt} onChange={(e) => setStartedAt(e.target.value)} />}
        </Field>
        <Field label="Incident Commander" field="commander" action={action} hint="Declaring makes you IC unless you name someone who has agreed to take it.">
          {(id, d) => (
            <select id={id} aria-describedby={d} value={commander} onChange={(e) => setCommander(e.target.value)}>
              <option value="">Me (@{me.handle})</option>
              {people
                .filter((p) => p.handle !== me.handle && p.role !== 'viewer')
                .map((p) => (
                  <option key={p.handle} value={p.handle}>
                    @{p.handle} ({p.name})
                  </option>
                ))}
            </select>
          )}
        </Field>
        <ComponentChoice known={known} chosen={components} onChange={setComponents} action={action} />
        {(['statusPage', 'dashboard', 'runbook'] as const).map((k) => (
          <Field key={k} label={{ statusPage: 'Status page link', dashboard: 'Dashboard link', runbook: 'Runbook link' }[k]} field={`links.${k}`} action={action}>
            {(id, d) => <input id={id} aria-describedby={d} type="url" value={links[k]} onChange={(e) => setLinks({ ...links, [k]: e.target.value })} placeholder="https://…" />}
          </Field>
        ))}
        <label className="inline">
          <input type="checkbox" checked={isPrivate} onChange={(e) => setPrivate(e.target.checked)} /> Private: only the people in it (and admins) see it
        </label>
        <FormError action={action} fields={FIELDS} />
        <button type="submit" className="primary big" disabled={action.busy}>
          {severity ? `Declare ${severity}` : 'Declare'}
        </button>
      </form>
    </main>
  );
}
