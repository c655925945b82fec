/**
 * The `paging:` section: where pages go (src/domain/notifications/pages.ts). A tool is on
 * when its section is there; Opsgenie also needs OPSGENIE_API_KEY and the webhook
 * PAGING_WEBHOOK_SECRET (src/integrations/paging.ts). A routing key for a severity or a
 * group that the configuration does not have is refused with its key.
 */
import type { ConfigFile } from './schema.js';
import type { PagerRouting } from '../domain/notifications/pages.js';

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com';
export const OPSGENIE_API_URL = 'https://api.opsgenie.com';

export function pagerRoutingOf(file: ConfigFile, severities: string[], problems: { field: string; problem: string }[]): PagerRouting {
  const paging = file.paging ?? {};
  const pd = paging.pagerduty;
  for (const severity of Object.keys(pd?.severities ?? {}))
    if (!severities.includes(severity)) problems.push({ field: `paging.pagerduty.severities.${severity}`, problem: `is not a severity in the policy (known: ${severities.join(', ')})` });
  for (const group of Object.keys(pd?.groups ?? {}))
    if (!Object.hasOwn(file.groups ?? {}, group)) problems.push({ field: `paging.pagerduty.groups.${group}`, problem: 'is not a group in groups' });
  return {
    pagerduty: pd ? { baseUrl: pd.baseUrl ?? PAGERDUTY_EVENTS_URL, people: pd.people ?? {}, groups: pd.groups ?? {}, severities: pd.severities ?? {} } : null,
    opsgenie: paging.opsgenie ? { baseUrl: paging.opsgenie.baseUrl ?? OPSGENIE_API_URL, users: paging.opsgenie.users ?? {} } : null,
    webhook: paging.webhook ? { url: paging.webhook.url } : null,
  };
}
