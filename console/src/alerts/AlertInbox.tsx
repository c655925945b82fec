/**
 * The alert inbox: open and acknowledged alert groups, most recently seen first, kept live
 * by the event stream's `alerts` messages. New groups are announced to screen readers, and
 * in the tab's title and with a tone when the person has asked for that.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useConsole } from '../console-context.js';
import { useLiveAlerts } from '../live.js';
import type { AlertGroup, Component, Severity } from '../types.js';
import { useNow } from '../time.js';
import { LoadError } from '../ui.js';
import { AlertGroupCard } from './AlertGroupCard.js';
import { useArrivals } from './arrivals.js';
import { CardDrafts } from './drafts.js';

export function AlertInbox() {
  const { api } = useConsole();
  const now = useNow(10_000);
  const [groups, setGroups] = useState<AlertGroup[] | null>(null);
  const [severities, setSeverities] = useState<Severity[]>([]);
  const [components, setComponents] = useState<Component[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const known = useRef<Set<number> | null>(null);
  const { preferences, change, arrived } = useArrivals();
  const drafts = useRef(new Map<string, unknown>());

  const reload = useCallback(async () => {
    try {
      const [open, acknowledged] = await Promise.all([api.get<AlertGroup[]>('/alerts?state=open'), api.get<AlertGroup[]>('/alerts?state=acknowledged')]);
      const all = [...open, ...acknowledged];
      // The first read is what was already there; only groups after it have "arrived".
      if (known.current) {
        const fresh = all.filter((g) => !known.current!.has(g.id));
        if (fresh.length > 0) {
          setAnnouncement(`New alert group${fresh.length > 1 ? 's' : ''}: ${fresh.map((g) => g.title).join('; ')}`);
          arrived(fresh.length);
        }
      }
      known.current = new Set([...(known.current ?? []), ...all.map((g) => g.id)]);
      setGroups(all);
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }, [api, arrived]);

  useEffect(() => {
    void reload();
    api.get<Severity[]>('/severities').then(setSeverities, () => setSeverities([]));
    api.get<Component[]>('/components').then(setComponents, () => setComponents([]));
  }, [api, reload]);
  useLiveAlerts(() => void reload());

  const open = groups?.filter((g) => g.state === 'open') ?? [];
  const acknowledged = groups?.filter((g) => g.state === 'acknowledged') ?? [];
  const card = (g: AlertGroup) => <AlertGroupCard key={g.id} group={g} severities={severities} components={components} now={now} onChanged={() => void reload()} />;

  return (
    <CardDrafts.Provider value={drafts.current}>
      <main className="alert-inbox">
        <div className="row wrap">
          <h1>Alert inbox</h1>
          <span className="spacer" />
          <fieldset className="arrivals">
            <legend>When a new group arrives</legend>
            <label className="inline">
              <input type="checkbox" checked={preferences.badge} onChange={(e) => change({ ...preferences, badge: e.target.checked })} /> Count it in the tab title
            </label>
            <label className="inline">
              <input type="checkbox" checked={preferences.sound} onChange={(e) => change({ ...preferences, sound: e.target.checked })} /> Play a sound
            </label>
          </fieldset>
        </div>
        <p className="visually-hidden" role="status" aria-live="polite">
          {announcement}
        </p>
        <LoadError error={error} />
        {groups === null ? <p>Loading…</p> : null}
        <section aria-labelledby="open-groups">
          <h2 id="open-groups">Open ({open.length})</h2>
          {groups !== null && open.length === 0 ? <p className="muted">No open alert groups: nothing is waiting for someone to look.</p> : null}
          {open.map(card)}
        </section>
        <section aria-labelledby="acknowledged-groups">
          <h2 id="acknowledged-groups">Acknowledged ({acknowledged.length})</h2>
          {acknowledged.map(card)}
        </section>
      </main>
    </CardDrafts.Provider>
  );
}
