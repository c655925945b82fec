/** Webhooks (admin): subscribe a URL, see its deliveries and redeliver, rotate the signing secret, switch off, delete. */
import { useCallback, useState, type FormEvent } from 'react';
import { useConsole } from '../console-context.js';
import { Badge, Field, useAction } from '../ui.js';
import { utcTime } from '../time.js';
import { NOTIFICATION_EVENT_TYPES } from '../../../src/domain/notifications/events.js';
import { AdminTable, Confirm, LoadError, RowError, ShownOnce, useLoaded, WriteError } from './shared.js';
import { Deliveries } from './Deliveries.js';
import type { NewWebhook, RotatedWebhook, Webhook } from './types.js';

function AddWebhook({ onAdded }: { onAdded: (webhook: NewWebhook) => void }) {
  const { api } = useConsole();
  const action = useAction();
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>(['incident.declared', 'incident.update_posted', 'incident.resolved']);
  const [includePrivate, setIncludePrivate] = useState(false);
  const toggle = (type: string, on: boolean) => setEvents((now) => (on ? [...now, type] : now.filter((t) => t !== type)));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await action.run(async () => onAdded(await api.write<NewWebhook>('POST', '/webhooks', { url: url.trim(), events, includePrivate })))) setUrl('');
  };
  return (
    <form className="panel" onSubmit={(e) => void submit(e)} aria-labelledby="add-webhook-title">
      <h2 id="add-webhook-title">Add a webhook</h2>
      <Field label="URL" field="url" action={action} hint="deliveries are POSTed here, signed as Standard Webhooks">
        {(id, d) => <input id={id} aria-describedby={d} type="url" required value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://" autoComplete="off" />}
      </Field>
      <fieldset className="field events">
        <legend>Events</legend>
        {NOTIFICATION_EVENT_TYPES.map((type) => (
          <label key={type} className="inline">
            <input type="checkbox" checked={events.includes(type)} onChange={(e) => toggle(type, e.target.checked)} /> {type}
          </label>
        ))}
      </fieldset>
      <label className="inline">
        <input type="checkbox" checked={includePrivate} onChange={(e) => setIncludePrivate(e.target.checked)} /> Also private incidents
      </label>
      <div className="row">
        <button type="submit" className="primary" disabled={action.busy}>
          Add webhook
        </button>
      </div>
      <WriteError action={action} fields={['url']} />
    </form>
  );
}

function WebhookRow(props: { webhook: Webhook; open: boolean; onToggleDeliveries: () => void; onChanged: () => void; onRotated: (answer: RotatedWebhook) => void }) {
  const { webhook } = props;
  const { api } = useConsole();
  const action = useAction();
  const write = (work: () => Promise<unknown>) => action.run(async () => (await work(), props.onChanged()));
  return (
    <tr className={webhook.enabled ? undefined : 'done'}>
      <th scope="row" className="url">
        {webhook.url}
        <div className="hint">
          {webhook.id}, added {utcTime(webhook.createdAt)} by @{webhook.createdBy}
        </div>
      </th>
      <td>
        {webhook.events.join(', ')}
        {webhook.includePrivate ? <div className="hint">private incidents too</div> : null}
      </td>
      <td>{webhook.enabled ? <Badge tone="green">On</Badge> : <Badge tone="grey">Off</Badge>}</td>
      <td className="actions" role="group" aria-label={`Actions for ${webhook.url}`}>
        <button type="button" className="small" aria-expanded={props.open} onClick={props.onToggleDeliveries}>
          Deliveries
        </button>
        <button type="button" className="small" disabled={action.busy} onClick={() => void write(() => api.write('PATCH', `/webhooks/${webhook.id}`, { enabled: !webhook.enabled }))}>
          {webhook.enabled ? 'Disable' : 'Enable'}
        </button>
        <Confirm
          label="Rotate secret"
          question="A new signing secret? The old one keeps signing beside it for 24 hours."
          confirmLabel="Yes, rotate"
          busy={action.busy}
          onConfirm={() => action.run(async () => props.onRotated(await api.write<RotatedWebhook>('POST', `/webhooks/${webhook.id}/rotate-secret`)))}
        />
        <Confirm
          label="Delete"
          question="Delete this webhook with its pending deliveries and its log?"
          confirmLabel="Yes, delete"
          busy={action.busy}
          onConfirm={() => write(() => api.write('DELETE', `/webhooks/${webhook.id}`))}
        />
        <RowError action={action} />
      </td>
    </tr>
  );
}

export function Webhooks() {
  const { api } = useConsole();
  const webhooks = useLoaded(useCallback(() => api.all<Webhook>('/webhooks'), [api]));
  const [shown, setShown] = useState<NewWebhook | RotatedWebhook | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const show = (answer: NewWebhook | RotatedWebhook) => {
    setShown(answer);
    void webhooks.reload();
  };
  const openWebhook = webhooks.data?.find((w) => w.id === open) ?? null;

  return (
    <>
      <h1>Webhooks</h1>
      <LoadError error={webhooks.error} />
      {webhooks.error?.status === 403 ? null : <AddWebhook onAdded={show} />}
      {shown ? (
        <ShownOnce title={`Signing secret for ${shown.url}`} secret={shown.secret}>
          {'previousSecretValidUntil' in shown ? (
            <p>Until {utcTime(shown.previousSecretValidUntil)} every delivery is signed by the old secret and by this one; update the receiver before then.</p>
          ) : (
            <p className="hint">The receiver verifies each delivery&apos;s webhook-signature with it.</p>
          )}
        </ShownOnce>
      ) : null}
      {webhooks.data?.length === 0 ? <p className="muted">No webhooks yet.</p> : null}
      {webhooks.data && webhooks.data.length > 0 ? (
        <AdminTable columns={['URL', 'Events', 'State', 'Actions']} caption="While a webhook is off nothing is sent; its pending deliveries wait.">
          {webhooks.data.map((w) => (
            <WebhookRow
              key={w.id}
              webhook={w}
              open={open === w.id}
              onToggleDeliveries={() => setOpen(open === w.id ? null : w.id)}
              onChanged={() => void webhooks.reload()}
              onRotated={show}
            />
          ))}
        </AdminTable>
      ) : null}
      {openWebhook ? <Deliveries key={openWebhook.id} webhook={openWebhook} /> : null}
    </>
  );
}
