/**
 * The alert inbox: open and acknowledged alert groups, most recently seen first, kept live
 * by the event stream's `alerts` messages. New groups are announced to screen readers, and
 * in the tab's title and with a tone when the person has asked for that. A card that moves to
 * the other list takes the focus with it, which is said to screen readers.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useConsole } from '../console-context.js';
import { useLiveAlerts } from '../live.js';
import type { AlertGroup, Component, Severity } from '../types.js';
import { useNow } from '../time.js';
import { LoadError } from '../ui.js';
import { AlertGroupCard } from './AlertGroupCard.js';
import { useArrivals } from './arrivals.js';
import { CardDrafts, forgetDrafts } from './drafts.js';
import { focusPlace, refocus, type FocusPlace } from './focus.js';

export function AlertInbox() {
  const { api } = useConsole();
  const now = useNow(10_000);
  const [groups, setGroups] = useState<AlertGroup[] | null>(null);
  const [severities, setSeverities] = useState<Severity[]>([]);
  const [components, setComponents] = useState<Component[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const [focusNote, setFocusNote] = useState('');
  const inbox = useRef<HTMLElement>(null);
  /** What the last reload drew: a card being typed in can outlive its group's leaving the inbox. */
  const shown = useRef<AlertGroup[]>([]);
  const [leftBehind, setLeftBehind] = useState<number | null>(null);
  /** Where the focus was on a card just before the reload's render, to put it back there. */
  const focusBefore = useRef<FocusPlace | null>(null);
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
      const place = focusPlace(inbox.current);
      // Someone filling in a form on a group that has just left the inbox keeps its card, and the text, until they leave it.
      const typedIn = place?.inForm && !all.some((g) => g.id === place.group) ? shown.current.find((g) => g.id === place.group) : undefined;
      if (typedIn) {
        all.splice(Math.min(shown.current.indexOf(typedIn), all.length), 0, typedIn);
        setFocusNote(`Group ${typedIn.title} is no longer in the inbox: what you typed stays until you leave its card.`);
      }
      forgetDrafts(drafts.current, (group) => !all.some((g) => g.id === group));
      setLeftBehind(typedIn?.id ?? null);
      focusBefore.current = place;
      shown.current = all;
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

  useLayoutEffect(() => {
    const place = focusBefore.current;
    focusBefore.current = null;
    // A card drawn anew in the other list leaves the focus on the page; anywhere else, the person put it there.
    if (!place || document.activeElement !== document.body) return;
    const group = groups?.find((g) => g.id === place.group);
    const card = inbox.current?.querySelector<HTMLElement>(`[data-alert-group="${place.group}"]`);
    if (!group || !card) return;
    refocus(card, place);
    setFocusNote(`Group ${group.title} moved to ${group.state === 'open' ? 'Open' : 'Acknowledged'}.`);
  }, [groups]);

  const leave = (id: number) => {
    forgetDrafts(drafts.current, (group) => group === id);
    shown.current = shown.current.filter((g) => g.id !== id);
    setGroups(shown.current);
    setLeftBehind(null);
  };

  const open = groups?.filter((g) => g.state === 'open') ?? [];
  const acknowledged = groups?.filter((g) => g.state === 'acknowledged') ?? [];
  // A card kept for what is being typed in it is no longer in the inbox: not counted.
  const counted = (list: AlertGroup[]) => list.filter((g) => g.id !== leftBehind).length;
  const card = (g: AlertGroup) => (
    <AlertGroupCard
      key={g.id}
      group={g}
      severities={severities}
      components={components}
      now={now}
      onChanged={() => void reload()}
      onLeave={g.id === leftBehind ? () => leave(g.id) : undefined}
    />
  );

  return (
    <CardDrafts.Provider value={drafts.current}>
      <main className="alert-inbox" ref={inbox}>
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
        <p className="visually-hidden" role="status" aria-live="polite">
          {focusNote}
        </p>
        <LoadError error={error} />
        {groups === null ? <p>Loading…</p> : null}
        <section aria-labelledby="open-groups">
          <h2 id="open-groups">Open ({counted(open)})</h2>
          {groups !== null && open.length === 0 ? <p className="muted">No open alert groups: nothing is waiting for someone to look.</p> : null}
          {open.map(card)}
        </section>
        <section aria-labelledby="acknowledged-groups">
          <h2 id="acknowledged-groups">Acknowledged ({counted(acknowledged)})</h2>
          {acknowledged.map(card)}
        </section>
      </main>
    </CardDrafts.Provider>
  );
}
