/** R10 as pure rules: what is public, the updates the world sees, and how components are held. No I/O. */
import { describe, expect, it } from 'vitest';
import { T0, declared, given, minutes, policy, refusal } from '../domain/given.js';
import { ConfigError, buildConfig } from '../../src/config/load.js';
import { isPublicIncident, publicHistory, publicStatus, publicUpdates } from '../../src/domain/status-page/visibility.js';
import { componentStatuses, defaultComponentStatus, incidentComponentStatuses } from '../../src/domain/status-page/components.js';
import { buildStatusPage } from '../../src/domain/status-page/view-model.js';
import type { IncidentState } from '../../src/domain/model/state.js';

const config = { policy, statusPage: { showResponderNames: false } };

const update = (status: 'identified' | 'monitoring', audience: 'public' | 'internal', impact: string) => ({
  event: { type: 'StatusUpdatePosted' as const, status, impact, whatWeKnow: 'Known.', nextStep: 'Next.', nextUpdateBy: minutes(60), audience },
  by: 'priya',
});

describe('R10: what is public', () => {
  it('R10: SEV1 and SEV2 are public by policy, SEV3 is not; a private incident never is', () => {
    expect(isPublicIncident(given(declared({ severity: 'SEV1' })).state, config)).toBe(true);
    expect(isPublicIncident(given(declared({ severity: 'SEV2' })).state, config)).toBe(true);
    expect(isPublicIncident(given(declared({ severity: 'SEV3' })).state, config)).toBe(false);
    expect(isPublicIncident(given(declared({ severity: 'SEV1', private: true })).state, config)).toBe(false);
  });

  it('R10: a published SEV3 is public, and stays public when a public incident is downgraded after publishing', () => {
    const minor = given(declared({ severity: 'SEV3' })).after({ type: 'Publish' });
    expect(minor.events.at(-1)?.event).toEqual({ type: 'IncidentPublished' });
    expect(isPublicIncident(minor.state, config)).toBe(true);
    const downgraded = given(declared({ severity: 'SEV2' }))
      .after({ type: 'Publish' })
      .after({ type: 'ChangeSeverity', severity: 'SEV3', reason: 'Smaller than feared' });
    expect(isPublicIncident(downgraded.state, config)).toBe(true);
    expect(isPublicIncident(given(declared({ severity: 'SEV2' })).after({ type: 'ChangeSeverity', severity: 'SEV3', reason: 'Smaller' }).state, config)).toBe(
      false,
    );
  });

  it('R10: publishing twice records once; a private incident cannot be published', () => {
    const once = given(declared({ severity: 'SEV3' })).after({ type: 'Publish' });
    expect(once.when({ type: 'Publish' }).events).toEqual([]);
    expect(refusal(() => given(declared({ private: true })).when({ type: 'Publish' })).code).toBe('PRIVATE_INCIDENT');
  });

  it('R10: a publication can be taken back (and given again); an incident public by its severity cannot be taken off', () => {
    const published = given(declared({ severity: 'SEV3' })).after({ type: 'Publish' });
    const taken = published.after({ type: 'Unpublish' });
    expect(taken.events.at(-1)?.event).toEqual({ type: 'IncidentUnpublished' });
    expect(isPublicIncident(taken.state, config)).toBe(false);
    expect(taken.when({ type: 'Unpublish' }).events).toEqual([]);
    expect(isPublicIncident(taken.after({ type: 'Publish' }).state, config)).toBe(true);
    const sev1 = refusal(() => given(declared({ severity: 'SEV1' })).after({ type: 'Publish' }).when({ type: 'Unpublish' }));
    expect([sev1.code, sev1.details?.field]).toEqual(['PUBLIC_BY_POLICY', 'severity']);
  });

  it('R10: only public updates, newest first, without the poster unless configured', () => {
    const incident = given(
      declared({ severity: 'SEV2' }),
      update('identified', 'public', 'First public.'),
      update('monitoring', 'internal', 'Internal only.'),
      update('monitoring', 'public', 'Second public.'),
    );
    const updates = publicUpdates(incident.state, config);
    expect(updates.map((u) => u.impact)).toEqual(['Second public.', 'First public.']);
    expect(updates.every((u) => u.postedBy === null && !u.placeholder)).toBe(true);
    expect(updates[0]?.markdown).toBe('**Impact:** Second public.\n\n**What we know:** Known.\n\n**Next step:** Next.');
    expect(publicUpdates(incident.state, { ...config, statusPage: { showResponderNames: true } })[0]?.postedBy).toBe('priya');
    expect(publicUpdates(given(declared({ severity: 'SEV3' }), update('identified', 'public', 'x')).state, config)).toEqual([]);
  });

  it('R10: from declaration until the first public update the history is one "We are investigating" entry; an internal update moves neither the public status nor its promised time', () => {
    const incident = given(declared({ severity: 'SEV1' }), update('identified', 'internal', 'Internal.'));
    const history = publicHistory(incident.state, config);
    expect(history).toHaveLength(1);
    // The internal update's promise is not shown to the public; the one made at declaration is, until then.
    expect(history[0]).toMatchObject({ status: 'investigating', placeholder: true, postedAt: T0, nextUpdateBy: null });
    const fresh = given(declared({ severity: 'SEV1' })).state;
    expect(fresh.nextUpdateBy).not.toBeNull();
    expect(publicHistory(fresh, config)[0]).toMatchObject({ placeholder: true, nextUpdateBy: fresh.nextUpdateBy });
    expect(history[0]?.markdown).toContain('We are investigating');
    expect(publicStatus(incident.state, config)).toBe('investigating');
    expect(publicHistory(given(declared({ severity: 'SEV3' })).state, config)).toEqual([]);
  });
});

describe('R10: component statuses', () => {
  const components = [{ id: 'checkout' }, { id: 'search' }, { id: 'api' }];
  const open = (severity: string, affected: string[], set: Record<string, 'operational' | 'major_outage' | 'degraded_performance'> = {}): IncidentState => {
    let incident = given(declared({ severity, components: affected }));
    for (const [component, status] of Object.entries(set)) incident = incident.after({ type: 'SetComponentStatus', component, status });
    return incident.state;
  };

  it('R10: the default per severity: most severe level a major outage, the next a partial outage, the rest degraded; configurable', () => {
    expect(defaultComponentStatus(policy, {}, 'SEV1')).toBe('major_outage');
    expect(defaultComponentStatus(policy, {}, 'SEV2')).toBe('partial_outage');
    expect(defaultComponentStatus(policy, {}, 'SEV3')).toBe('degraded_performance');
    expect(defaultComponentStatus(policy, { SEV1: 'partial_outage' }, 'SEV1')).toBe('partial_outage');
  });

  it('R10: responders set an affected component; naming another adds it; setting the same status again records nothing', () => {
    const incident = given(declared({ severity: 'SEV2', components: ['checkout'] })).after({ type: 'SetComponentStatus', component: 'api', status: 'major_outage' });
    expect(incident.events.at(-1)?.event).toEqual({ type: 'ComponentStatusSet', component: 'api', status: 'major_outage', from: null });
    expect(incidentComponentStatuses(incident.state, policy, {})).toEqual({ checkout: 'partial_outage', api: 'major_outage' });
    expect(incident.when({ type: 'SetComponentStatus', component: 'api', status: 'major_outage' }).events).toEqual([]);
  });

  it('R10: the worst status any open incident holds wins; maintenance shows unless an incident is worse; resolved incidents hold nothing', () => {
    const statuses = componentStatuses({
      components,
      openPublicIncidents: [open('SEV2', ['checkout'], { checkout: 'degraded_performance' }), open('SEV1', ['checkout', 'api'])],
      maintenanceComponentIds: ['api', 'search'],
      policy,
      bySeverity: {},
    });
    expect(Object.fromEntries(statuses)).toEqual({ checkout: 'major_outage', search: 'under_maintenance', api: 'major_outage' });

    const resolved = given(declared({ severity: 'SEV1', components: ['checkout'] })).after({ type: 'Resolve', impact: 'Done.', whatWeKnow: 'Cause.' });
    const after = componentStatuses({ components, openPublicIncidents: [resolved.state], maintenanceComponentIds: [], policy, bySeverity: {} });
    expect(after.get('checkout')).toBe('operational');
  });
});

describe('R10: the page model', () => {
  const pageConfig = buildConfig({ components: [{ id: 'checkout', name: 'Checkout' }] });
  const component = { id: 'checkout', name: 'Checkout', group: null, description: null, order: 0, source: 'configuration' as const, version: 1, createdAt: null, updatedAt: null };
  const build = (incidents: IncidentState[], now = minutes(5)) =>
    buildStatusPage({ now, config: pageConfig, baseUrl: 'https://status.example.com', components: [component], incidents, maintenances: [] });

  it('R10: never "All Systems Operational" during a declared public incident, even with every component operational', () => {
    const incident = given(declared({ severity: 'SEV2', components: ['checkout'] })).after({ type: 'SetComponentStatus', component: 'checkout', status: 'operational' });
    const model = build([incident.state]);
    expect(model.components[0]?.status).toBe('operational');
    expect(model.status).toEqual({ indicator: 'major', description: 'Partial System Outage' });
    expect(build([given(declared({ severity: 'SEV3' })).state]).status.description).toBe('All Systems Operational');
  });

  it('R10: a resolved incident is recent for 14 days; the model says when it ages out, so the page re-renders then', () => {
    const resolved = given(declared({ severity: 'SEV2' })).after({ type: 'Resolve', impact: 'Done.', whatWeKnow: 'Cause.' });
    const resolvedAt = resolved.lastAt;
    const fresh = build([resolved.state], minutes(10));
    expect(fresh.recentIncidents.map((i) => i.id)).toEqual(['INC-7']);
    expect(fresh.nextChangeAt).toBe(new Date(Date.parse(resolvedAt) + 14 * 86_400_000).toISOString());
    expect(build([resolved.state], new Date(Date.parse(resolvedAt) + 15 * 86_400_000).toISOString()).recentIncidents).toEqual([]);
  });
});

describe('status page configuration', () => {
  const problems = (document: unknown) => {
    try {
      buildConfig(document);
      return [];
    } catch (error) {
      return (error as ConfigError).problems.map((p) => p.field);
    }
  };

  it('branding and the status page keys are validated, naming the bad key', () => {
    expect(problems({ organization: { logoUrl: 'javascript:alert(1)' } })).toEqual(['organization.logoUrl']);
    expect(problems({ organization: { colors: { brand: 'red' } } })).toEqual(['organization.colors.brand']);
    expect(problems({ organization: { colors: { text: '#777777', background: '#888888' } } })).toEqual(['organization.colors']);
    expect(problems({ statusPage: { componentStatusBySeverity: { SEV9: 'major_outage' } } })).toEqual(['statusPage.componentStatusBySeverity.SEV9']);
    expect(problems({ statusPage: { componentStatusBySeverity: { SEV1: 'on_fire' } } })).not.toEqual([]);
    expect(problems({ statusPage: { rateLimit: { requests: 10, per: '10ms' } } })).toEqual(['statusPage.rateLimit.per']);
    expect(problems({ organization: { colors: { brand: '#ffcc00', text: '#111111' } }, statusPage: { recentResolved: '7d' } })).toEqual([]);
  });
});
