/** My tokens (everyone): create one with an expiry, see it once to copy, list them without secrets, revoke. */
import { useCallback, useState, type FormEvent } from 'react';
import { useConsole } from '../console-context.js';
import { Badge, Field, useAction } from '../ui.js';
import { utcTime } from '../time.js';
import { AdminTable, Confirm, LoadError, RowError, ShownOnce, useLoaded, WriteError } from './shared.js';
import type { IssuedToken, TokenInfo } from './types.js';

const EXPIRIES = [
  { value: '', label: "The server's default (auth.tokenLifetime)" },
  { value: '1d', label: '1 day' },
  { value: '7d', label: '7 days' },
  { value: '30d', label: '30 days' },
  { value: '90d', label: '90 days' },
  { value: '365d', label: '1 year' },
] as const;
const NEVER = { value: 'never', label: 'Never (a service token; admins only)' };

function CreateToken({ handle, onIssued }: { handle: string; onIssued: (token: IssuedToken) => void }) {
  const { api, permissions } = useConsole();
  const action = useAction();
  const [name, setName] = useState('');
  const [expiresIn, setExpiresIn] = useState('');
  const choices = permissions.admin ? [...EXPIRIES, NEVER] : EXPIRIES;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const body = { ...(name.trim() ? { name: name.trim() } : {}), ...(expiresIn ? { expiresIn } : {}) };
    if (await action.run(async () => onIssued(await api.write<IssuedToken>('POST', `/people/${handle}/tokens`, body)))) setName('');
  };

  return (
    <form className="panel" onSubmit={(e) => void submit(e)} aria-labelledby="create-token-title">
      <h2 id="create-token-title">Create a token</h2>
      <div className="inline-form">
        <Field label="What it is for" field="name" action={action} hint="e.g. laptop, ci">
          {(id, d) => <input id={id} aria-describedby={d} value={name} maxLength={60} onChange={(e) => setName(e.target.value)} autoComplete="off" />}
        </Field>
        <Field label="Expires after" field="expiresIn" action={action}>
          {(id, d) => (
            <select id={id} aria-describedby={d} value={expiresIn} onChange={(e) => setExpiresIn(e.target.value)}>
              {choices.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit" className="primary" disabled={action.busy}>
          Create token
        </button>
      </div>
      <WriteError action={action} fields={['name', 'expiresIn']} />
    </form>
  );
}

function TokenRow({ token, onRevoked }: { token: TokenInfo; onRevoked: () => void }) {
  const { api } = useConsole();
  const action = useAction();
  const label = token.name || token.id;
  return (
    <tr className={token.expired ? 'done' : undefined}>
      <th scope="row">
        {label} <span className="muted">{token.id}</span>
      </th>
      <td>
        <span className="cell-label">Created </span>
        {utcTime(token.createdAt)}
      </td>
      <td>
        <span className="cell-label">Last used </span>
        {token.lastUsedAt ? utcTime(token.lastUsedAt) : <span className="muted">never</span>}
      </td>
      <td>
        <span className="cell-label">Expires </span>
        {token.expired ? <Badge tone="grey">Expired</Badge> : token.expiresAt ? utcTime(token.expiresAt) : <Badge tone="amber">Never</Badge>}
      </td>
      <td>
        <Confirm
          label={`Revoke ${label}`}
          question={`Revoke ${label}? Anything using it is refused from its next request.`}
          confirmLabel={`Yes, revoke ${label}`}
          busy={action.busy}
          onConfirm={() => action.run(async () => (await api.write('DELETE', `/tokens/${token.id}`), onRevoked()))}
        />
        <RowError action={action} />
      </td>
    </tr>
  );
}

/** One person's tokens: create, the secret once, the list, revoke. Yours on My tokens; anyone's from People, as an admin. */
export function TokenPanel({ handle, mine }: { handle: string; mine: boolean }) {
  const { api } = useConsole();
  const tokens = useLoaded(useCallback(() => api.all<TokenInfo>(`/people/${handle}/tokens`), [api, handle]));
  const [issued, setIssued] = useState<IssuedToken | null>(null);
  const label = (token: IssuedToken) => token.name || token.id;

  return (
    <>
      <LoadError error={tokens.error} />
      <CreateToken
        handle={handle}
        onIssued={(token) => {
          setIssued(token);
          void tokens.reload();
        }}
      />
      {issued ? (
        <ShownOnce title={mine ? `Your new token ${label(issued)}` : `New token ${label(issued)} for @${handle}`} secret={issued.token}>
          <p className="hint">{issued.expiresAt ? `It expires ${utcTime(issued.expiresAt)}.` : 'It never expires: revoke it when it is no longer needed.'}</p>
        </ShownOnce>
      ) : null}
      {tokens.data?.length === 0 ? <p className="muted">{mine ? 'You have no tokens.' : `@${handle} has no tokens.`}</p> : null}
      {tokens.data && tokens.data.length > 0 ? (
        <AdminTable columns={['Token', 'Created', 'Last used', 'Expires', 'Actions']} caption="Never the secret: it was shown once, when the token was created.">
          {tokens.data.map((t) => (
            <TokenRow key={t.id} token={t} onRevoked={() => void tokens.reload()} />
          ))}
        </AdminTable>
      ) : null}
    </>
  );
}

export function Tokens() {
  const { me } = useConsole();
  return (
    <main className="admin">
      <h1>My tokens</h1>
      <p className="muted">
        API tokens for the CLI and scripts (<code>INCIDENT_TOKEN</code>), or to sign in here. Revoking the token you signed in with ends this session.
      </p>
      <TokenPanel handle={me.handle} mine />
    </main>
  );
}
