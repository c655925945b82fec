import { describe, expect, it } from 'vitest';
import { roleChecklists, type ChecklistRole } from '../../src/domain/roles/checklists.js';
import type { IncidentEvent, ManualEntryKind, UpdateStatus } from '../../src/domain/model/events.js';
import { declared, given, minutes, policy, type Incident } from './given.js';

function lists(incident: Incident, now: string, viewer?: string) {
  return roleChecklists({ state: incident.state, events: incident.events, policy, now }, viewer);
}

function check(incident: Incident, role: ChecklistRole, id: string, now = minutes(60)) {
  const found = lists(incident, now)
    .find((l) => l.role === role)
    ?.items.find((i) => i.id === id);
  if (!found) throw new Error(`no item ${id} for ${role}`);
  return found;
}

const update = (status: UpdateStatus = 'investigating', nextUpdateBy: string | null = minutes(45), audience: 'public' | 'internal' = 'public'): IncidentEvent => ({
  type: 'StatusUpdatePosted',
  status,
  impact: 'Checkout failing',
  whatWeKnow: 'Pool exhausted',
  nextStep: null,
  nextUpdateBy,
  audience,
});
const entry = (kind: ManualEntryKind, at: string, by: string) => ({
  event: { type: 'TimelineEntryAdded' as const, kind, text: `a ${kind}`, occurredAt: at, corrects: null },
  at,
  by,
});
const named = (role: 'comms_lead' | 'scribe', person: string): IncidentEvent => ({ type: 'RoleAssigned', role, person, previous: null });

describe('role checklists (issue 15, item 8)', () => {
  it('lists the four roles, IC first, and puts the viewer’s own role first', () => {
    const incident = given(declared({ severity: 'SEV1' }), named('comms_lead', 'priya'));
    expect(lists(incident, minutes(5)).map((l) => l.role)).toEqual(['incident_commander', 'comms_lead', 'scribe', 'sme']);
    expect(lists(incident, minutes(5), 'priya').map((l) => l.role)).toEqual(['comms_lead', 'incident_commander', 'scribe', 'sme']);
    expect(lists(incident, minutes(5))[2]?.holders).toEqual(['alex']);
  });

  describe('Incident Commander', () => {
    it('severity set: always, naming who set it and when', () => {
      const item = check(given(declared({ severity: 'SEV2' })), 'incident_commander', 'severity-set');
      expect(item.done).toBe(true);
      expect(item.proof).toContain('SEV2, set at 2026-06-06 14:14 UTC by @alex');
    });

    it('Comms Lead named: missing on SEV1 is not done; named is done; SEV3 lets the IC wear the hat', () => {
      expect(check(given(declared({ severity: 'SEV1' })), 'incident_commander', 'comms-lead-named').done).toBe(false);
      const item = check(given(declared({ severity: 'SEV1' }), named('comms_lead', 'priya')), 'incident_commander', 'comms-lead-named');
      expect(item).toMatchObject({ done: true, proof: '@priya was named Comms Lead.' });
      expect(check(given(declared({ severity: 'SEV3' })), 'incident_commander', 'comms-lead-named')).toMatchObject({ done: true, proof: expect.stringContaining('@alex holds it') });
      expect(check(given(declared({ severity: 'SEV2' }), named('comms_lead', 'alex')), 'incident_commander', 'comms-lead-named').done).toBe(false);
    });

    it('Scribe named: needed on SEV1, combined on SEV2', () => {
      expect(check(given(declared({ severity: 'SEV1' })), 'incident_commander', 'scribe-named').done).toBe(false);
      expect(check(given(declared({ severity: 'SEV1' }), named('scribe', 'sam')), 'incident_commander', 'scribe-named').done).toBe(true);
      expect(check(given(declared({ severity: 'SEV2' })), 'incident_commander', 'scribe-named').done).toBe(true);
    });

    it('first update within firstUpdateWithin: on time, late, not yet', () => {
      const onTime = given(declared({ severity: 'SEV1' }), { event: update(), at: minutes(8) });
      expect(check(onTime, 'incident_commander', 'first-update-on-time')).toMatchObject({ done: true, text: 'First update within 10m of declaring' });
      const late = given(declared({ severity: 'SEV1' }), { event: update(), at: minutes(12) });
      expect(check(late, 'incident_commander', 'first-update-on-time')).toMatchObject({ done: false, proof: expect.stringContaining('due by 2026-06-06 14:24 UTC') });
      const none = check(given(declared({ severity: 'SEV1' })), 'incident_commander', 'first-update-on-time', minutes(4));
      expect(none).toMatchObject({ done: false, proof: 'No update yet; due 2026-06-06 14:24 UTC.' });
    });

    it('next update not overdue: by the promise and now', () => {
      const incident = given(declared({ severity: 'SEV1' }), { event: update('investigating', minutes(40)), at: minutes(8) });
      expect(check(incident, 'incident_commander', 'next-update-not-overdue', minutes(30)).done).toBe(true);
      expect(check(incident, 'incident_commander', 'next-update-not-overdue', minutes(41))).toMatchObject({ done: false, proof: 'Overdue since 2026-06-06 14:54 UTC.' });
    });

    it('status page components set: only when the incident has components', () => {
      const none = lists(given(declared()), minutes(5))[0]!.items.map((i) => i.id);
      expect(none).not.toContain('components-set');
      const withComponents = given(declared({ components: ['checkout', 'cart'] }), { type: 'ComponentStatusSet', component: 'checkout', status: 'major_outage', from: null });
      expect(check(withComponents, 'incident_commander', 'components-set')).toMatchObject({ done: false, proof: 'No status set for cart.' });
      const all = withComponents.with({ type: 'ComponentStatusSet', component: 'cart', status: 'operational', from: null });
      expect(check(all, 'incident_commander', 'components-set').done).toBe(true);
    });

    it('the IC does not debug: a reminder (null) unless the timeline shows them hands-on', () => {
      expect(check(given(declared()), 'incident_commander', 'ic-not-debugging').done).toBeNull();
      const handsOn = given(declared(), { type: 'CommanderWentHandsOn', commander: 'alex', via: 'action' });
      expect(check(handsOn, 'incident_commander', 'ic-not-debugging').done).toBe(false);
    });

    it('postmortem owner: shown after resolving, ticked once assigned', () => {
      const open = given(declared({ severity: 'SEV1' }));
      expect(lists(open, minutes(5))[0]!.items.map((i) => i.id)).not.toContain('postmortem-owner');
      const resolved = open.with({ event: update('resolved', null), at: minutes(30) }, { type: 'IncidentResolved', postmortemRequired: true });
      expect(check(resolved, 'incident_commander', 'postmortem-owner').done).toBe(false);
      const owned = resolved.with({ type: 'PostmortemAssigned', owner: 'sam', scheduledFor: '2026-06-08T10:00:00.000Z' });
      expect(check(owned, 'incident_commander', 'postmortem-owner')).toMatchObject({ done: true, proof: '@sam, scheduled for 2026-06-08 10:00 UTC.' });
    });
  });

  describe('Comms Lead', () => {
    it('first update out: names who posted it', () => {
      expect(check(given(declared()), 'comms_lead', 'first-update-out').done).toBe(false);
      const out = given(declared(), { event: update(), at: minutes(6), by: 'priya' });
      expect(check(out, 'comms_lead', 'first-update-out')).toMatchObject({ done: true, proof: 'Posted at 2026-06-06 14:20 UTC by @priya.' });
    });

    it('updates on cadence: not once an update went overdue, nor while one is', () => {
      const onTime = given(declared(), { event: update('investigating', minutes(40)), at: minutes(6) });
      expect(check(onTime, 'comms_lead', 'updates-on-cadence', minutes(20)).done).toBe(true);
      expect(check(onTime, 'comms_lead', 'updates-on-cadence', minutes(41)).done).toBe(false);
      const wasLate = onTime.with(
        { event: { type: 'UpdateOverdue', promisedBy: minutes(40), lastUpdateAt: minutes(6) }, by: 'system', at: minutes(40) },
        { event: update('identified', minutes(90)), at: minutes(44) },
      );
      expect(check(wasLate, 'comms_lead', 'updates-on-cadence', minutes(50))).toMatchObject({ done: false, proof: '1 update was late, the last promised by 2026-06-06 14:54 UTC.' });
    });

    it('status page current: the last public update says the incident’s status; not listed for internal severities', () => {
      const stale = given(declared({ severity: 'SEV2' }), { event: update('investigating'), at: minutes(6) }, { type: 'StatusChanged', from: 'investigating', to: 'identified' });
      expect(check(stale, 'comms_lead', 'status-page-current').done).toBe(false);
      const current = given(declared({ severity: 'SEV2' }), { event: update('identified'), at: minutes(6) }, { type: 'StatusChanged', from: 'investigating', to: 'identified' });
      expect(check(current, 'comms_lead', 'status-page-current').done).toBe(true);
      expect(lists(given(declared({ severity: 'SEV3' })), minutes(5))[1]!.items.map((i) => i.id)).not.toContain('status-page-current');
    });

    it('final update: after resolving', () => {
      const resolved = given(declared({ severity: 'SEV3' }), { event: update('resolved', null, 'internal'), at: minutes(30) }, { type: 'IncidentResolved', postmortemRequired: false });
      expect(check(resolved, 'comms_lead', 'final-update').done).toBe(true);
    });

    it('human-speak is for a person to tick', () => {
      expect(check(given(declared()), 'comms_lead', 'human-speak').done).toBeNull();
    });
  });

  describe('Scribe', () => {
    it('timeline captured: counts entries and names the latest', () => {
      expect(check(given(declared()), 'scribe', 'timeline-captured')).toMatchObject({ done: false, proof: 'No entries on the timeline yet.' });
      const kept = given(declared(), entry('observation', minutes(2), 'sam'), entry('action', minutes(5), 'sam'));
      expect(check(kept, 'scribe', 'timeline-captured')).toMatchObject({ done: true, proof: '2 entries on the timeline, the latest at 2026-06-06 14:19 UTC by @sam.' });
    });

    it('key decisions and ruled-out theories noted', () => {
      const kept = given(declared(), entry('decision', minutes(7), 'sam'));
      expect(check(kept, 'scribe', 'decisions-noted').done).toBe(true);
      expect(check(kept, 'scribe', 'ruled-out-noted').done).toBe(false);
      expect(check(kept.with(entry('ruled_out', minutes(9), 'sam')), 'scribe', 'ruled-out-noted').done).toBe(true);
    });

    it('timestamps are for the Scribe to vouch for', () => {
      expect(check(given(declared()), 'scribe', 'timestamped').done).toBeNull();
    });
  });

  describe('SME', () => {
    it('findings posted: only entries by someone pulled in as SME count', () => {
      expect(check(given(declared()), 'sme', 'findings-posted')).toMatchObject({ done: false, proof: 'No SME pulled in yet.' });
      const pulled = given(declared(), { type: 'SmeAdded', person: 'lee', specialty: 'database' }, entry('hypothesis', minutes(4), 'dana'));
      expect(check(pulled, 'sme', 'findings-posted').done).toBe(false);
      const found = pulled.with(entry('hypothesis', minutes(6), 'lee'));
      expect(check(found, 'sme', 'findings-posted')).toMatchObject({ done: true, proof: '1 finding by an SME on the timeline, the latest at 2026-06-06 14:20 UTC by @lee.' });
      expect(lists(found, minutes(10)).find((l) => l.role === 'sme')?.holders).toEqual(['lee']);
    });

    it('reporting up to the IC is for a person to tick', () => {
      expect(check(given(declared()), 'sme', 'report-to-ic').done).toBeNull();
    });
  });
});
