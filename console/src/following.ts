/**
 * A form field that follows the server until the person edits it. The room reloads on every
 * live event; a field nobody has touched takes the server's new value, a field someone has
 * edited keeps their text, and when the server's value of that same field moved meanwhile
 * the field says so (`theirs`), so saving over someone else's change is never silent.
 */
import { useState } from 'react';

export interface Following<T = string> {
  value: T;
  set: (value: T) => void;
  /** The person changed it from the value it was loaded at. */
  edited: boolean;
  /** The server's value, when it changed since the person began editing (and differs from theirs). */
  theirs: T | null;
}

/** `same`, when two values are the same (for a list, its items in order). */
export function useFollowing<T = string>(server: T, same: (a: T, b: T) => boolean = Object.is): Following<T> {
  const [base, setBase] = useState(server);
  const [value, setValue] = useState(server);
  // Adjusting state to a new prop during render (React's documented pattern): untouched, or
  // edited to what the server now says (their own save coming back), the field follows it.
  const moved = !same(server, base);
  if (moved && (same(value, base) || same(value, server))) {
    setBase(server);
    setValue(server);
  }
  return { value, set: setValue, edited: !same(value, base), theirs: moved && !same(value, server) ? server : null };
}

/** What a field says under it when someone else changed it meanwhile (`theirs`, as shown), or nothing. */
export function changedMeanwhile(theirs: string | null): string | undefined {
  return theirs === null ? undefined : `Changed meanwhile to “${theirs}”: saving puts yours in its place.`;
}

/** For useFollowing over a list. */
export const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * A choice from options that change with the room (people, severities, components): once the
 * one chosen is no longer offered (someone else took that step meanwhile), it reads as none, as
 * the select then shows, so nothing is sent that the person cannot see.
 */
export function useChoice(offered: readonly string[]): [string, (value: string) => void] {
  const [chosen, setChosen] = useState('');
  return [offered.includes(chosen) ? chosen : '', setChosen];
}
