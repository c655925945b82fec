/**
 * Adaptive Cards checked with Microsoft's own `adaptivecards` library: parsed (every parse
 * warning: unknown types, invalid values, a bad version) and its property validation. The
 * library builds DOM elements as it parses, so it runs on a jsdom window.
 */
import { JSDOM } from 'jsdom';

type AdaptiveCards = typeof import('adaptivecards');
let library: Promise<AdaptiveCards> | null = null;

function load(): Promise<AdaptiveCards> {
  if (!library) {
    const { window } = new JSDOM('<!doctype html><html><body></body></html>');
    Object.assign(globalThis, { window, document: window.document });
    library = import('adaptivecards');
  }
  return library;
}

/** The library's warnings about a card, as "message" lines; none for a card it takes as it is. */
export async function cardWarnings(content: unknown): Promise<string[]> {
  const AC = await load();
  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  card.parse(content, context);
  const warnings: string[] = [];
  for (let i = 0; i < context.eventCount; i++) warnings.push(`parse: ${context.getEventAt(i).message}`);
  for (const event of card.validateProperties().validationEvents) warnings.push(`validate: ${event.message}`);
  return warnings;
}
