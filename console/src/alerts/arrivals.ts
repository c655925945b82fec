/**
 * Telling someone a new alert group arrived while they look elsewhere: a count in the tab's
 * title and a short tone, each off until the person turns it on (kept in this browser).
 */
import { useCallback, useEffect, useRef, useState } from 'react';

export interface ArrivalPreferences {
  badge: boolean;
  sound: boolean;
}

const KEY = 'incident-command.alert-arrivals';

function stored(): ArrivalPreferences {
  try {
    const value = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<ArrivalPreferences>;
    return { badge: value.badge === true, sound: value.sound === true };
  } catch {
    return { badge: false, sound: false };
  }
}

/** A short two-note tone; silent where the browser allows no audio yet (no gesture on the page). */
function chime(): void {
  const context = new AudioContext();
  const gain = context.createGain();
  gain.gain.value = 0.15;
  gain.connect(context.destination);
  [880, 660].forEach((frequency, i) => {
    const tone = context.createOscillator();
    tone.frequency.value = frequency;
    tone.connect(gain);
    tone.start(context.currentTime + i * 0.18);
    tone.stop(context.currentTime + i * 0.18 + 0.15);
  });
  setTimeout(() => void context.close(), 1000);
}

/**
 * `arrived(ids)` with the ids of groups seen for the first time; the title shows how many
 * arrived since the person last touched the page (a key, a click or focus clears it).
 */
export function useArrivals() {
  const [preferences, setPreferences] = useState<ArrivalPreferences>(stored);
  const [unseen, setUnseen] = useState(0);
  const latest = useRef(preferences);
  latest.current = preferences;

  const change = useCallback((next: ArrivalPreferences) => {
    localStorage.setItem(KEY, JSON.stringify(next));
    setPreferences(next);
    if (!next.badge) setUnseen(0);
  }, []);

  const arrived = useCallback((count: number) => {
    if (count === 0) return;
    if (latest.current.badge) setUnseen((n) => n + count);
    if (latest.current.sound) chime();
  }, []);

  useEffect(() => {
    const seen = () => setUnseen(0);
    window.addEventListener('focus', seen);
    window.addEventListener('keydown', seen);
    window.addEventListener('pointerdown', seen);
    return () => {
      window.removeEventListener('focus', seen);
      window.removeEventListener('keydown', seen);
      window.removeEventListener('pointerdown', seen);
    };
  }, []);

  useEffect(() => {
    const base = document.title.replace(/^\(\d+\) /, '');
    document.title = unseen > 0 ? `(${unseen}) ${base}` : base;
  }, [unseen]);
  useEffect(
    () => () => {
      document.title = document.title.replace(/^\(\d+\) /, '');
    },
    [],
  );

  return { preferences, change, arrived, unseen };
}
