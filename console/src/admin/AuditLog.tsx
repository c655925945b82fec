/** The audit log (admin): who did what to access and settings, filtered by actor, action and time, a page at a time, and exported whole. */
import { useEffect, useState, type FormEvent } from 'react';
import { useConsole } from '../console-context.js';
import { Field, FormError, useAction } from '../ui.js';
import { fromUtcInput, utcTime } from '../time.js';
import { AdminTable, LoadError } from './shared.js';
import type { AuditEntry } from './types.js';

const PAGE = 50;
const ACTIONS = ['person', 'token', 'session', 'auth', 'webhook', 'alert_source', 'component', 'maintenance'];

interface Filter {
  actor: string;
  action: string;
  since: string;
  until: string;
}
const NO_FILTER: Filter = { actor: '', action: '', since: '', until: '' };

function query(filter: Filter): URLSearchParams {
  const q = new URLSearchParams();
  if (filter.actor.trim()) q.set('actor', filter.actor.trim().replace(/^@/, ''));
  if (filter.action.trim()) q.set('action', filter.action.trim());
  const since = fromUtcInput(filter.since);
  const until = fromUtcInput(filter.until);
  if (since) q.set('since', since);
  if (until) q.set('until', until);
  return q;
}

const show = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/** `role: responder → admin` for an edit; the values alone for something added or removed. */
function changes(entry: AuditEntry): string[] {
  const keys = [...new Set([...Object.keys(entry.before ?? {}), ...Object.keys(entry.after ?? {})])];
  return keys.map((key) => {
    const before = entry.before && key in entry.before ? show(entry.before[key]) : null;
    const after = entry.after && key in entry.after ? show(entry.after[key]) : null;
    if (before !== null && after !== null) return `${key}: ${before} → ${after}`;
    return `${key}: ${before ?? after}`;
  });
}

export function AuditLog() {
  const { api } = useConsole();
  const [draft, setDraft] = useState<Filter>(NO_FILTER);
  const [filter, setFilter] = useState<Filter>(NO_FILTER);
  // The `before` cursor of each page shown so far: the last is the page on screen.
  const [cursors, setCursors] = useState<Array<number | null>>([null]);
  const cursor = cursors[cursors.length - 1]!;
  const load = useAction();
  const [page, setPage] = useState<{ entries: AuditEntry[]; next: number | null } | null>(null);
  useEffect(() => {
    const q = query(filter);
    q.set('limit', String(PAGE));
    if (cursor !== null) q.set('before', String(cursor));
    void load.run(async () => setPage(await api.get<{ entries: AuditEntry[]; next: number | null }>(`/audit?${q.toString()}`)));
  }, [api, filter, cursor, load.run]);
  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilter(draft);
    setCursors([null]);
  };
  const set = (key: keyof Filter) => (value: string) => setDraft((d) => ({ ...d, [key]: value }));
  const exportQuery = query(filter).toString();

  return (
    <>
      <h1>Audit log</h1>
      <form className="panel" onSubmit={apply} aria-labelledby="audit-filter-title">
        <h2 id="audit-filter-title">Filter</h2>
        <div className="inline-form">
          <Field label="Actor" field="actor" action={load} hint="a handle, e.g. priya">
            {(id, d) => <input id={id} aria-describedby={d} value={draft.actor} onChange={(e) => set('actor')(e.target.value)} autoComplete="off" />}
          </Field>
          <Field label="Action" field="action" action={load} hint="person, or one such as person.deactivated">
            {(id, d) => (
              <>
                <input id={id} aria-describedby={d} list="audit-actions" value={draft.action} onChange={(e) => set('action')(e.target.value)} autoComplete="off" />
                <datalist id="audit-actions">
                  {ACTIONS.map((a) => (
                    <option key={a} value={a} />
                  ))}
                </datalist>
              </>
            )}
          </Field>
          <Field label="Since (UTC)" field="since" action={load}>
            {(id, d) => <input id={id} aria-describedby={d} type="datetime-local" step={1} value={draft.since} onChange={(e) => set('since')(e.target.value)} />}
          </Field>
          <Field label="Until (UTC)" field="until" action={load}>
            {(id, d) => <input id={id} aria-describedby={d} type="datetime-local" step={1} value={draft.until} onChange={(e) => set('until')(e.target.value)} />}
          </Field>
          <button type="submit" className="primary">
            Show
          </button>
        </div>
        {load.error?.status === 403 ? null : <FormError action={load} fields={['actor', 'action', 'since', 'until']} />}
      </form>
      <LoadError error={load.error?.status === 403 ? load.error : null} />
      {page && !load.error ? (
        <>
          <div className="row wrap">
            <span className="muted">
              Newest first, {PAGE} a page{cursors.length > 1 ? `, page ${cursors.length}` : ''}.
            </span>
            <a className="button" href={`/api/v1/audit/export${exportQuery ? `?${exportQuery}` : ''}`} download="audit.jsonl">
              Export as JSON Lines
            </a>
          </div>
          {page.entries.length === 0 ? <p className="muted">Nothing recorded that matches.</p> : null}
          {page.entries.length > 0 ? (
            <AdminTable columns={['When (UTC)', 'Who', 'Action', 'On', 'Changes', 'From']} className="audit">
              {page.entries.map((e) => (
                <tr key={e.id}>
                  <td>{utcTime(e.at)}</td>
                  <td>{e.actor ? `@${e.actor}` : <span className="muted">nobody named</span>}</td>
                  <th scope="row">{e.action}</th>
                  <td>{e.target ?? ''}</td>
                  <td>
                    {changes(e).map((line) => (
                      <div key={line}>{line}</div>
                    ))}
                  </td>
                  <td>
                    {e.address ?? ''}
                    {e.userAgent ? <div className="hint">{e.userAgent}</div> : null}
                  </td>
                </tr>
              ))}
            </AdminTable>
          ) : null}
          <nav className="row" aria-label="Audit log pages">
            <button type="button" disabled={cursors.length === 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
              Newer
            </button>
            <button type="button" disabled={page.next === null} onClick={() => setCursors((c) => [...c, page.next])}>
              Older
            </button>
          </nav>
        </>
      ) : load.error ? null : (
        <p>Loading…</p>
      )}
    </>
  );
}
