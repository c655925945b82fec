/**
 * Signing in: through the organization's OpenID provider when single sign-on is configured,
 * or once with an API token (unless an admin has turned that off); either way the server
 * keeps a session behind a cookie the page cannot read.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { ApiError } from '../api.js';
import type { Session, SignInOptions } from '../types.js';
import { Field, FormError, useAction } from '../ui.js';

function TokenForm({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const action = useAction();
  const [token, setToken] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await action.run(async () => {
      const response = await fetch('/api/v1/session', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: token.trim() }),
      });
      const body = (await response.json()) as Session & { error?: { code: string; message: string; details?: { field?: string } } };
      if (!response.ok || body.error)
        throw new ApiError(response.status, body.error?.code ?? 'SIGN_IN_FAILED', body.error?.message ?? 'Signing in failed.', body.error?.details?.field ?? 'token');
      onSignedIn(body);
    });
  };
  return (
    <form onSubmit={(e) => void submit(e)}>
      <Field
        label="API token"
        field="token"
        action={action}
        hint={
          <>
            An admin gives you one with <code>incident token &lt;handle&gt;</code>; the first admin&apos;s is in <code>data/admin-token</code>. It is sent once
            and kept by the server as a session; this page never stores it.
          </>
        }
      >
        {(id, d) => <input id={id} aria-describedby={d} type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} />}
      </Field>
      <FormError action={action} fields={['token']} />
      <button type="submit" className="primary" disabled={action.busy || !token.trim()}>
        Sign in
      </button>
    </form>
  );
}

export function SignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  // Until the server says otherwise, the token form is offered: it is what every installation has.
  const [options, setOptions] = useState<SignInOptions>({ tokenSignIn: true, oidc: null });
  useEffect(() => {
    fetch('/api/v1/auth/options', { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(async (r) => (r.ok ? setOptions((await r.json()) as SignInOptions) : undefined))
      .catch(() => undefined);
  }, []);
  return (
    <main className="sign-in">
      <h1>Incident Command</h1>
      {options.oidc ? (
        <section>
          <h2>Single sign-on</h2>
          <p>
            <a className="button primary" href={options.oidc.loginUrl}>
              Sign in with {options.oidc.name}
            </a>
          </p>
        </section>
      ) : null}
      {options.tokenSignIn ? (
        <section>
          <h2>{options.oidc ? 'Or with an API token' : 'Sign in with your API token'}</h2>
          <TokenForm onSignedIn={onSignedIn} />
        </section>
      ) : (
        <p>Signing in with an API token is turned off here; API tokens still work for the CLI and the API.</p>
      )}
    </main>
  );
}
