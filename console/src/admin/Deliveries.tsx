/** One webhook's latest deliveries, each with its attempts, and "redeliver" for one that failed or should go again. */
import { useConsole } from '../console-context.js';
import { Badge, useAction } from '../ui.js';
import { utcTime } from '../time.js';
import { AdminTable, LoadError, RowError, usePages } from './shared.js';
import type { Delivery, Webhook } from './types.js';

const TONE = { delivered: 'green', failed: 'red', pending: 'amber' } as const;

function lastAttempt(delivery: Delivery): string {
  const last = delivery.attempts[delivery.attempts.length - 1];
  if (!last) return 'not attempted yet';
  const answer = last.statusCode !== null ? `HTTP ${last.statusCode}` : (last.error ?? 'no answer');
  return `${delivery.attempts.length} attempt${delivery.attempts.length === 1 ? '' : 's'}; last ${utcTime(last.at)}: ${answer} in ${last.durationMs} ms`;
}

function DeliveryRow({ webhook, delivery, onRedelivered }: { webhook: Webhook; delivery: Delivery; onRedelivered: () => void }) {
  const { api } = useConsole();
  const action = useAction();
  return (
    <tr>
      <th scope="row">
        {delivery.type} <span className="muted">#{delivery.id}</span>
      </th>
      <td>
        <Badge tone={TONE[delivery.status]}>{delivery.status}</Badge>
        {delivery.nextAttemptAt ? <div className="hint">next try {utcTime(delivery.nextAttemptAt)}</div> : null}
      </td>
      <td>{lastAttempt(delivery)}</td>
      <td>
        <button
          type="button"
          className="small"
          disabled={action.busy}
          onClick={() => void action.run(async () => (await api.write('POST', `/webhooks/${webhook.id}/deliveries/${delivery.id}/redeliver`), onRedelivered()))}
        >
          Redeliver #{delivery.id}
        </button>
        <RowError action={action} />
      </td>
    </tr>
  );
}

export function Deliveries({ webhook }: { webhook: Webhook }) {
  const deliveries = usePages<Delivery>(`/webhooks/${webhook.id}/deliveries`);
  const headingId = `deliveries-${webhook.id}`;
  return (
    <section className="deliveries" aria-labelledby={headingId}>
      <div className="row wrap">
        <h3 id={headingId}>Deliveries to {webhook.url}</h3>
        <button type="button" className="small" onClick={() => void deliveries.reload()}>
          Refresh deliveries
        </button>
      </div>
      <LoadError error={deliveries.error} />
      {deliveries.data?.length === 0 ? <p className="muted">Nothing delivered yet.</p> : null}
      {deliveries.data && deliveries.data.length > 0 ? (
        <AdminTable columns={['Event', 'State', 'Attempts', 'Actions']} caption="Newest first, 100 at a time. Redeliver attempts one once more, now; the attempt joins its log.">
          {deliveries.data.map((d) => (
            <DeliveryRow key={d.id} webhook={webhook} delivery={d} onRedelivered={() => void deliveries.reload()} />
          ))}
        </AdminTable>
      ) : null}
      {deliveries.hasMore ? (
        <button type="button" className="small" onClick={() => void deliveries.more()}>
          Load more deliveries
        </button>
      ) : null}
    </section>
  );
}
