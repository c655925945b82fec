/** People (admin): add someone, change a role, deactivate a person who left and reactivate them. */
import { useCallback, useState, type FormEvent } from 'react';
import { useConsole } from '../console-context.js';
import type { Person } from '../types.js';
import { Badge, Field, useAction } from '../ui.js';
import { utcTime } from '../time.js';
import { AdminTable, Confirm, LoadError, RowError, useLoaded, WriteError } from './shared.js';
import { TokenPanel } from './Tokens.js';

const ROLES = ['admin', 'responder', 'viewer'] as const;
const ADD_FIELDS = ['handle', 'name', 'email', 'role'];

function AddPerson({ onAdded }: { onAdded: (person: Person) => void }) {
  const { api } = useConsole();
  const action = useAction();
  const [handle, setHandle] = useState('');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<string>('responder');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const added = await action.run(async () => {
      onAdded(await api.write<Person>('POST', '/people', { handle, name, role, ...(email.trim() ? { email: email.trim() } : {}) }));
    });
    if (added) {
      setHandle('');
      setName('');
      setEmail('');
    }
  };

  return (
    <form className="panel" onSubmit={(e) => void submit(e)} aria-labelledby="add-person-title">
      <h2 id="add-person-title">Add a person</h2>
      <div className="inline-form">
        <Field label="Handle" field="handle" action={action} hint="lower case, e.g. priya">
          {(id, d) => <input id={id} aria-describedby={d} required value={handle} onChange={(e) => setHandle(e.target.value)} autoComplete="off" />}
        </Field>
        <Field label="Name" field="name" action={action}>
          {(id, d) => <input id={id} aria-describedby={d} required value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />}
        </Field>
        <Field label="E-mail (optional)" field="email" action={action}>
          {(id, d) => <input id={id} aria-describedby={d} type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="off" />}
        </Field>
        <Field label="Role" field="role" action={action}>
          {(id, d) => (
            <select id={id} aria-describedby={d} value={role} onChange={(e) => setRole(e.target.value)}>
              {ROLES.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit" className="primary" disabled={action.busy}>
          Add person
        </button>
      </div>
      <WriteError action={action} fields={ADD_FIELDS} />
      <p className="hint">They sign in with a token you create for them (Tokens of @handle below, or incident token create HANDLE) or through single sign-on.</p>
    </form>
  );
}

function PersonRow({ person, onChanged, tokensOpen, onToggleTokens }: { person: Person; onChanged: (person: Person) => void; tokensOpen: boolean; onToggleTokens: () => void }) {
  const { api, me } = useConsole();
  const action = useAction();
  const [role, setRole] = useState(person.role);
  const write = (path: string, method: 'PATCH' | 'POST', body?: unknown) =>
    action.run(async () => onChanged(await api.write<Person>(method, `/people/${person.handle}${path}`, body, { ifMatch: person.version })));

  return (
    <tr className={person.active ? undefined : 'done'}>
      <th scope="row">
        @{person.handle}
        {person.handle === me.handle ? ' (you)' : ''}
      </th>
      <td>{person.name}</td>
      <td>{person.email ?? <span className="muted">none</span>}</td>
      <td>
        {person.active ? (
          <form className="row" onSubmit={(e) => (e.preventDefault(), void write('', 'PATCH', { role }))}>
            <select aria-label={`Role of @${person.handle}`} value={role} onChange={(e) => setRole(e.target.value)}>
              {ROLES.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
            <button type="submit" className="small" disabled={action.busy || role === person.role}>
              Save role
            </button>
          </form>
        ) : (
          person.role
        )}
      </td>
      <td>
        {person.active ? <Badge tone="green">Active</Badge> : <Badge tone="grey">Deactivated {person.deactivatedAt ? utcTime(person.deactivatedAt) : ''}</Badge>}
      </td>
      <td className="actions">
        {person.active ? (
          <button type="button" className="small" aria-expanded={tokensOpen} onClick={onToggleTokens}>
            Tokens of @{person.handle}
          </button>
        ) : null}
        {person.active ? (
          <Confirm
            label={`Deactivate @${person.handle}`}
            question={`Deactivate @${person.handle}? Every token and session of theirs ends now.`}
            confirmLabel={`Yes, deactivate @${person.handle}`}
            busy={action.busy}
            onConfirm={() => write('/deactivate', 'POST')}
          />
        ) : (
          <button type="button" className="small" disabled={action.busy} onClick={() => void write('/reactivate', 'POST')}>
            Reactivate @{person.handle}
          </button>
        )}
        <RowError action={action} />
      </td>
    </tr>
  );
}

export function People() {
  const { api, me } = useConsole();
  const [tokensOf, setTokensOf] = useState<string | null>(null);
  const people = useLoaded(useCallback(() => api.all<Person>('/people'), [api]));
  // After a write the list is read again, so every row carries the version its next edit must name.
  const changed = () => void people.reload();

  return (
    <>
      <h1>People</h1>
      <LoadError error={people.error} />
      {people.error?.status === 403 ? null : <AddPerson onAdded={changed} />}
      {people.data === null && !people.error ? <p>Loading…</p> : null}
      {people.data ? (
        <AdminTable columns={['Handle', 'Name', 'E-mail', 'Role', 'State', 'Actions']} caption="Deactivated people keep their name in history; they cannot sign in or be named to a role.">
          {people.data.map((p) => (
            <PersonRow
              key={`${p.handle}:${p.version}`}
              person={p}
              onChanged={changed}
              tokensOpen={tokensOf === p.handle}
              onToggleTokens={() => setTokensOf(tokensOf === p.handle ? null : p.handle)}
            />
          ))}
        </AdminTable>
      ) : null}
      {tokensOf && people.data?.some((p) => p.handle === tokensOf && p.active) ? (
        <section className="person-tokens" aria-labelledby="person-tokens-title">
          <h2 id="person-tokens-title">Tokens of @{tokensOf}</h2>
          <TokenPanel key={tokensOf} handle={tokensOf} mine={tokensOf === me.handle} />
        </section>
      ) : null}
    </>
  );
}
