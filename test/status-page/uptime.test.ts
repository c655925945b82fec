/** Uptime from the recorded history, with known answers. No I/O. */
import { describe, expect, it } from 'vitest';
import { declared, policy, record } from '../domain/given.js';
import { componentUptime, incidentSpans, maintenanceSpans, uptimePercent, type StatusSpan } from '../../src/domain/status-page/uptime.js';
import type { MaintenanceWindow } from '../../src/domain/maintenance/window.js';

const config = { policy, statusPage: { componentStatusBySeverity: {} } };
const DAY = '2026-06-06';
const at = (time: string, date = DAY) => `${date}T${time}:00.000Z`;
const NOW = at('12:00', '2026-06-08');
const checkout = { id: 'checkout', createdAt: '2026-01-01T00:00:00.000Z' };

/** A public incident on checkout: declared at `from`, resolved at `to`, `severity` holding it (SEV2: partial outage). */
function outage(from: string, to: string, severity = 'SEV2'): StatusSpan[] {
  return incidentSpans(
    record([
      { event: declared({ severity, declaredAt: from, components: ['checkout'] }), at: from },
      { event: { type: 'IncidentResolved', postmortemRequired: false }, at: to },
    ]),
    config,
  );
}

function window(startsAt: string, endsAt: string, cancelledAt: string | null = null): MaintenanceWindow {
  return {
    id: 'mw1',
    title: 'Database upgrade',
    message: 'Read-only.',
    components: ['checkout'],
    startsAt,
    endsAt,
    remindBefore: ['1h'],
    cancelledAt,
    version: 1,
    createdBy: 'alex',
    createdAt: at('00:00', '2026-06-01'),
    updatedAt: at('00:00', '2026-06-01'),
  };
}

const dayOf = (uptime: ReturnType<typeof componentUptime>, date: string) => uptime.days.find((d) => d.date === date)!;

describe('uptime per component', () => {
  it('a day with a 2-hour partial outage: 30% of 2 h is downtime, 97.50% for the day', () => {
    const uptime = componentUptime(checkout, outage(at('10:00'), at('12:00')), NOW);
    const day = dayOf(uptime, DAY);
    expect(day).toMatchObject({ status: 'partial_outage', ms: { partial_outage: 7_200_000 }, downtimeMs: 2_160_000, countedMs: 86_400_000 });
    expect(uptimePercent(1 - day.downtimeMs / day.countedMs)).toBe('97.50%');
    expect(uptime.days).toHaveLength(90);
    expect(uptime.days.at(-1)!.date).toBe('2026-06-08');
    expect(dayOf(uptime, '2026-06-07')).toMatchObject({ status: 'operational', downtimeMs: 0 });
    // 89.5 days counted (today up to noon), 0.6 h of downtime.
    expect(uptime.ratio).toBeCloseTo(1 - 2_160_000 / (89.5 * 86_400_000), 12);
    expect(uptimePercent(uptime.ratio!)).toBe('99.97%');
    expect(uptime.lastChangeAt).toBe(at('12:00'));
  });

  it('a major outage counts fully; degraded performance not at all', () => {
    const major = dayOf(componentUptime(checkout, outage(at('10:00'), at('11:00'), 'SEV1'), NOW), DAY);
    expect(major).toMatchObject({ status: 'major_outage', downtimeMs: 3_600_000 });
    const degraded = dayOf(componentUptime(checkout, outage(at('10:00'), at('16:00'), 'SEV3'), NOW), DAY);
    // SEV3 is internal: the page never said anything, so nothing counts.
    expect(degraded).toMatchObject({ status: 'operational', downtimeMs: 0 });
    const published = incidentSpans(
      record([
        { event: declared({ severity: 'SEV3', declaredAt: at('10:00'), components: ['checkout'] }), at: at('10:00') },
        { event: { type: 'IncidentPublished' }, at: at('11:00') },
        { event: { type: 'IncidentResolved', postmortemRequired: false }, at: at('16:00') },
      ]),
      config,
    );
    expect(published).toEqual([{ component: 'checkout', status: 'degraded_performance', from: at('11:00'), to: at('16:00') }]);
    expect(dayOf(componentUptime(checkout, published, NOW), DAY)).toMatchObject({ status: 'degraded_performance', ms: { degraded_performance: 18_000_000 }, downtimeMs: 0 });
  });

  it('a maintenance day: shown as maintenance, no downtime; an outage during it is the worse and counts', () => {
    const spans = maintenanceSpans([window(at('02:00'), at('06:00'))]);
    expect(dayOf(componentUptime(checkout, spans, NOW), DAY)).toMatchObject({ status: 'under_maintenance', ms: { under_maintenance: 14_400_000 }, downtimeMs: 0 });
    const both = dayOf(componentUptime(checkout, [...spans, ...outage(at('05:00'), at('07:00'), 'SEV1')], NOW), DAY);
    expect(both).toMatchObject({ status: 'major_outage', ms: { under_maintenance: 10_800_000, major_outage: 7_200_000 }, downtimeMs: 7_200_000 });
    // Called off an hour in: only that hour was maintenance.
    expect(maintenanceSpans([window(at('02:00'), at('06:00'), at('03:00'))])).toEqual([
      { component: 'checkout', status: 'under_maintenance', from: at('02:00'), to: at('03:00') },
    ]);
    expect(maintenanceSpans([window(at('02:00'), at('06:00'), at('01:00'))])).toEqual([]);
  });

  it('a day before the component existed is no data, and is not counted; its first day counts from its creation', () => {
    const young = { id: 'checkout', createdAt: at('18:00') };
    const uptime = componentUptime(young, outage(at('19:00'), at('20:00'), 'SEV1'), NOW);
    expect(dayOf(uptime, '2026-06-05')).toMatchObject({ status: 'no_data', countedMs: 0 });
    expect(uptime.days.filter((d) => d.status === 'no_data')).toHaveLength(87);
    expect(dayOf(uptime, DAY)).toMatchObject({ status: 'major_outage', countedMs: 6 * 3_600_000, downtimeMs: 3_600_000 });
    // Counted: 6 h + 24 h + 12 h = 42 h, of which 1 h down.
    expect(uptime.ratio).toBeCloseTo(1 - 1 / 42, 12);
    expect(componentUptime({ id: 'checkout', createdAt: NOW }, [], NOW).ratio).toBeNull();
  });

  it('an open incident counts up to now; a status change mid-incident splits the time', () => {
    const spans = incidentSpans(
      record([
        { event: declared({ severity: 'SEV2', declaredAt: at('11:00', '2026-06-08'), components: ['checkout'] }), at: at('11:00', '2026-06-08') },
        { event: { type: 'ComponentStatusSet', component: 'checkout', status: 'major_outage', from: null }, at: at('11:30', '2026-06-08') },
      ]),
      config,
    );
    expect(spans.map((s) => [s.status, s.from, s.to])).toEqual([
      ['partial_outage', at('11:00', '2026-06-08'), at('11:30', '2026-06-08')],
      ['major_outage', at('11:30', '2026-06-08'), null],
    ]);
    const today = componentUptime(checkout, spans, NOW).days.at(-1)!;
    expect(today).toMatchObject({ status: 'major_outage', ms: { partial_outage: 1_800_000, major_outage: 1_800_000 }, countedMs: 12 * 3_600_000 });
    expect(today.downtimeMs).toBe(1_800_000 + 0.3 * 1_800_000);
  });

  it('prints a percentage rounded down, so any downtime reads below 100%', () => {
    expect(uptimePercent(1)).toBe('100.00%');
    expect(uptimePercent(0.99999)).toBe('99.99%');
    expect(uptimePercent(0.975)).toBe('97.50%');
  });
});
