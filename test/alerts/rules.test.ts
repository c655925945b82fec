/** The alert rules as pure functions: normalizing, deduplicating, grouping, the group's states, assessing. */
import { webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DIGEST_PIECE_BYTES, bodyDigest, combineDigests } from '../../src/domain/alerts/digest.js';
import { normalizeAlertmanager } from '../../src/domain/alerts/alertmanager.js';
import { checkEvent, eventGroupKey } from '../../src/domain/alerts/events.js';
import { alertSeverity, labelSetHash, type Alert } from '../../src/domain/alerts/alert.js';
import { dedupe } from '../../src/domain/alerts/dedup.js';
import { afterIntake, decideAcknowledge, decideDeclare, decideDismiss, type GroupStatus } from '../../src/domain/alerts/group.js';
import { compareLabels, suggestComponents, suggestSeverity, suggestTitle, type AlertFacts } from '../../src/domain/alerts/assess.js';
import { decideObserveAlerts, observedAt } from '../../src/domain/alerts/observe.js';
import { DEFAULT_SEVERITIES } from '../../src/domain/model/policy.js';
import { DomainError } from '../../src/domain/model/errors.js';

const NOW = '2026-06-06T14:14:00.000Z';
const policy = { levels: DEFAULT_SEVERITIES };

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('normalizing an Alertmanager v4 body', () => {
  const body = {
    version: '4',
    status: 'firing',
    receiver: 'incident-command',
    groupKey: '{}:{alertname="HighErrorRate"}',
    groupLabels: { alertname: 'HighErrorRate' },
    commonLabels: { alertname: 'HighErrorRate' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    truncatedAlerts: 3,
    alerts: [
      {
        status: 'firing',
        labels: { alertname: 'HighErrorRate', instance: 'a', severity: 'Critical' },
        annotations: { summary: 'Too many 5xx' },
        startsAt: '2026-06-06T14:02:11.481+02:00',
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'javascript:alert(1)',
        fingerprint: 'ABCDEF0123456789',
      },
      { status: 'resolved', labels: { alertname: 'HighErrorRate', instance: 'b' }, annotations: {}, startsAt: '2026-06-06T14:00:00Z', endsAt: '2026-06-06T14:10:00Z' },
    ],
  };

  it('reads status, labels, annotations, times (UTC; the zero endsAt of a firing alert is none) and truncatedAlerts', () => {
    const batch = normalizeAlertmanager(body, NOW);
    expect(batch).toMatchObject({ groupKey: '{}:{alertname="HighErrorRate"}', groupLabels: { alertname: 'HighErrorRate' }, truncatedAlerts: 3 });
    expect(batch.alerts[0]).toEqual({
      fingerprint: 'abcdef0123456789',
      status: 'firing',
      severity: 'critical',
      summary: 'Too many 5xx',
      labels: { alertname: 'HighErrorRate', instance: 'a', severity: 'Critical' },
      annotations: { summary: 'Too many 5xx' },
      startsAt: '2026-06-06T12:02:11.481Z',
      endsAt: null,
      generatorUrl: null,
    });
    expect(batch.alerts[1]).toMatchObject({ status: 'resolved', endsAt: '2026-06-06T14:10:00.000Z', severity: null });
  });

  it('without a fingerprint, the sorted label set identifies the alert', () => {
    const [b] = normalizeAlertmanager(body, NOW).alerts.slice(1);
    expect(b!.fingerprint).toBe(labelSetHash({ instance: 'b', alertname: 'HighErrorRate' }));
    expect(labelSetHash({ a: '1', b: '2' })).toBe(labelSetHash({ b: '2', a: '1' }));
    expect(labelSetHash({ a: '1' })).not.toBe(labelSetHash({ a: '2' }));
  });

  it('never refuses: anything unreadable is left out, NUL characters are dropped', () => {
    expect(normalizeAlertmanager(null, NOW)).toEqual({ groupKey: '{}', groupLabels: {}, alerts: [], truncatedAlerts: 0, byClock: false });
    const odd = normalizeAlertmanager({ alerts: [7, null, { labels: { a: 'x\u0000y' }, startsAt: 'yesterday' }] }, NOW);
    expect(odd.alerts).toHaveLength(1);
    expect(odd.alerts[0]).toMatchObject({ status: 'firing', labels: { a: 'xy' }, startsAt: NOW });
  });

  it('keeps at most 100 labels, trims and bounds names and values, and reads a time the same however often it is sent', () => {
    const many = Object.fromEntries(Array.from({ length: 120 }, (_, i) => [`l${String(i).padStart(3, '0')}`, 'v']));
    const labels = { ...many, ' padded ': 'x\u0000'.repeat(3), long: 'y'.repeat(5000), n: 7, nothing: null } as Record<string, unknown>;
    const [alert] = normalizeAlertmanager({ alerts: [{ fingerprint: 'aa', labels: { ...labels } }] }, NOW).alerts;
    expect(Object.keys(alert!.labels)).toHaveLength(100);
    const first = normalizeAlertmanager({ alerts: [{ fingerprint: 'aa', labels: { ' padded ': 'x\u0000x', long: 'y'.repeat(5000), n: 7, nothing: null, '\u0000': 'gone' } }] }, NOW).alerts[0]!;
    expect(first.labels).toEqual({ padded: 'xx', long: 'y'.repeat(4000), n: '7', nothing: '' });
    // Read again, and after more distinct times than are kept, the answer is the same.
    const times = ['2026-12-05T08:00:00.123456789Z', '2026-12-05T09:00:00+01:00', 'yesterday', '0001-01-01T00:00:00Z'];
    const read = () => times.map((startsAt) => normalizeAlertmanager({ alerts: [{ fingerprint: 'aa', startsAt }] }, NOW).alerts[0]!.startsAt);
    const expected = ['2026-12-05T08:00:00.123Z', '2026-12-05T08:00:00.000Z', NOW, NOW];
    expect(read()).toEqual(expected);
    expect(read()).toEqual(expected);
    for (let i = 0; i < 10_001; i++) normalizeAlertmanager({ alerts: [{ fingerprint: 'aa', startsAt: new Date(i * 1000).toISOString() }] }, NOW);
    expect(read()).toEqual(expected);
  });

  it('a status read from endsAt and the clock is flagged: the same body later may mean more', () => {
    const later = new Date(Date.parse(NOW) + 3_600_000).toISOString();
    expect(normalizeAlertmanager({ alerts: [{ fingerprint: 'aa', endsAt: later }] }, NOW)).toMatchObject({ byClock: true, alerts: [{ status: 'firing' }] });
    expect(normalizeAlertmanager({ alerts: [{ fingerprint: 'aa', endsAt: later }] }, later)).toMatchObject({ byClock: true, alerts: [{ status: 'resolved' }] });
    expect(normalizeAlertmanager({ alerts: [{ fingerprint: 'aa', status: 'firing', endsAt: later }] }, NOW).byClock).toBe(false);
    expect(normalizeAlertmanager({ alerts: [{ fingerprint: 'aa', endsAt: '0001-01-01T00:00:00Z' }] }, NOW).byClock).toBe(false);
  });

  it("a body's digest is the same whether taken whole or a megabyte at a time, and differs for other bytes", async () => {
    const body = Buffer.alloc(Math.round(2.5 * DIGEST_PIECE_BYTES), 'alertmanager snapshot ');
    const pieces = [0, 1, 2].map((k) => body.subarray(k * DIGEST_PIECE_BYTES, (k + 1) * DIGEST_PIECE_BYTES));
    const piecewise = combineDigests(await Promise.all(pieces.map((piece) => webcrypto.subtle.digest('SHA-256', piece))));
    expect(bodyDigest(body)).toBe(piecewise);
    expect(bodyDigest(body)).toMatch(/^[0-9a-f]{64}$/);
    const other = Buffer.from(body);
    other[other.length - 1] = 0x21;
    expect(bodyDigest(other)).not.toBe(piecewise);
  });

  it('an alert named twice in one body counts once, as its later mention says', () => {
    const twice = normalizeAlertmanager({ alerts: [{ fingerprint: 'aa', status: 'firing' }, { fingerprint: 'aa', status: 'resolved' }] }, NOW);
    expect(twice.alerts.map((a) => a.status)).toEqual(['resolved']);
  });

  it('severity words map onto the four Events v2 severities', () => {
    expect(['critical', 'page', 'error', 'warn', 'info', 'whatever', undefined].map(alertSeverity)).toEqual([
      'critical',
      'critical',
      'error',
      'warning',
      'info',
      null,
      null,
    ]);
  });
});

describe('checking an Events v2 event', () => {
  const event = {
    routing_key: 'k',
    event_action: 'trigger',
    payload: { summary: 'Disk full', source: 'db01', severity: 'warning', component: 'mysql', custom_details: { used: 99, note: 'x' } },
  };

  it('a trigger without a dedup key gets one; grouping is by source + component unless configured', () => {
    const check = checkEvent(event, NOW);
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    expect(check.event.dedupKey).toMatch(/^[0-9a-f]{32}$/);
    expect(check.event.groupKey).toBe('component=mysql,source=db01');
    expect(check.event.alert).toMatchObject({ fingerprint: check.event.dedupKey, severity: 'warning', annotations: { used: '99', note: 'x' }, startsAt: NOW });
    const byGroup = checkEvent({ ...event, dedup_key: 'd1' }, NOW, ['dedup_key']);
    expect(byGroup.ok && byGroup.event.groupKey).toBe('dedup_key=d1');
    expect(eventGroupKey({ source: 's' }, 'd', ['source', 'component'])).toBe('component=,source=s');
  });

  it('acknowledge and resolve need only the dedup key', () => {
    const check = checkEvent({ routing_key: 'k', event_action: 'resolve', dedup_key: 'd1' }, NOW);
    expect(check).toEqual({ ok: true, event: { routingKey: 'k', action: 'resolve', dedupKey: 'd1', alert: null, groupKey: null } });
  });

  it('lists every problem, in PagerDuty words', () => {
    expect(checkEvent({ event_action: 'trigger', payload: { severity: 'bad', timestamp: 'soon' } }, NOW)).toEqual({
      ok: false,
      errors: [
        "'routing_key' is missing or blank",
        "'payload.summary' is missing or blank",
        "'payload.source' is missing or blank",
        "'payload.severity' is invalid (must be one of: critical, error, warning, info)",
        "'payload.timestamp' is not a valid ISO-8601 time",
      ],
    });
    expect(checkEvent({ routing_key: 'k', event_action: 'trigger' }, NOW)).toEqual({ ok: false, errors: ["'payload' is missing or not an object"] });
  });
});

describe('deduplication', () => {
  const alert = (fingerprint: string, status: Alert['status']): Alert => ({
    fingerprint,
    status,
    severity: null,
    summary: null,
    labels: {},
    annotations: {},
    startsAt: NOW,
    endsAt: null,
    generatorUrl: null,
  });
  const known = new Map([
    ['firing', { status: 'firing' as const, seenIn: 5 }],
    ['resolved', { status: 'resolved' as const, seenIn: 5 }],
    ['later', { status: 'firing' as const, seenIn: 9 }],
  ]);

  it('new, repeat, changed (fired again, resolved) and stale (older than what is stored)', () => {
    const outcomes = dedupe(
      [alert('new', 'firing'), alert('new-resolved', 'resolved'), alert('firing', 'firing'), alert('resolved', 'firing'), alert('firing', 'resolved'), alert('later', 'resolved')],
      known,
      7,
    );
    expect(outcomes.map((o) => [o.kind, 'transition' in o ? o.transition : undefined])).toEqual([
      ['new', 'fired'],
      ['new', null],
      ['repeat', undefined],
      ['changed', 'refired'],
      ['changed', 'resolved'],
      ['stale', undefined],
    ]);
  });
});

describe("a group's states", () => {
  const group = (state: GroupStatus['state'], extra: Partial<GroupStatus> = {}): GroupStatus => ({
    id: 1,
    state,
    openedAt: '2026-06-06T14:00:00.000Z',
    acknowledgedBy: null,
    acknowledgedAt: null,
    incident: null,
    dismissedReason: null,
    ...extra,
  });
  const facts = (firing: number, newlyFiring = 0, incidentOpen = false) => ({ firing, newlyFiring, incidentOpen, now: NOW });

  it('open or acknowledged → resolved when all its alerts resolve', () => {
    expect(afterIntake(group('open'), facts(0))).toEqual({ state: 'resolved' });
    expect(afterIntake(group('acknowledged'), facts(0))).toEqual({ state: 'resolved' });
    expect(afterIntake(group('dismissed'), facts(0))).toEqual({});
  });

  it('firing again after resolve reopens it as a new episode, unacknowledged', () => {
    const change = afterIntake(group('resolved', { acknowledgedBy: 'alex', acknowledgedAt: NOW, incident: 3 }), facts(1, 1));
    expect(change).toMatchObject({ state: 'open', openedAt: NOW, acknowledgedBy: null, secondsToAcknowledge: null, incident: null });
  });

  it('an open incident that owns the group takes the refire instead: no page', () => {
    expect(afterIntake(group('resolved', { incident: 3 }), facts(1, 1, true))).toEqual({ state: 'acknowledged' });
  });

  it('a dismissed group stays dismissed through repeats; only a new firing reopens it', () => {
    expect(afterIntake(group('dismissed'), facts(2, 0))).toEqual({});
    expect(afterIntake(group('dismissed'), facts(2, 1))).toMatchObject({ state: 'open', dismissedReason: null });
  });

  it('acknowledge: who, when, and seconds since the episode opened; once', () => {
    expect(decideAcknowledge(group('open'), 'alex', NOW)).toEqual({
      state: 'acknowledged',
      acknowledgedBy: 'alex',
      acknowledgedAt: NOW,
      secondsToAcknowledge: 840,
    });
    expect(refusal(() => decideAcknowledge(group('acknowledged', { acknowledgedBy: 'sam' }), 'alex', NOW))).toBe('ALERT_GROUP_ACKNOWLEDGED');
    expect(refusal(() => decideAcknowledge(group('resolved'), 'alex', NOW))).toBe('ALERT_GROUP_NOT_OPEN');
  });

  it('declare links the incident and acknowledges if nobody had; once', () => {
    expect(decideDeclare(group('open'), 2, 'alex', NOW, 4)).toMatchObject({ state: 'acknowledged', incident: 4, acknowledgedBy: 'alex' });
    expect(decideDeclare(group('resolved', { acknowledgedBy: 'sam', acknowledgedAt: NOW }), 0, 'alex', NOW, 4)).toEqual({
      state: 'resolved',
      incident: 4,
      dismissedReason: null,
      dismissedBy: null,
      dismissedAt: null,
    });
    expect(refusal(() => decideDeclare(group('acknowledged', { incident: 2 }), 1, 'alex', NOW, 4))).toBe('ALERT_GROUP_DECLARED');
  });

  it('dismiss needs a reason, and not for a group an incident owns', () => {
    expect(decideDismiss(group('open'), ' Known flapping ', 'alex', NOW)).toMatchObject({ state: 'dismissed', dismissedReason: 'Known flapping', dismissedBy: 'alex' });
    expect(refusal(() => decideDismiss(group('open'), '  ', 'alex', NOW))).toBe('VALIDATION_FAILED');
    expect(refusal(() => decideDismiss(group('acknowledged', { incident: 2 }), 'x', 'alex', NOW))).toBe('ALERT_GROUP_DECLARED');
    expect(refusal(() => decideDismiss(group('dismissed'), 'x', 'alex', NOW))).toBe('ALERT_GROUP_NOT_OPEN');
  });
});

describe('assessing a group', () => {
  const a = (labels: Record<string, string>, severity: AlertFacts['severity'] = 'warning', status: AlertFacts['status'] = 'firing', summary: string | null = null): AlertFacts => ({
    labels,
    severity,
    status,
    summary,
  });

  it('severity: critical → first level, error and warning → second, info → last (unknown as warning)', () => {
    expect((['critical', 'error', 'warning', 'info', null] as const).map((s) => suggestSeverity(s, policy))).toEqual(['SEV1', 'SEV2', 'SEV2', 'SEV3', 'SEV2']);
    expect(suggestSeverity('error', { levels: DEFAULT_SEVERITIES.slice(0, 1) })).toBe('SEV1');
  });

  it('title from alertname and service/component/job; a summary when there is no alertname', () => {
    expect(suggestTitle([a({ alertname: 'HighLatency', service: 'checkout', i: '1' }), a({ alertname: 'HighLatency', service: 'checkout', i: '2' })])).toBe(
      'HighLatency on checkout',
    );
    expect(suggestTitle([a({ alertname: 'Warn', job: 'api' }), a({ alertname: 'Down', job: 'api' }, 'critical'), a({ alertname: 'Old', job: 'api' }, 'critical', 'resolved')])).toBe(
      'Down and 2 other alerts on api',
    );
    expect(suggestTitle([a({ source: 'db01' }, 'error', 'firing', 'Disk full on db01')])).toBe('Disk full on db01');
    // Of alerts ranked alike, the first named one; an alert without a name counts for neither.
    expect(suggestTitle([a({ job: 'api' }, 'critical'), a({ alertname: 'B', job: 'api' }, 'critical'), a({ alertname: 'A', job: 'api' }, 'critical'), a({ alertname: 'B', job: 'api' })])).toBe(
      'B and 1 other alert on api',
    );
  });

  it('labels that differ, with their values; labels some alerts lack differ too', () => {
    expect(compareLabels([a({ alertname: 'X', instance: 'a', zone: 'eu' }), a({ alertname: 'X', instance: 'b' })])).toEqual({
      common: { alertname: 'X' },
      differing: { instance: ['a', 'b'], zone: ['eu'] },
    });
    expect(compareLabels(Array.from({ length: 30 }, (_, i) => a({ i: String(i).padStart(2, '0') })), 10).differing.i).toHaveLength(10);
    // The first ten in order, however they arrived, each once.
    const shuffled = Array.from({ length: 40 }, (_, i) => a({ i: String((i * 17) % 20).padStart(2, '0') }));
    expect(compareLabels(shuffled, 10).differing.i).toEqual(['00', '01', '02', '03', '04', '05', '06', '07', '08', '09']);
  });

  it('components from the labels: configured ones by id or name, else any valid id', () => {
    const alerts = [a({ service: 'Checkout', job: 'api' }), a({ service: 'Checkout', component: 'Payments Gateway' }), a({ job: 'api' }), a({ job: 'api' })];
    expect(suggestComponents(alerts, [])).toEqual(['api', 'checkout']);
    // Mentioned as often: the first mentioned first.
    expect(suggestComponents([a({ job: 'web' }), a({ service: 'db' }), a({ service: 'db', job: 'web' })], [])).toEqual(['web', 'db']);
    expect(suggestComponents(alerts, [{ id: 'pay', name: 'Payments Gateway' }, { id: 'checkout', name: 'Checkout' }])).toEqual(['checkout', 'pay']);
  });

  it('an alert goes on the timeline when it fired (or resolved), never later than now', () => {
    expect(observedAt({ status: 'firing', startsAt: '2026-06-06T14:00:00.000Z', endsAt: null }, NOW)).toBe('2026-06-06T14:00:00.000Z');
    expect(observedAt({ status: 'resolved', startsAt: '2026-06-06T14:00:00.000Z', endsAt: '2026-06-06T14:10:00.000Z' }, NOW)).toBe('2026-06-06T14:10:00.000Z');
    expect(observedAt({ status: 'firing', startsAt: '2026-06-06T15:00:00.000Z', endsAt: null }, NOW)).toBe(NOW);
  });

  it('alerts go on the timeline as typed events: one per alert listed, at its own time, and one counting the rest', () => {
    const alert = { status: 'firing' as const, labels: { alertname: 'Disk' }, severity: 'warning', summary: null, generatorUrl: null, endsAt: null };
    const decision = decideObserveAlerts(
      { type: 'ObserveAlerts', group: 4, alerts: [{ ...alert, startsAt: '2026-06-06T14:00:00.000Z' }, { ...alert, startsAt: '2026-06-06T15:00:00.000Z' }], more: 2 },
      NOW,
    );
    expect(decision.events).toEqual([
      { type: 'AlertObserved', group: 4, alert: { status: 'firing', labels: { alertname: 'Disk' }, severity: 'warning', summary: null, generatorUrl: null }, occurredAt: '2026-06-06T14:00:00.000Z' },
      { type: 'AlertObserved', group: 4, alert: { status: 'firing', labels: { alertname: 'Disk' }, severity: 'warning', summary: null, generatorUrl: null }, occurredAt: NOW },
      { type: 'MoreAlertsObserved', group: 4, count: 2 },
    ]);
    expect(decideObserveAlerts({ type: 'ObserveAlerts', group: 4, alerts: [], more: 0 }, NOW).events).toEqual([]);
  });
});
