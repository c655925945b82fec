/**
 * The requests a page is sent as, in the shapes the tools document: PagerDuty Events API v2
 * (`POST /v2/enqueue`), Opsgenie's Alert API (`POST /v2/alerts`, closed by alias) and our
 * signed paging webhook. The words are the told e-mail's (src/presenters/told-mail.ts).
 * Secrets (Opsgenie's API key, the webhook's signing secret) are added when sent, never stored.
 */
import type { IncidentState } from '../domain/model/state.js';
import type { SeverityPolicy } from '../domain/model/policy.js';
import { findSeverity } from '../domain/model/policy.js';
import { incidentId } from '../domain/model/ids.js';
import { opsgeniePriority, pagerDutySeverity, type Page, type PagerRouting } from '../domain/notifications/pages.js';
import { incidentLink, toldHeading, whyTold } from './told-mail.js';

export interface PageRequest {
  url: string;
  body: string;
}

const SOURCE = 'Incident Command';
/** Opsgenie's limits (Alert API): message 130 characters, description 15,000. PagerDuty's summary: 1,024. */
const OPSGENIE_MESSAGE = 130;
const OPSGENIE_DESCRIPTION = 15_000;
const PAGERDUTY_SUMMARY = 1024;

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
const base = (url: string) => url.replace(/\/+$/, '');

function words(page: Page, state: IncidentState, policy: SeverityPolicy, consoleUrl: string) {
  const first = page.told[0]!;
  const response = first.reason.kind === 'paged' ? (findSeverity(policy, first.reason.severity)?.response ?? null) : null;
  const { subject, lines } = whyTold(first, response);
  const others = page.told.slice(1).map((t) => `Also told: @${t.handle}.`);
  return {
    summary: `${toldHeading(state)}: ${subject}`,
    lines: [...lines, ...others, ...(state.summary ? [`Summary: ${state.summary}`] : [])],
    link: incidentLink(consoleUrl, state.number),
    people: page.told.map((t) => t.handle),
  };
}

/** The request that raises `page`; `at` is when it was decided (the event's time). */
export function pageTrigger(page: Page, state: IncidentState, policy: SeverityPolicy, routing: PagerRouting, at: string, consoleUrl: string): PageRequest {
  const w = words(page, state, policy, consoleUrl);
  const incident = incidentId(state.number);
  switch (page.provider) {
    case 'pagerduty':
      return {
        url: `${base(routing.pagerduty!.baseUrl)}/v2/enqueue`,
        body: JSON.stringify({
          routing_key: page.routingKey,
          event_action: 'trigger',
          dedup_key: page.key,
          payload: {
            summary: clip(w.summary, PAGERDUTY_SUMMARY),
            source: SOURCE,
            severity: pagerDutySeverity(policy, state.severity),
            timestamp: at,
            class: state.severity,
            custom_details: { incident, severity: state.severity, people: w.people, why: w.lines, link: w.link },
          },
          links: [{ href: w.link, text: `Open ${incident}` }],
          client: SOURCE,
          client_url: w.link,
        }),
      };
    case 'opsgenie':
      return {
        url: `${base(routing.opsgenie!.baseUrl)}/v2/alerts`,
        body: JSON.stringify({
          message: clip(w.summary, OPSGENIE_MESSAGE),
          alias: page.key,
          description: clip([w.summary, ...w.lines, `Open the incident: ${w.link}`].join('\n'), OPSGENIE_DESCRIPTION),
          responders: [{ type: 'user', username: page.responder }],
          priority: opsgeniePriority(policy, state.severity),
          source: SOURCE,
          entity: incident,
          tags: [incident, state.severity],
          details: { incident, severity: state.severity, link: w.link },
        }),
      };
    case 'webhook':
      return {
        url: routing.webhook!.url,
        body: JSON.stringify({ type: 'page.triggered', timestamp: at, data: { page: page.key, incident, severity: state.severity, people: w.people, summary: w.summary, why: w.lines, link: w.link } }),
      };
  }
}

/** The request that ends `page` when its incident is resolved: PagerDuty's resolve by dedup key, Opsgenie's close by alias. */
export function pageResolve(page: Pick<Page, 'provider' | 'key' | 'routingKey'>, state: IncidentState, routing: PagerRouting, at: string): PageRequest {
  const incident = incidentId(state.number);
  switch (page.provider) {
    case 'pagerduty':
      return { url: `${base(routing.pagerduty!.baseUrl)}/v2/enqueue`, body: JSON.stringify({ routing_key: page.routingKey, event_action: 'resolve', dedup_key: page.key }) };
    case 'opsgenie':
      return {
        url: `${base(routing.opsgenie!.baseUrl)}/v2/alerts/${encodeURIComponent(page.key)}/close?identifierType=alias`,
        body: JSON.stringify({ source: SOURCE, note: `${incident} was resolved.` }),
      };
    case 'webhook':
      return { url: routing.webhook!.url, body: JSON.stringify({ type: 'page.resolved', timestamp: at, data: { page: page.key, incident } }) };
  }
}
