/**
 * Follow-ups (README "Follow-ups"): the action items incidents left behind, earliest due
 * first, filtered by state, by owner (mine) and overdue; a responder marks one done, drops it
 * with a reason, or reopens it. Each change names the version the row showed, so a change
 * someone made meanwhile is refused rather than overwritten. An open one can be exported to
 * GitHub or Jira once; its issue is shown as a link from then on.
 */
import { useState, type FormEvent } from 'react';
import { followUpsApi } from '../api.js';
import { useConsole } from '../console-context.js';
import { linkProps } from '../router.js';
import { Badge, Field, FormError, useAction } from '../ui.js';
import { AdminTable, LoadError, usePages } from '../admin/shared.js';
import type { FollowUp } from '../types.js';

type StateFilter = FollowUp['state'] | 'any';

const STATE_TEXT: Record<FollowUp['state'], string> = { open: 'Open', done: 'Done', wont_do: "Won't do" };

/** The list's query: the filters as the API names them. */
function followUpsPath(filters: { state: StateFilter; mine: boolean; overdue: boolean }, me: string): string {
  const query = new URLSearchParams();
  if (filters.state !== 'any') query.set('state', filters.state);
  if (filters.mine) query.set('owner', me);
  if (filters.overdue) query.set('overdue', 'true');
  const text = query.toString();
  return text ? `/follow-ups?${text}` : '/follow-ups';
}

function WontDoForm({ item, onDone, onCancel }: { item: FollowUp; onDone: () => void; onCancel: () => void }) {
  const { api } = useConsole();
  const action = useAction();
  const [reason, setReason] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await action.run(async () => void (await followUpsApi(api).change(item, { state: 'wont_do', reason: reason.trim() })))) onDone();
  };
  return (
    <form className="confirm" onSubmit={(e) => void submit(e)} aria-label={`Won't do ${item.id}`}>
      <Field label="Reason" field="reason" action={action}>
        {(id, d) => <input id={id} aria-describedby={d} value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={1000} />}
      </Field>
      <button type="submit" className="small" disabled={action.busy || !reason.trim()}>
        {action.busy ? 'Saving…' : "Confirm won't do"}
      </button>
      <button type="button" className="small" onClick={onCancel}>
        Cancel
      </button>
      <FormError action={action} fields={['reason']} />
    </form>
  );
}

function Actions({ item, onChanged }: { item: FollowUp; onChanged: () => void }) {
  const { api } = useConsole();
  const action = useAction();
  const [dropping, setDropping] = useState(false);
  const change = (state: FollowUp['state']) =>
    action.run(async () => {
      await followUpsApi(api).change(item, { state });
      onChanged();
    });
  if (dropping) return <WontDoForm item={item} onDone={onChanged} onCancel={() => setDropping(false)} />;
  return (
    <>
      {item.state === 'open' ? (
        <>
          <button type="button" className="small" disabled={action.busy} onClick={() => void change('done')} aria-label={`Mark done ${item.id}`}>
            Mark done
          </button>
          <button type="button" className="small" disabled={action.busy} onClick={() => setDropping(true)} aria-label={`Won't do ${item.id}`}>
            Won&apos;t do
          </button>
        </>
      ) : (
        <button type="button" className="small" disabled={action.busy} onClick={() => void change('open')} aria-label={`Reopen ${item.id}`}>
          Reopen
        </button>
      )}
      <FormError action={action} fields={[]} />
    </>
  );
}

const TRACKER_TEXT = { github: 'GitHub', jira: 'Jira' } as const;

/** The issue it was exported to, or (for a responder, while open) the buttons that export it. */
function Issue({ item, canChange, onChanged }: { item: FollowUp; canChange: boolean; onChanged: () => void }) {
  const { api } = useConsole();
  const action = useAction();
  if (item.link)
    return (
      <>
        <a href={item.link.url} target="_blank" rel="noreferrer">
          {item.link.key}
        </a>
        {item.link.lastError ? <div className="muted">Last look failed: {item.link.lastError}</div> : null}
      </>
    );
  if (!canChange || item.state !== 'open') return <span className="muted">—</span>;
  const send = (tracker: 'github' | 'jira') =>
    action.run(async () => {
      await followUpsApi(api).export(item, tracker);
      onChanged();
    });
  return (
    <>
      {(['github', 'jira'] as const).map((tracker) => (
        <button key={tracker} type="button" className="small" disabled={action.busy} onClick={() => void send(tracker)} aria-label={`Export ${item.id} to ${TRACKER_TEXT[tracker]}`}>
          To {TRACKER_TEXT[tracker]}
        </button>
      ))}
      <FormError action={action} fields={[]} />
    </>
  );
}

function Row({ item, canChange, onChanged }: { item: FollowUp; canChange: boolean; onChanged: () => void }) {
  return (
    <tr className={item.state === 'open' ? undefined : 'done'}>
      <td>
        {item.title}
        {item.reason ? <div className="muted">Reason: {item.reason}</div> : null}
      </td>
      <td>
        <a {...linkProps(`/incidents/${item.incident}`)}>{item.incident}</a>
      </td>
      <td>
        <span className="cell-label">Owner </span>@{item.owner}
      </td>
      <td>
        <span className="cell-label">Due </span>
        {item.due} {item.overdue ? <Badge tone="red">Overdue</Badge> : null}
      </td>
      <td>
        <Badge tone={item.priority === 'P1' ? 'amber' : 'grey'}>{item.priority}</Badge>
      </td>
      <td>{STATE_TEXT[item.state]}</td>
      <td>
        <span className="cell-label">Issue </span>
        <Issue item={item} canChange={canChange} onChanged={onChanged} />
      </td>
      {canChange ? <td className="actions"><Actions item={item} onChanged={onChanged} /></td> : null}
    </tr>
  );
}

export function FollowUps() {
  const { me, permissions } = useConsole();
  const [state, setState] = useState<StateFilter>('open');
  const [mine, setMine] = useState(false);
  const [overdue, setOverdue] = useState(false);
  const items = usePages<FollowUp>(followUpsPath({ state, mine, overdue }, me.handle));
  const columns = ['Title', 'Incident', 'Owner', 'Due (UTC)', 'Priority', 'State', 'Issue', ...(permissions.respond ? ['Actions'] : [])];
  return (
    <main className="follow-ups">
      <h1>Follow-ups</h1>
      <p className="hint">
        What incidents showed must change, each with an owner and a due day: overdue from the day after it is due while still open. Open one from its
        incident&apos;s room.
      </p>
      <form className="row wrap filters" aria-label="Filter follow-ups" onSubmit={(e) => e.preventDefault()}>
        <Field label="State" field="state">
          {(id) => (
            <select id={id} value={state} onChange={(e) => setState(e.target.value as StateFilter)}>
              <option value="open">Open</option>
              <option value="done">Done</option>
              <option value="wont_do">Won&apos;t do</option>
              <option value="any">Any</option>
            </select>
          )}
        </Field>
        <label>
          <input type="checkbox" checked={mine} onChange={(e) => setMine(e.target.checked)} /> Mine only
        </label>
        <label>
          <input type="checkbox" checked={overdue} onChange={(e) => setOverdue(e.target.checked)} /> Overdue only
        </label>
        <button type="button" className="small" onClick={() => void items.reload()}>
          Refresh
        </button>
      </form>
      <LoadError error={items.error} />
      {items.data?.length === 0 ? <p>No follow-ups match.</p> : null}
      {items.data && items.data.length > 0 ? (
        <AdminTable columns={columns} caption="Earliest due first.">
          {items.data.map((f) => (
            <Row key={`${f.id}-${f.version}`} item={f} canChange={permissions.respond} onChanged={() => void items.reload()} />
          ))}
        </AdminTable>
      ) : null}
      {items.hasMore ? (
        <button type="button" className="small" onClick={() => void items.more()}>
          Load more follow-ups
        </button>
      ) : null}
    </main>
  );
}
