/**
 * Role checklists (issue 15, item 8): each role's duties from the playbook, ticked by the server
 * from the incident's record. The viewer's own roles come first (the API orders them for the
 * caller); an item the record cannot tick is a reminder, marked as such, never a fake tick.
 */
import { useEffect, useState } from 'react';
import { useConsole } from '../console-context.js';
import type { Incident } from '../types.js';

interface ChecklistItem {
  id: string;
  text: string;
  done: boolean | null;
  proof: string;
}

interface RoleChecklist {
  role: string;
  label: string;
  holders: string[];
  items: ChecklistItem[];
}

const MARK = { yes: '✓', no: '○', person: '?' } as const;

function Mark({ done }: { done: boolean | null }) {
  const [symbol, words, tone] = done === null ? [MARK.person, 'For a person to tick', 'person'] : done ? [MARK.yes, 'Done', 'done'] : [MARK.no, 'Not yet', 'todo'];
  return (
    <span className={`check ${tone}`}>
      <span aria-hidden="true">{symbol}</span>
      <span className="visually-hidden">{words}: </span>
    </span>
  );
}

export function Checklists({ incident }: { incident: Incident }) {
  const { api, me } = useConsole();
  const [lists, setLists] = useState<RoleChecklist[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  // Refetched whenever the incident changes: the ticks follow its record.
  useEffect(() => {
    let live = true;
    api.get<{ checklists: RoleChecklist[] }>(`/incidents/${incident.id}/checklists`).then(
      (answer) => {
        if (!live) return;
        setLists(answer.checklists);
        setError(null);
      },
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [api, incident.id, incident.version]);

  return (
    <section className="panel checklists" aria-labelledby="checklists-title">
      <h2 id="checklists-title">Checklists</h2>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {lists === null && !error ? <p className="muted">Loading…</p> : null}
      {lists?.map((list) => (
        <section key={list.role} className="checklist" aria-labelledby={`checklist-${list.role}`}>
          <h3 id={`checklist-${list.role}`}>
            {list.label}
            {list.holders.includes(me.handle) ? <span className="you"> (you)</span> : null}
            <span className="muted"> · {list.holders.length ? list.holders.map((h) => `@${h}`).join(', ') : 'nobody yet'}</span>
          </h3>
          <ul>
            {list.items.map((item) => (
              <li key={item.id} className={item.done === null ? 'reminder' : undefined}>
                <Mark done={item.done} />
                <span>{item.text}</span> <span className="muted proof">{item.proof}</span>
              </li>
            ))}
          </ul>
        </section>
      ))}
      <p className="hint">✓ shown by the record · ○ not yet · ? a reminder only a person can tick</p>
    </section>
  );
}
