/** The console's frame: who is signed in, the live stream, and which screen the path names. */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { createApi } from './api.js';
import { ConsoleContext, type ConsoleContextValue } from './console-context.js';
import { LiveContext, LiveStream, type LiveState } from './live.js';
import { linkProps, useRoute } from './router.js';
import type { Session } from './types.js';
import { SignIn } from './screens/SignIn.js';
import { IncidentList } from './screens/IncidentList.js';
import { Declare } from './screens/Declare.js';
import { Room } from './screens/Room.js';

function LiveIndicator({ stream }: { stream: LiveStream }) {
  const [state, setState] = useState<LiveState>(stream.state);
  useEffect(() => stream.onState(setState), [stream]);
  const label = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…' }[state];
  return (
    <span className={`live ${state}`} role="status" aria-label={`Live updates: ${label}`}>
      ● {label}
    </span>
  );
}

function SignedIn({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const route = useRoute();
  const context = useMemo<ConsoleContextValue>(
    () => ({ api: createApi({ csrfToken: () => session.csrfToken, onUnauthenticated: onSignOut }), me: session.person, permissions: session.permissions }),
    [session, onSignOut],
  );
  const stream = useMemo(() => new LiveStream(), []);
  useEffect(() => {
    stream.start();
    return () => stream.stop();
  }, [stream]);

  const signOut = async () => {
    await fetch('/api/v1/session', { method: 'DELETE', credentials: 'same-origin', headers: { 'x-csrf-token': session.csrfToken } }).catch(() => undefined);
    onSignOut();
  };

  return (
    <ConsoleContext.Provider value={context}>
      <LiveContext.Provider value={stream}>
        <nav className="top">
          <a className="brand" {...linkProps('/')}>
            Incident Command
          </a>
          <a {...linkProps('/')} aria-current={route.screen === 'list' ? 'page' : undefined}>
            Incidents
          </a>
          {session.permissions.declare ? (
            <a {...linkProps('/declare')} className="declare-link" aria-current={route.screen === 'declare' ? 'page' : undefined}>
              Declare
            </a>
          ) : null}
          <span className="spacer" />
          <LiveIndicator stream={stream} />
          <span className="me">
            @{session.person.handle} ({session.person.role})
          </span>
          <button type="button" onClick={() => void signOut()}>
            Sign out
          </button>
        </nav>
        {route.screen === 'room' ? <Room key={route.id} id={route.id} /> : route.screen === 'declare' && session.permissions.declare ? <Declare /> : <IncidentList />}
      </LiveContext.Provider>
    </ConsoleContext.Provider>
  );
}

export function App() {
  const [session, setSession] = useState<Session | null | 'unknown'>('unknown');
  useEffect(() => {
    fetch('/api/v1/session', { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(async (r) => (r.ok ? ((await r.json()) as Session) : null))
      .then(setSession, () => setSession(null));
  }, []);
  const signedOut = useCallback(() => setSession(null), []);
  if (session === 'unknown') return <main>Loading…</main>;
  if (session === null) return <SignIn onSignedIn={setSession} />;
  return <SignedIn session={session} onSignOut={signedOut} />;
}
