/** The console's frame: who is signed in, the live stream, and which screen the path names. */
import { Suspense, lazy, useCallback, useEffect, useMemo, useState } from 'react';
import { createApi } from './api.js';
import { ConsoleContext, type ConsoleContextValue } from './console-context.js';
import { LiveContext, LiveStream, type LiveState } from './live.js';
import { linkProps, useRoute } from './router.js';
import type { Session } from './types.js';
import { SignIn } from './screens/SignIn.js';
import { IncidentList } from './screens/IncidentList.js';
import { Declare } from './screens/Declare.js';
import { Room } from './screens/Room.js';
import { AdminScreen } from './admin/AdminScreen.js';
import { Tokens } from './admin/Tokens.js';
import { AlertInbox } from './alerts/AlertInbox.js';
import { StatusPageScreen } from './status-page/StatusPageScreen.js';
import { DrillsScreen } from './drills/DrillsScreen.js';
import { FollowUps } from './follow-ups/FollowUps.js';

// Loaded when first opened, with its chart library: the console's first load stays within its budget.
const InsightsScreen = lazy(() => import('./insights/InsightsScreen.js').then((m) => ({ default: m.InsightsScreen })));

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
    const response = await fetch('/api/v1/session', { method: 'DELETE', credentials: 'same-origin', headers: { 'x-csrf-token': session.csrfToken } }).catch(() => null);
    // Signed in through the OpenID provider: its session ends too, and it sends the browser back here.
    const ended = response?.status === 200 ? ((await response.json()) as { endSessionUrl?: string }) : null;
    if (ended?.endSessionUrl) window.location.assign(ended.endSessionUrl);
    else onSignOut();
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
          <a {...linkProps('/alerts')} aria-current={route.screen === 'alerts' ? 'page' : undefined}>
            Alerts
          </a>
          <a {...linkProps('/status-page')} aria-current={route.screen === 'status-page' ? 'page' : undefined}>
            Status page
          </a>
          <a {...linkProps('/insights')} aria-current={route.screen === 'insights' ? 'page' : undefined}>
            Insights
          </a>
          <a {...linkProps('/drills')} aria-current={route.screen === 'drills' ? 'page' : undefined}>
            Drills
          </a>
          <a {...linkProps('/follow-ups')} aria-current={route.screen === 'follow-ups' ? 'page' : undefined}>
            Follow-ups
          </a>
          {session.permissions.declare ? (
            <a {...linkProps('/declare')} className="declare-link" aria-current={route.screen === 'declare' ? 'page' : undefined}>
              Declare
            </a>
          ) : null}
          {session.permissions.admin ? (
            <a {...linkProps('/admin')} aria-current={route.screen === 'admin' ? 'page' : undefined}>
              Admin
            </a>
          ) : null}
          <span className="spacer" />
          <LiveIndicator stream={stream} />
          <span className="me">
            @{session.person.handle} ({session.person.role})
          </span>
          <a {...linkProps('/tokens')} aria-current={route.screen === 'tokens' ? 'page' : undefined}>
            My tokens
          </a>
          <button type="button" onClick={() => void signOut()}>
            Sign out
          </button>
        </nav>
        {route.screen === 'admin' ? (
          <AdminScreen page={route.page} />
        ) : route.screen === 'tokens' ? (
          <Tokens />
        ) : route.screen === 'room' ? (
          <Room key={route.id} id={route.id} />
        ) : route.screen === 'declare' && session.permissions.declare ? (
          <Declare />
        ) : route.screen === 'alerts' ? (
          <AlertInbox />
        ) : route.screen === 'status-page' ? (
          <StatusPageScreen />
        ) : route.screen === 'drills' ? (
          <DrillsScreen key={route.id ?? 'all'} id={route.id} />
        ) : route.screen === 'follow-ups' ? (
          <FollowUps />
        ) : route.screen === 'insights' ? (
          <Suspense fallback={<main>Loading…</main>}>
            <InsightsScreen />
          </Suspense>
        ) : (
          <IncidentList />
        )}
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
