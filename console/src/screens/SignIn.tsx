/** Sign in once with an API token; the server turns it into a session cookie the page cannot read. */
import { useState, type FormEvent } from 'react';
import { ApiError } from '../api.js';
import type { Session } from '../types.js';
import { Field, FormError, useAction } from '../ui.js';

export function SignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
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
    <main className="sign-in">
      <h1>Incident Command</h1>
      <p>Sign in with your API token. It is sent once and kept by the server as a session; this page never stores it.</p>
      <form onSubmit={(e) => void submit(e)}>
        <Field
          label="API token"
          field="token"
          action={action}
          hint={
            <>
              An admin gives you one with <code>incident token &lt;handle&gt;</code>; the first admin&apos;s is in <code>data/admin-token</code>.
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
    </main>
  );
}
