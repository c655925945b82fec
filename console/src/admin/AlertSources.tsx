/** Alert sources (admin): add one, paste the ready Alertmanager receiver, rotate a key. */
import { useCallback, useState, type FormEvent } from 'react';
import { useConsole } from '../console-context.js';
import { CopyButton, Field, useAction } from '../ui.js';
import { utcTime } from '../time.js';
import { receiverSnippet } from '../../../src/presenters/alert-receiver.js';
import { AdminTable, Confirm, LoadError, RowError, ShownOnce, useLoaded, WriteError } from './shared.js';
import type { AlertSource, NewAlertSource, RotatedAlertSource } from './types.js';

const TYPES = [
  { value: 'alertmanager', label: 'Prometheus Alertmanager (webhook_configs)' },
  { value: 'events', label: 'PagerDuty Events API v2 (pagerduty_configs, or any Events v2 sender)' },
  { value: 'changes', label: 'Change events: deploys, config pushes, flags, batch jobs (PagerDuty Change Events)' },
] as const;

/** The key once, and the receiver with it in place: Alertmanager reaches the server at the address this page came from. */
function KeyShown({ answer, rotated }: { answer: NewAlertSource | RotatedAlertSource; rotated: boolean }) {
  const snippet = answer.key === null ? null : receiverSnippet(answer, answer.key, window.location.origin);
  const until = 'previousKeyValidUntil' in answer ? answer.previousKeyValidUntil : null;
  return (
    <ShownOnce title={`${rotated ? 'New key' : 'Key'} for ${answer.name}`} secret={answer.key}>
      {until ? <p>The old key is still accepted until {utcTime(until)}, refused after: roll the new one out before then.</p> : null}
      {snippet ? (
        <>
          {answer.type === 'changes' ? (
            <>
              <h3 id="receiver-title">A change event, sent with curl</h3>
              <p className="hint">Send one from the deploy pipeline (or any tool that makes changes). The URL is this page&apos;s address; change it if the sender reaches the server at another.</p>
            </>
          ) : (
            <>
              <h3 id="receiver-title">Receiver for alertmanager.yml</h3>
              <p className="hint">
                Route alerts to it (<code>receiver: incident-command-{answer.name}</code> in a route). The URL is this page&apos;s address; change it if Alertmanager reaches the
                server at another.
              </p>
            </>
          )}
          <pre className="snippet" aria-labelledby="receiver-title" tabIndex={0}>
            {snippet}
          </pre>
          <CopyButton text={snippet} label="Copy receiver" />
        </>
      ) : null}
    </ShownOnce>
  );
}

function AddSource({ onAdded }: { onAdded: (source: NewAlertSource) => void }) {
  const { api } = useConsole();
  const action = useAction();
  const [name, setName] = useState('');
  const [type, setType] = useState<string>('alertmanager');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await action.run(async () => onAdded(await api.write<NewAlertSource>('POST', '/alert-sources', { name: name.trim(), type })))) setName('');
  };
  return (
    <form className="panel" onSubmit={(e) => void submit(e)} aria-labelledby="add-source-title">
      <h2 id="add-source-title">Add an alert source</h2>
      <div className="inline-form">
        <Field label="Source name" field="name" action={action} hint="one per sender, e.g. prometheus-prod">
          {(id, d) => <input id={id} aria-describedby={d} required value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />}
        </Field>
        <Field label="Sender" field="type" action={action}>
          {(id, d) => (
            <select id={id} aria-describedby={d} value={type} onChange={(e) => setType(e.target.value)}>
              {TYPES.map((t) => (
                <option key={t.value} value={t.value}>
                  {t.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit" className="primary" disabled={action.busy}>
          Add source
        </button>
      </div>
      <WriteError action={action} fields={['name', 'type']} />
    </form>
  );
}

function SourceRow({ source, onRotated }: { source: AlertSource; onRotated: (answer: RotatedAlertSource) => void }) {
  const { api } = useConsole();
  const action = useAction();
  return (
    <tr>
      <th scope="row">{source.name}</th>
      <td>{source.type === 'alertmanager' ? 'Alertmanager' : 'Events v2'}</td>
      <td>
        <code>{source.id}</code>
      </td>
      <td>
        {utcTime(source.createdAt)} by @{source.createdBy}
      </td>
      <td>
        <Confirm
          label={`Rotate the key of ${source.name}`}
          question={`A new key for ${source.name}? The old one keeps working for 24 hours.`}
          confirmLabel={`Yes, rotate ${source.name}`}
          busy={action.busy}
          onConfirm={() => action.run(async () => onRotated(await api.write<RotatedAlertSource>('POST', `/alert-sources/${source.id}/rotate-key`)))}
        />
        <RowError action={action} />
      </td>
    </tr>
  );
}

export function AlertSources() {
  const { api } = useConsole();
  const sources = useLoaded(useCallback(() => api.all<AlertSource>('/alert-sources'), [api]));
  const [shown, setShown] = useState<{ answer: NewAlertSource | RotatedAlertSource; rotated: boolean } | null>(null);
  const show = (answer: NewAlertSource | RotatedAlertSource, rotated: boolean) => {
    setShown({ answer, rotated });
    void sources.reload();
  };

  return (
    <>
      <h1>Alert sources</h1>
      <p className="muted">Each sender of alerts has its own key. Related alerts arrive as one group to acknowledge.</p>
      <LoadError error={sources.error} />
      {sources.error?.status === 403 ? null : <AddSource onAdded={(a) => show(a, false)} />}
      {shown ? <KeyShown answer={shown.answer} rotated={shown.rotated} /> : null}
      {sources.data?.length === 0 ? <p className="muted">No alert sources yet.</p> : null}
      {sources.data && sources.data.length > 0 ? (
        <AdminTable columns={['Source', 'Sender', 'Id', 'Added', 'Actions']} caption="Keys are never shown again; rotate one to get a new key.">
          {sources.data.map((s) => (
            <SourceRow key={s.id} source={s} onRotated={(a) => show(a, true)} />
          ))}
        </AdminTable>
      ) : null}
    </>
  );
}
