/**
 * Component subscriptions: a status page subscriber (e-mail or webhook) may follow only
 * some components. Pure.
 */

/**
 * Whether a subscriber following `follows` (null: everything) hears about an incident or
 * maintenance window touching `touched`. One that names no component touches the whole
 * service as far as anyone can tell, so only those following everything hear of it.
 */
export function hearsAbout(follows: readonly string[] | null, touched: readonly string[]): boolean {
  if (follows === null) return true;
  return touched.some((id) => follows.includes(id));
}

/** The components asked for, checked against those that exist: null (or nothing ticked) means all. */
export function followedComponents(asked: readonly string[] | null | undefined, known: readonly string[]): { components: string[] | null; unknown: string[] } {
  const unique = [...new Set((asked ?? []).map((id) => id.trim()).filter(Boolean))];
  return { components: unique.length ? unique : null, unknown: unique.filter((id) => !known.includes(id)) };
}
