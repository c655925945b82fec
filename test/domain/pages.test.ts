/** Paging out (issue 15, item 2): who is paged where, pure, and the `paging:` configuration. */
import { describe, expect, it } from 'vitest';
import { policy } from './given.js';
import type { Told } from '../../src/domain/notifications/paging.js';
import { opsgeniePriority, pagerDutySeverity, pageKey, pageRetryable, pagesFor, parsePageKey, type PagerRouting } from '../../src/domain/notifications/pages.js';
import { buildConfig, ConfigError } from '../../src/config/load.js';

const paged = (handle: string, severity: string, group: string | null = null): Told => ({ handle, reason: { kind: 'paged', severity, group, upgradedFrom: null } });
const sme = (handle: string): Told => ({ handle, reason: { kind: 'role', role: 'sme', offered: false, specialty: 'db' } });
const PD = { baseUrl: 'https://events.pagerduty.com', people: { lee: 'KEY-LEE' }, groups: { leadership: 'KEY-LEAD' }, severities: { SEV1: 'KEY-SEV1' } };
const only = (part: Partial<PagerRouting>): PagerRouting => ({ pagerduty: null, opsgenie: null, webhook: null, ...part });
const email = (handle: string) => (handle === 'nomail' ? null : `${handle}@example.com`);
const summary = (routing: PagerRouting, told: Told[]) => pagesFor(7, told, routing, email).map((p) => [p.provider, p.key, p.routingKey ?? p.responder, p.told.map((t) => t.handle)]);

describe('Who is paged where', () => {
  it('PagerDuty: the person\'s own key first, then their group\'s, then the severity\'s; a group or severity is paged once', () => {
    expect(summary(only({ pagerduty: PD }), [paged('lee', 'SEV1', 'leadership'), paged('ana', 'SEV1', 'leadership'), paged('raj', 'SEV1', 'leadership'), paged('oncall', 'SEV1')])).toEqual([
      ['pagerduty', 'INC-7/person/lee', 'KEY-LEE', ['lee']],
      ['pagerduty', 'INC-7/group/leadership', 'KEY-LEAD', ['ana', 'raj']],
      ['pagerduty', 'INC-7/severity/SEV1', 'KEY-SEV1', ['oncall']],
    ]);
  });

  it('PagerDuty: no key for a severity without one; someone named to a role only through a key of their own', () => {
    expect(summary(only({ pagerduty: PD }), [paged('oncall', 'SEV2'), sme('dana'), sme('lee')])).toEqual([['pagerduty', 'INC-7/person/lee', 'KEY-LEE', ['lee']]]);
  });

  it('Opsgenie: one alert per person, its configured username or else their e-mail; nobody without either', () => {
    const routing = only({ opsgenie: { baseUrl: 'https://api.opsgenie.com', users: { lee: 'lee.l' } } });
    expect(summary(routing, [paged('lee', 'SEV1'), sme('dana'), sme('nomail')])).toEqual([
      ['opsgenie', 'INC-7/person/lee', 'lee.l', ['lee']],
      ['opsgenie', 'INC-7/person/dana', 'dana@example.com', ['dana']],
    ]);
  });

  it('the webhook: one page per person told', () => {
    expect(summary(only({ webhook: { url: 'https://pager.example.com/hook' } }), [paged('lee', 'SEV1'), sme('dana')])).toEqual([
      ['webhook', 'INC-7/person/lee', null, ['lee']],
      ['webhook', 'INC-7/person/dana', null, ['dana']],
    ]);
  });

  it('a page key names its incident and target, and only keys of that form are taken back', () => {
    expect(parsePageKey(pageKey(42, { kind: 'group', group: 'leadership' }))).toEqual({ incident: 42, target: { kind: 'group', group: 'leadership' } });
    expect(parsePageKey('INC-42/person/lee')).toEqual({ incident: 42, target: { kind: 'person', handle: 'lee' } });
    for (const foreign of ['d3640fbd41094207a1c11e58e46b1662', 'INC-0/person/lee', 'INC-4/team/x', 'INC-4/person/a/b']) expect(parsePageKey(foreign)).toBeNull();
  });

  it('severity maps to PagerDuty\'s critical, error, warning, info and Opsgenie\'s P1–P5 by rank', () => {
    expect(['SEV1', 'SEV2', 'SEV3', 'SEV9'].map((s) => pagerDutySeverity(policy, s))).toEqual(['critical', 'error', 'warning', 'info']);
    expect(['SEV1', 'SEV2', 'SEV3', 'SEV9'].map((s) => opsgeniePriority(policy, s))).toEqual(['P1', 'P2', 'P3', 'P5']);
  });

  it('only a throttle, a failing tool or no answer is retried', () => {
    expect([null, 429, 500, 503, 400, 401, 404, 202].map(pageRetryable)).toEqual([true, true, true, true, false, false, false, false]);
  });
});

describe('paging configuration', () => {
  const severities = [{ id: 'SEV1', name: 'SEV1', impact: 'x', response: 'y', audience: 'internal', roles: 'combined', postmortem: 'optional' }];
  it('fills in the real endpoints and refuses keys for unknown severities and groups, naming the key', () => {
    const config = buildConfig({ severities, groups: { leads: ['ana'] }, paging: { pagerduty: { severities: { SEV1: 'a'.repeat(32) } }, opsgenie: {} } });
    expect(config.pagers.pagerduty?.baseUrl).toBe('https://events.pagerduty.com');
    expect(config.pagers.opsgenie?.baseUrl).toBe('https://api.opsgenie.com');
    expect(config.pagers.webhook).toBeNull();
    const refused = () => buildConfig({ severities, paging: { pagerduty: { severities: { SEV4: 'a'.repeat(32) }, groups: { nope: 'b'.repeat(32) } } } });
    expect(refused).toThrow(ConfigError);
    try {
      refused();
    } catch (error) {
      expect((error as ConfigError).problems.map((p) => p.field)).toEqual(['paging.pagerduty.severities.SEV4', 'paging.pagerduty.groups.nope']);
    }
  });
});
