import { describe, expect, it } from 'vitest';
import { channelName, decideDeclare, slugify } from '../../src/domain/incidents/declare.js';
import { renderAnnouncement } from '../../src/presenters/announcement.js';
import type { DeclareInput } from '../../src/domain/model/commands.js';
import type { Links } from '../../src/domain/model/events.js';
import { lifecycleState } from '../../src/domain/model/state.js';
import { ALEX, INCIDENT, T0, ctx, given, minutes, record, refusal } from './given.js';
import { fold } from '../../src/domain/model/state.js';

const noLinks: Links = { statusPage: null, dashboard: null, runbook: null };

function declare(
  input: Partial<DeclareInput> & { title?: string; severity?: string },
  options: { by?: string; at?: string; links?: Links; components?: string[] } = {},
) {
  return decideDeclare(
    { title: 'Checkout errors', severity: 'SEV2', ...input },
    INCIDENT,
    ctx({ by: options.by ?? ALEX, at: options.at ?? T0 }),
    { links: options.links ?? noLinks, components: options.components ?? [] },
  );
}

function declaredEvent(input: Partial<DeclareInput> = {}, options: { by?: string; at?: string; links?: Links } = {}) {
  const [event, ...rest] = declare(input, options).events;
  expect(rest).toEqual([]);
  if (event?.type !== 'IncidentDeclared') throw new Error('expected IncidentDeclared');
  return event;
}

describe('R1: declaring is one deliberate act', () => {
  it('R1: affected components must be configured ones, when the team lists any', () => {
    expect(refusal(() => declare({ components: ['checkout', 'chekout'] }, { components: ['checkout', 'search'] })).code).toBe('UNKNOWN_COMPONENT');
    expect(declaredEvent({ components: ['checkout'] }).components).toEqual(['checkout']);
    expect(declare({ components: ['anything'] }, { components: [] }).events).toHaveLength(1);
  });

  it('R1: title and severity are enough to open the incident, named, on the clock and commanded by the declarer', () => {
    const decision = declare({ title: 'Checkout returning 500s for ~30% of users', severity: 'SEV2' });
    expect(decision.warnings).toEqual([]);
    expect(decision.events).toEqual([
      {
        type: 'IncidentDeclared',
        number: 7,
        title: 'Checkout returning 500s for ~30% of users',
        severity: 'SEV2',
        summary: null,
        startedAt: T0,
        declaredAt: T0,
        channel: 'inc-2026-06-06-checkout-returning-500s-for-30',
        components: [],
        links: noLinks,
        private: false,
        commander: ALEX,
        nextUpdateBy: minutes(15),
      },
    ]);
  });

  it('R1: the folded incident is open (INC-<n>), investigating, with the declarer as IC and no deputies yet', () => {
    const state = fold(record([{ event: declaredEvent(), by: ALEX, at: T0 }]));
    expect(state.phase).toBe('active');
    expect(lifecycleState(state)).toBe('open');
    expect(state.number).toBe(INCIDENT);
    expect(state.status).toBe('investigating');
    expect(state.declaredBy).toBe(ALEX);
    expect(state.roles).toEqual({ incident_commander: ALEX, comms_lead: null, scribe: null });
    expect(state.pendingHandoff).toBeNull();
    expect(state.version).toBe(1);
    expect(state.severityHistory).toEqual([{ severity: 'SEV2', from: T0, reason: null, by: ALEX }]);
    expect(state.roleHistory).toEqual([{ role: 'incident_commander', person: ALEX, specialty: null, from: T0, to: null }]);
  });

  it('R1: the declarer names someone else as Incident Commander', () => {
    const event = declaredEvent({ commander: 'priya' });
    expect(event.commander).toBe('priya');
    const state = fold(record([{ event, by: ALEX }]));
    expect(state.roles.incident_commander).toBe('priya');
    expect(state.declaredBy).toBe(ALEX);
    expect(state.participants).toEqual([ALEX, 'priya']);
  });

  it('R1: a null commander falls back to the declarer', () => {
    expect(declaredEvent({ commander: null }).commander).toBe(ALEX);
  });

  it('R1: startedAt (when impact began) may be earlier than declaredAt', () => {
    const event = declaredEvent({ startedAt: '2026-06-06T13:50:00.000Z' }, { at: T0 });
    expect(event.startedAt).toBe('2026-06-06T13:50:00.000Z');
    expect(event.declaredAt).toBe(T0);
  });

  it('R1: startedAt defaults to the moment of declaring', () => {
    expect(declaredEvent({ startedAt: null }).startedAt).toBe(T0);
  });

  it('R1: impact cannot start after the incident is declared', () => {
    const error = refusal(() => declare({ startedAt: minutes(1) }));
    expect(error.code).toBe('STARTED_IN_FUTURE');
    expect(error.details).toEqual({ field: 'startedAt' });
  });

  it('R1: a startedAt that is not a time is refused, not stored', () => {
    const error = refusal(() => declare({ startedAt: 'yesterday afternoon' }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details).toEqual({ field: 'startedAt' });
  });

  it('R1: startedAt given with an offset is stored in UTC', () => {
    expect(declaredEvent({ startedAt: '2026-06-06T16:00:00+02:00' }).startedAt).toBe('2026-06-06T14:00:00.000Z');
  });

  it('R1: the title is required', () => {
    const error = refusal(() => declare({ title: '' }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details).toEqual({ field: 'title' });
  });

  it('R1: a title of only whitespace is no title', () => {
    expect(refusal(() => declare({ title: '  \t\n ' })).code).toBe('VALIDATION_FAILED');
  });

  it('R1: the title is trimmed', () => {
    expect(declaredEvent({ title: '  Checkout errors  ' }).title).toBe('Checkout errors');
  });

  it('R1: the severity must be one of the policy', () => {
    const error = refusal(() => declare({ severity: 'SEV9' }));
    expect(error.code).toBe('UNKNOWN_SEVERITY');
    expect(error.details).toEqual({ field: 'severity', allowed: ['SEV1', 'SEV2', 'SEV3'] });
  });

  it('R1: severity ids are matched exactly (sev1 is not SEV1)', () => {
    expect(refusal(() => declare({ severity: 'sev1' })).code).toBe('UNKNOWN_SEVERITY');
  });

  it('R1/R8: comms run from minute one: the first update is owed within firstUpdateWithin, SEV1 10 minutes, SEV2 15, SEV3 30', () => {
    expect(declaredEvent({ severity: 'SEV1' }).nextUpdateBy).toBe(minutes(10));
    expect(declaredEvent({ severity: 'SEV2' }).nextUpdateBy).toBe(minutes(15));
    expect(declaredEvent({ severity: 'SEV3' }).nextUpdateBy).toBe(minutes(30));
  });

  it('R1: everything else is optional: summary, components, links, privacy', () => {
    const event = declaredEvent(
      {
        summary: '  Checkout returning 500s for ~30% of users ',
        components: ['checkout', 'payments', 'checkout'],
        links: { dashboard: 'https://grafana.example.com/d/checkout' },
        private: true,
      },
      { links: { statusPage: 'https://status.example.com', dashboard: 'https://grafana.example.com', runbook: null } },
    );
    expect(event.summary).toBe('Checkout returning 500s for ~30% of users');
    expect(event.components).toEqual(['checkout', 'payments']);
    expect(event.links).toEqual({
      statusPage: 'https://status.example.com',
      dashboard: 'https://grafana.example.com/d/checkout',
      runbook: null,
    });
    expect(event.private).toBe(true);
  });

  it('R1: a blank summary is stored as no summary', () => {
    expect(declaredEvent({ summary: '   ' }).summary).toBeNull();
  });

  it('R1: the channel is dated by the UTC day of declaration', () => {
    expect(declaredEvent({}, { at: '2026-12-31T23:59:59.000Z' }).channel).toBe('inc-2026-12-31-checkout-errors');
    expect(declaredEvent({}, { at: '2027-01-01T00:00:00.000Z' }).channel).toBe('inc-2027-01-01-checkout-errors');
  });
});

describe('R1: channel slug', () => {
  it('R1: the seed example: lower-case words joined by hyphens, punctuation dropped', () => {
    expect(slugify('Checkout returning 500s for ~30% of users')).toBe('checkout-returning-500s-for-30');
    expect(channelName('Checkout', '2026-06-06T14:14:00.000Z')).toBe('inc-2026-06-06-checkout');
  });

  it('R1: at most five words', () => {
    expect(slugify('one two three four five six seven')).toBe('one-two-three-four-five');
    expect(slugify('one two three four five')).toBe('one-two-three-four-five');
    expect(slugify('one two')).toBe('one-two');
  });

  it('R1: punctuation and runs of separators become one hyphen, never leading or trailing', () => {
    expect(slugify('  --DB: connection-pool   exhausted!!! ')).toBe('db-connection-pool-exhausted');
    expect(slugify("API's 5xx / p99 > 2s")).toBe('api-s-5xx-p99-2s');
    expect(slugify('payments_v2.eu-west-1')).toBe('payments-v2-eu-west-1');
  });

  it('R1: accented letters keep their base letter', () => {
    expect(slugify('Café crème: Zahlungsausfall in Köln')).toBe('cafe-creme-zahlungsausfall-in-koln');
    expect(slugify('ÉCHEC de paiement')).toBe('echec-de-paiement');
  });

  it('R1: compatibility forms are folded (full-width digits, ligatures)', () => {
    expect(slugify('ｅｒｒｏｒｓ on ﬁle uploads １２３')).toBe('errors-on-file-uploads-123');
  });

  it('R1: letters with no ASCII form are dropped, words around them kept', () => {
    expect(slugify('支付失败 payments down')).toBe('payments-down');
    expect(slugify('🔥 checkout 🔥 on fire')).toBe('checkout-on-fire');
  });

  it('R1: a title that leaves an empty slug gets "incident"', () => {
    expect(slugify('支付失败')).toBe('incident');
    expect(slugify('!!! ??? ...')).toBe('incident');
    expect(slugify('🔥🔥🔥')).toBe('incident');
    expect(slugify('')).toBe('incident');
    expect(channelName('🚨', T0)).toBe('inc-2026-06-06-incident');
  });

  it('R1: a very long slug is cut to 48 characters without a trailing hyphen', () => {
    const slug = slugify('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa b c');
    expect(slug).toBe('a'.repeat(47));
    expect(slug.length).toBeLessThanOrEqual(48);
    const long = slugify('supercalifragilisticexpialidocious database connection pool exhaustion');
    expect(long.length).toBeLessThanOrEqual(48);
    expect(long.endsWith('-')).toBe(false);
    expect(long).toBe('supercalifragilisticexpialidocious-database-conn');
  });
});

describe('R1: channel announcement', () => {
  it('R1: the announcement follows the seed template: header, severity, started, summary, roles, links, standing instructions', () => {
    const incident = given(
      {
        event: declaredEvent(
          { title: 'Checkout', summary: 'Checkout returning 500s for ~30% of users' },
          { links: { statusPage: 'https://status.example.com', dashboard: null, runbook: null } },
        ),
      },
      { type: 'RoleAssigned', role: 'comms_lead', person: 'priya', previous: null },
      { type: 'RoleAssigned', role: 'scribe', person: 'sam', previous: null },
      { type: 'SmeAdded', person: 'dana', specialty: 'payments' },
      { type: 'SmeAdded', person: 'lee', specialty: 'database' },
    );
    expect(renderAnnouncement(incident.state)).toBe(
      [
        '🚨 INCIDENT DECLARED, #inc-2026-06-06-checkout',
        'Severity: SEV2',
        'Started: 2026-06-06 14:14 UTC',
        'Summary: Checkout returning 500s for ~30% of users',
        '',
        'ROLES',
        'Incident Commander: @alex',
        'Comms Lead: @priya',
        'Scribe: @sam',
        'SMEs: @dana (payments), @lee (database)',
        '',
        'LINKS',
        'Status page: https://status.example.com',
        'Dashboard: (none)',
        'Runbook: (none)',
        '',
        'Post updates in this thread. Keep side-chatter out.',
        'The Scribe owns the timeline.',
        '',
      ].join('\n'),
    );
  });

  it('R1: plain text (e-mail) drops the emoji and the @, and shows unassigned roles', () => {
    const incident = given({ event: declaredEvent() });
    const text = renderAnnouncement(incident.state, 'text');
    expect(text.split('\n').slice(0, 4)).toEqual([
      'INCIDENT DECLARED, #inc-2026-06-06-checkout-errors',
      'Severity: SEV2',
      'Started: 2026-06-06 14:14 UTC',
      'Summary: Checkout errors',
    ]);
    expect(text).toContain('Incident Commander: alex\n');
    expect(text).toContain('Comms Lead: (unassigned)\n');
    expect(text).toContain('SMEs: (none yet)\n');
  });
});
