/**
 * What a person has opened or typed on an alert group's card, kept by the inbox rather than by
 * the card: when someone acknowledges the group, its card moves from the Open list to the
 * Acknowledged one and React draws it anew there, which used to close a half-filled Declare or
 * Dismiss form and lose its text. A group's drafts go when it leaves the inbox (dismissed, or
 * its alerts resolved), unless the person is typing on its card then: they go when the person
 * leaves the card.
 */
import { createContext, useCallback, useContext, useState } from 'react';

export const CardDrafts = createContext<Map<string, unknown> | null>(null);

/** useState for one thing on group `group`'s card that outlives the card being drawn again elsewhere. */
export function useCardDraft<T>(group: number, name: string, initial: T): [T, (value: T) => void] {
  const drafts = useContext(CardDrafts);
  const key = `${group}:${name}`;
  const [value, setValue] = useState<T>(() => (drafts?.has(key) ? (drafts.get(key) as T) : initial));
  const set = useCallback(
    (next: T) => {
      drafts?.set(key, next);
      setValue(next);
    },
    [drafts, key],
  );
  return [value, set];
}

/** Forgets what was typed on the cards of the groups `which` picks. */
export function forgetDrafts(drafts: Map<string, unknown>, which: (group: number) => boolean): void {
  for (const key of [...drafts.keys()]) if (which(Number(key.slice(0, key.indexOf(':'))))) drafts.delete(key);
}

/** Forgets what was typed on group `group`'s card (its form cancelled or done): the next form starts from the suggestions. */
export function useForgetCardDrafts(group: number): () => void {
  const drafts = useContext(CardDrafts);
  return useCallback(() => {
    if (drafts) forgetDrafts(drafts, (g) => g === group);
  }, [drafts, group]);
}
