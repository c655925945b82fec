/**
 * Where the focus is on an alert group's card, kept across the card being drawn anew: when its
 * group moves to the other list, React unmounts the card from one list and mounts it in the
 * other, and the focus (with the caret) falls to the page.
 */

export interface FocusPlace {
  group: number;
  control: string | undefined;
  /** In the card's Declare or Dismiss form: the person is filling it in. */
  inForm: boolean;
  selection: { start: number; end: number; direction: 'forward' | 'backward' | 'none' } | null;
}

/** A card's control by a name that every drawing of the card shares (ids from useId do not): `data-control`, or the component a checkbox ticks. */
function controlOf(element: Element): string | undefined {
  if (element instanceof HTMLInputElement && element.type === 'checkbox') return `component:${element.value}`;
  return element instanceof HTMLElement ? element.dataset.control : undefined;
}

/** Where in `inbox` the focus is, when it is on a card (`data-alert-group`). */
export function focusPlace(inbox: HTMLElement | null): FocusPlace | null {
  const focused = document.activeElement;
  const card = focused && inbox?.contains(focused) ? focused.closest<HTMLElement>('[data-alert-group]') : null;
  if (!focused || !card) return null;
  // Only text inputs and text areas have a selection; a checkbox's is null.
  const text = focused instanceof HTMLTextAreaElement || (focused instanceof HTMLInputElement && focused.selectionStart !== null) ? focused : null;
  return {
    group: Number(card.dataset.alertGroup),
    control: controlOf(focused),
    inForm: focused.closest('form') !== null,
    selection: text ? { start: text.selectionStart ?? 0, end: text.selectionEnd ?? 0, direction: text.selectionDirection ?? 'none' } : null,
  };
}

/** Focuses the same control on `card`, caret and all; the card's heading when the card has no such control now (Acknowledge, once acknowledged). */
export function refocus(card: HTMLElement, place: FocusPlace): void {
  const control = place.control === undefined ? undefined : Array.from(card.querySelectorAll<HTMLElement>('*')).find((element) => controlOf(element) === place.control);
  if (!control) {
    card.querySelector<HTMLElement>('h2')?.focus();
    return;
  }
  control.focus();
  if (place.selection && (control instanceof HTMLInputElement || control instanceof HTMLTextAreaElement))
    control.setSelectionRange(place.selection.start, place.selection.end, place.selection.direction);
}
