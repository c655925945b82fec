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

export interface SubscriberCounts {
  /** Confirmed e-mail subscribers, and those who have not confirmed yet (they hear nothing). */
  email: { confirmed: number; pending: number };
  webhooks: number;
  /** Per component: how many (confirmed e-mail and webhooks) hear of an incident touching it. */
  components: Record<string, number>;
  /** How many hear of an incident that names no component: those following everything. */
  everything: number;
}

/** How many subscribers an incident or maintenance window reaches, per component, for the console. */
export function subscriberCounts(
  email: readonly { state: string; components: readonly string[] | null }[],
  webhooks: readonly { components: readonly string[] | null }[],
  components: readonly string[],
): SubscriberCounts {
  const reached = [...email.filter((s) => s.state === 'confirmed'), ...webhooks];
  return {
    email: { confirmed: email.filter((s) => s.state === 'confirmed').length, pending: email.filter((s) => s.state === 'pending').length },
    webhooks: webhooks.length,
    components: Object.fromEntries(components.map((id) => [id, reached.filter((s) => hearsAbout(s.components, [id])).length])),
    everything: reached.filter((s) => s.components === null).length,
  };
}
