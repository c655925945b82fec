/**
 * A form field that follows the server until the person edits it. The room reloads on every
 * live event; a field nobody has touched takes the server's new value, a field someone has
 * edited keeps their text, and when the server's value of that same field moved meanwhile
 * the field says so (`theirs`), so saving over someone else's change is never silent.
 */
import { useCallback, useState } from 'react';

export interface Following<T = string> {
  value: T;
  set: (value: T) => void;
  /** The person changed it: from the value it was loaded at, or back to it after the server's moved (theirs, then, is not what they chose). */
  edited: boolean;
  /** The server's value, when it changed since the person began editing (and differs from theirs). */
  theirs: T | null;
}

/**
 * `same`, when two values are the same: it must hold for equal values built anew on every
 * render (a list compared item by item), or the adjustment below would never settle.
 * `saved`, a count the form moves after each save of its own: the server keeps a value tidied
 * (trimmed, a list rejoined), so on the next render every field takes the server's value as
 * saved rather than reading the tidied one as someone else's change.
 */
export function useFollowing<T = string>(server: T, same: (a: T, b: T) => boolean = Object.is, saved = 0): Following<T> {
  const [base, setBase] = useState(server);
  const [value, setValue] = useState(server);
  // Set by the person, not read from the value: one changed back to where it was loaded is still their choice.
  const [touched, setTouched] = useState(false);
  const [saves, setSaves] = useState(saved);
  // Adjusting state to a new prop during render (React's documented pattern): untouched, or
  // edited to what the server now says, or just saved from here, the field follows it.
  const moved = !same(server, base);
  if (saves !== saved || (moved && (!touched || same(value, server)))) {
    setSaves(saved);
    setBase(server);
    setValue(server);
    setTouched(false);
  }
  const set = useCallback((next: T) => {
    setValue(next);
    setTouched(true);
  }, []);
  return { value, set, edited: touched && (moved || !same(value, base)), theirs: moved && !same(value, server) ? server : null };
}

/** What a field says under it when someone else changed it meanwhile (`theirs`, as shown), or nothing. */
export function changedMeanwhile(theirs: string | null): string | undefined {
  return theirs === null ? undefined : `Changed meanwhile to “${theirs}”: saving puts yours in its place.`;
}

/** For useFollowing over a set of ids held as a list: the same ids, whatever their order. */
export const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

/**
 * A choice from options that change with the room (people, severities, components): once the
 * one chosen is no longer offered (someone else took that step meanwhile), it reads as none, as
 * the select then shows, so nothing is sent that the person cannot see.
 */
export function useChoice(offered: readonly string[]): [string, (value: string) => void] {
  const [chosen, setChosen] = useState('');
  // Dropped, not only hidden: it would otherwise come back chosen if it were offered again.
  if (chosen !== '' && !offered.includes(chosen)) setChosen('');
  return [offered.includes(chosen) ? chosen : '', setChosen];
}
