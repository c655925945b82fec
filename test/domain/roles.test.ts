import { describe, expect, it } from 'vitest';
import { assessRoles, IC_HANDS_ON } from '../../src/domain/roles/rules.js';
import type { IncidentState } from '../../src/domain/model/state.js';
import { codes, declared, given, minutes, policy, refusal, T0 } from './given.js';

const offered = (to: string, handoffId = 'h2', from = 'alex', supersedes: string | null = null) =>
  ({ type: 'CommanderOffered', handoffId, from, to, supersedes }) as const;

describe('R3: exactly one Incident Commander; handing over needs a yes', () => {
  it('R3: the IC offers command to someone else', () => {
    const decision = given(declared()).when({ type: 'OfferCommand', to: 'priya' }, { by: 'alex', at: minutes(5) });
    expect(decision).toEqual({
      events: [{ type: 'CommanderOffered', handoffId: 'h2', from: 'alex', to: 'priya', supersedes: null }],
      warnings: [],
    });
  });

  it('R3: IC stays with the old commander until the offer is accepted', () => {
    const state = given(declared(), offered('priya')).state;
    expect(state.roles.incident_commander).toBe('alex');
    expect(state.pendingHandoff).toEqual({ id: 'h2', from: 'alex', to: 'priya', offeredAt: minutes(1) });
    expect(state.participants).toContain('priya');
  });

  it('R3: the person offered accepts, and only then holds IC', () => {
    const incident = given(declared(), offered('priya'));
    const decision = incident.when({ type: 'AcceptCommand', handoffId: 'h2' }, { by: 'priya', at: minutes(3) });
    expect(decision).toEqual({ events: [{ type: 'CommanderAccepted', handoffId: 'h2', from: 'alex', to: 'priya' }], warnings: [] });
    const after = incident.with({ event: decision.events[0]!, by: 'priya', at: minutes(3) }).state;
    expect(after.roles.incident_commander).toBe('priya');
    expect(after.pendingHandoff).toBeNull();
  });

  it('R3: the IC tenure passes from the old commander to the new one at acceptance', () => {
    const state = given(declared(), offered('priya'))
      .after({ type: 'AcceptCommand', handoffId: 'h2' }, { by: 'priya', at: minutes(3) })
      .state;
    expect(state.roleHistory).toEqual([
      { role: 'incident_commander', person: 'alex', specialty: null, from: T0, to: minutes(3) },
      { role: 'incident_commander', person: 'priya', specialty: null, from: minutes(3), to: null },
    ]);
  });

  it('R3: declining leaves IC where it was', () => {
    const incident = given(declared(), offered('priya'));
    const decision = incident.when({ type: 'DeclineCommand', handoffId: 'h2' }, { by: 'priya' });
    expect(decision.events).toEqual([{ type: 'CommanderDeclined', handoffId: 'h2', from: 'alex', to: 'priya' }]);
    const after = incident.with({ event: decision.events[0]!, by: 'priya' }).state;
    expect(after.roles.incident_commander).toBe('alex');
    expect(after.pendingHandoff).toBeNull();
    expect(after.roleHistory).toHaveLength(1);
  });

  it('R3: a declined offer cannot be accepted afterwards', () => {
    const incident = given(declared(), offered('priya'), { event: { type: 'CommanderDeclined', handoffId: 'h2', from: 'alex', to: 'priya' }, by: 'priya' });
    expect(refusal(() => incident.when({ type: 'AcceptCommand', handoffId: 'h2' }, { by: 'priya' })).code).toBe('HANDOFF_NOT_PENDING');
  });

  it('R3: an accepted offer cannot be answered again', () => {
    const incident = given(declared(), offered('priya'), { event: { type: 'CommanderAccepted', handoffId: 'h2', from: 'alex', to: 'priya' }, by: 'priya' });
    expect(refusal(() => incident.when({ type: 'DeclineCommand', handoffId: 'h2' }, { by: 'priya' })).code).toBe('HANDOFF_NOT_PENDING');
  });

  it('R3: a new offer supersedes the pending one, which can no longer be accepted', () => {
    const incident = given(declared(), offered('priya'));
    const decision = incident.when({ type: 'OfferCommand', to: 'sam' }, { by: 'alex' });
    expect(decision.events).toEqual([{ type: 'CommanderOffered', handoffId: 'h3', from: 'alex', to: 'sam', supersedes: 'h2' }]);
    const after = incident.with(decision.events[0]!);
    expect(after.state.pendingHandoff).toMatchObject({ id: 'h3', to: 'sam' });
    const error = refusal(() => after.when({ type: 'AcceptCommand', handoffId: 'h2' }, { by: 'priya' }));
    expect(error.code).toBe('HANDOFF_NOT_PENDING');
    expect(error.details).toEqual({ field: 'handoffId' });
    expect(after.when({ type: 'AcceptCommand', handoffId: 'h3' }, { by: 'sam' }).events).toEqual([
      { type: 'CommanderAccepted', handoffId: 'h3', from: 'alex', to: 'sam' },
    ]);
  });

  it('R3: only the person offered answers the offer', () => {
    const incident = given(declared(), offered('priya'));
    expect(refusal(() => incident.when({ type: 'AcceptCommand', handoffId: 'h2' }, { by: 'sam' })).code).toBe('NOT_OFFERED_TO_YOU');
    expect(refusal(() => incident.when({ type: 'DeclineCommand', handoffId: 'h2' }, { by: 'sam' })).code).toBe('NOT_OFFERED_TO_YOU');
  });

  it('R3: not even the current IC or an admin can accept on the offered person’s behalf', () => {
    const incident = given(declared(), offered('priya'));
    expect(refusal(() => incident.when({ type: 'AcceptCommand', handoffId: 'h2' }, { by: 'alex' })).code).toBe('NOT_OFFERED_TO_YOU');
    expect(refusal(() => incident.when({ type: 'AcceptCommand', handoffId: 'h2' }, { by: 'root', admin: true })).code).toBe(
      'NOT_OFFERED_TO_YOU',
    );
  });

  it('R3: an answer to a handoff never made is refused', () => {
    const incident = given(declared());
    expect(refusal(() => incident.when({ type: 'AcceptCommand', handoffId: 'h9' }, { by: 'priya' })).code).toBe('HANDOFF_NOT_PENDING');
  });

  it('R3: only the IC offers command', () => {
    const error = refusal(() => given(declared()).when({ type: 'OfferCommand', to: 'sam' }, { by: 'priya' }));
    expect(error.code).toBe('ONLY_COMMANDER');
    expect(error.message).toContain('@alex');
  });

  it('R3: an admin may hand off IC when the IC is unreachable; the offer is still from the IC', () => {
    const decision = given(declared()).when({ type: 'OfferCommand', to: 'sam' }, { by: 'root', admin: true });
    expect(decision.events).toEqual([{ type: 'CommanderOffered', handoffId: 'h2', from: 'alex', to: 'sam', supersedes: null }]);
  });

  it('R3: after the handoff only the new IC may offer command on', () => {
    const incident = given(declared(), offered('priya'), { event: { type: 'CommanderAccepted', handoffId: 'h2', from: 'alex', to: 'priya' }, by: 'priya' });
    expect(refusal(() => incident.when({ type: 'OfferCommand', to: 'sam' }, { by: 'alex' })).code).toBe('ONLY_COMMANDER');
    expect(incident.when({ type: 'OfferCommand', to: 'alex' }, { by: 'priya' }).events[0]).toMatchObject({ from: 'priya', to: 'alex' });
  });

  it('R3: offering IC to the current IC is refused', () => {
    expect(refusal(() => given(declared()).when({ type: 'OfferCommand', to: 'alex' })).code).toBe('ALREADY_COMMANDER');
  });

  it('R3: a resolved incident takes no handoff, and a pending offer lapses with it', () => {
    const incident = given(declared({ severity: 'SEV3' }), offered('priya'), { type: 'IncidentResolved', postmortemRequired: false });
    expect(incident.state.pendingHandoff).toBeNull();
    expect(incident.state.roles.incident_commander).toBe('alex');
    expect(refusal(() => incident.when({ type: 'AcceptCommand', handoffId: 'h2' }, { by: 'priya' })).code).toBe('INCIDENT_NOT_OPEN');
    expect(refusal(() => incident.when({ type: 'OfferCommand', to: 'sam' })).code).toBe('INCIDENT_NOT_OPEN');
  });
});

describe('R4: roles are responsibilities, not headcount, within the policy', () => {
  type Roles = IncidentState['roles'];
  const assess = (severity: string, roles: Partial<Roles>, phase: IncidentState['phase'] = 'active') =>
    assessRoles({ severity, phase, roles: { incident_commander: 'alex', comms_lead: null, scribe: null, ...roles } }, policy);

  it('R4: SEV1 (separate) with only an IC has a gap for the Comms Lead and the Scribe', () => {
    const { roleGaps, warnings } = assess('SEV1', {});
    expect(roleGaps.map((g) => g.code)).toEqual(['COMMS_LEAD_MISSING', 'SCRIBE_MISSING']);
    expect(warnings).toEqual([]);
  });

  it('R4: SEV1 with one person in two roles has a gap until they are three different people', () => {
    expect(assess('SEV1', { comms_lead: 'alex', scribe: 'sam' }).roleGaps.map((g) => g.code)).toEqual(['ROLES_NOT_DISTINCT']);
    expect(assess('SEV1', { comms_lead: 'priya', scribe: 'priya' }).roleGaps.map((g) => g.code)).toEqual(['ROLES_NOT_DISTINCT']);
    expect(assess('SEV1', { comms_lead: 'priya' }).roleGaps.map((g) => g.code)).toEqual(['SCRIBE_MISSING']);
    expect(assess('SEV1', { scribe: 'alex' }).roleGaps.map((g) => g.code)).toEqual(['COMMS_LEAD_MISSING', 'ROLES_NOT_DISTINCT']);
  });

  it('R4: SEV1 with three different people has no gap', () => {
    expect(assess('SEV1', { comms_lead: 'priya', scribe: 'sam' })).toEqual({ roleGaps: [], warnings: [] });
  });

  it('R4: SEV2 (comms-separate) without a Comms Lead is a warning, not a gap', () => {
    const { roleGaps, warnings } = assess('SEV2', {});
    expect(roleGaps).toEqual([]);
    expect(warnings.map((w) => w.code)).toEqual(['COMMS_LEAD_MISSING']);
  });

  it('R4: SEV2 with the IC as Comms Lead is a warning, not a gap', () => {
    const { roleGaps, warnings } = assess('SEV2', { comms_lead: 'alex' });
    expect(roleGaps).toEqual([]);
    expect(warnings.map((w) => w.code)).toEqual(['COMMS_LEAD_IS_COMMANDER']);
  });

  it('R4: SEV2 does not need a Scribe apart from the IC', () => {
    expect(assess('SEV2', { comms_lead: 'priya' })).toEqual({ roleGaps: [], warnings: [] });
    expect(assess('SEV2', { comms_lead: 'priya', scribe: 'alex' })).toEqual({ roleGaps: [], warnings: [] });
  });

  it('R4: SEV3 (combined): one person may hold all three', () => {
    expect(assess('SEV3', {})).toEqual({ roleGaps: [], warnings: [] });
    expect(assess('SEV3', { comms_lead: 'alex', scribe: 'alex' })).toEqual({ roleGaps: [], warnings: [] });
  });

  it('R4: a resolved or closed incident has no role gap', () => {
    expect(assess('SEV1', {}, 'resolved')).toEqual({ roleGaps: [], warnings: [] });
    expect(assess('SEV1', {}, 'closed')).toEqual({ roleGaps: [], warnings: [] });
  });

  it('R4: the gap follows the severity: upgrading SEV2 to SEV1 opens a gap', () => {
    const incident = given(declared({ severity: 'SEV2' }), { type: 'RoleAssigned', role: 'comms_lead', person: 'priya', previous: null });
    expect(assessRoles(incident.state, policy).roleGaps).toEqual([]);
    const upgraded = incident.after({ type: 'ChangeSeverity', severity: 'SEV1', reason: 'Worse' });
    expect(assessRoles(upgraded.state, policy).roleGaps.map((g) => g.code)).toEqual(['SCRIBE_MISSING']);
  });

  it('R4: the IC names a Comms Lead and a Scribe', () => {
    const incident = given(declared({ severity: 'SEV1' }));
    const decision = incident.when({ type: 'AssignRole', role: 'comms_lead', person: 'priya' });
    expect(decision).toEqual({ events: [{ type: 'RoleAssigned', role: 'comms_lead', person: 'priya', previous: null }], warnings: [] });
    const state = incident
      .with(decision.events[0]!)
      .after({ type: 'AssignRole', role: 'scribe', person: 'sam' }, { at: minutes(4) })
      .state;
    expect(state.roles).toEqual({ incident_commander: 'alex', comms_lead: 'priya', scribe: 'sam' });
    expect(state.participants).toEqual(['alex', 'priya', 'sam']);
  });

  it('R4: naming the IC as Comms Lead on a SEV2 answers with the warning', () => {
    const decision = given(declared({ severity: 'SEV2' })).when({ type: 'AssignRole', role: 'comms_lead', person: 'alex' });
    expect(decision.events).toEqual([{ type: 'RoleAssigned', role: 'comms_lead', person: 'alex', previous: null }]);
    expect(codes(decision)).toEqual(['COMMS_LEAD_IS_COMMANDER']);
  });

  it('R4: naming the IC as Comms Lead on a SEV3 is fine', () => {
    const decision = given(declared({ severity: 'SEV3' })).when({ type: 'AssignRole', role: 'comms_lead', person: 'alex' });
    expect(decision.warnings).toEqual([]);
  });

  it('R4: replacing a Comms Lead records who held it before and closes their tenure', () => {
    const incident = given(declared(), { event: { type: 'RoleAssigned', role: 'comms_lead', person: 'priya', previous: null }, at: minutes(2) });
    const decision = incident.when({ type: 'AssignRole', role: 'comms_lead', person: 'kim' }, { at: minutes(20) });
    expect(decision.events).toEqual([{ type: 'RoleAssigned', role: 'comms_lead', person: 'kim', previous: 'priya' }]);
    const state = incident.with({ event: decision.events[0]!, at: minutes(20) }).state;
    expect(state.roleHistory.filter((t) => t.role === 'comms_lead')).toEqual([
      { role: 'comms_lead', person: 'priya', specialty: null, from: minutes(2), to: minutes(20) },
      { role: 'comms_lead', person: 'kim', specialty: null, from: minutes(20), to: null },
    ]);
  });

  it('R4: naming someone to a role they already hold is refused', () => {
    const incident = given(declared(), { type: 'RoleAssigned', role: 'scribe', person: 'sam', previous: null });
    expect(refusal(() => incident.when({ type: 'AssignRole', role: 'scribe', person: 'sam' })).code).toBe('ROLE_ALREADY_HELD');
  });

  it('R4: only the IC (or an admin) names the deputies', () => {
    const incident = given(declared());
    expect(refusal(() => incident.when({ type: 'AssignRole', role: 'scribe', person: 'sam' }, { by: 'sam' })).code).toBe('ONLY_COMMANDER');
    expect(incident.when({ type: 'AssignRole', role: 'scribe', person: 'sam' }, { by: 'root', admin: true }).events).toHaveLength(1);
  });

  it('R4: a deputy may step down; the IC may release them; nobody else may', () => {
    const incident = given(declared(), { type: 'RoleAssigned', role: 'scribe', person: 'sam', previous: null });
    const expected = [{ type: 'RoleReleased', role: 'scribe', person: 'sam' }];
    expect(incident.when({ type: 'ReleaseRole', role: 'scribe' }, { by: 'sam' }).events).toEqual(expected);
    expect(incident.when({ type: 'ReleaseRole', role: 'scribe' }, { by: 'alex' }).events).toEqual(expected);
    expect(refusal(() => incident.when({ type: 'ReleaseRole', role: 'scribe' }, { by: 'priya' })).code).toBe('ONLY_COMMANDER');
  });

  it('R4: releasing a role clears it and closes the tenure', () => {
    const state = given(declared(), { type: 'RoleAssigned', role: 'scribe', person: 'sam', previous: null })
      .after({ type: 'ReleaseRole', role: 'scribe' }, { by: 'sam', at: minutes(30) })
      .state;
    expect(state.roles.scribe).toBeNull();
    expect(state.roleHistory.find((t) => t.role === 'scribe')).toMatchObject({ person: 'sam', to: minutes(30) });
  });

  it('R4: releasing a role nobody holds is refused', () => {
    const error = refusal(() => given(declared()).when({ type: 'ReleaseRole', role: 'comms_lead' }));
    expect(error.code).toBe('ROLE_NOT_HELD');
    expect(error.details).toEqual({ field: 'role' });
  });

  it('R4: roles are fixed once the incident is resolved', () => {
    const incident = given(declared({ severity: 'SEV3' }), { type: 'IncidentResolved', postmortemRequired: false });
    expect(refusal(() => incident.when({ type: 'AssignRole', role: 'scribe', person: 'sam' })).code).toBe('INCIDENT_NOT_OPEN');
  });
});

describe('R5: SMEs are pulled in by the IC, each with a specialty, and can be released', () => {
  it('R5: the IC pulls in an SME with a specialty', () => {
    const incident = given(declared());
    const decision = incident.when({ type: 'AddSme', person: 'dana', specialty: ' payments ' }, { at: minutes(6) });
    expect(decision).toEqual({ events: [{ type: 'SmeAdded', person: 'dana', specialty: 'payments' }], warnings: [] });
    const state = incident.with({ event: decision.events[0]!, at: minutes(6) }).state;
    expect(state.smes).toEqual([{ person: 'dana', specialty: 'payments' }]);
    expect(state.participants).toContain('dana');
    expect(state.roleHistory).toContainEqual({ role: 'sme', person: 'dana', specialty: 'payments', from: minutes(6), to: null });
  });

  it('R5: several SMEs, each with their own specialty', () => {
    const state = given(declared())
      .after({ type: 'AddSme', person: 'dana', specialty: 'payments' })
      .after({ type: 'AddSme', person: 'lee', specialty: 'database' })
      .state;
    expect(state.smes).toEqual([
      { person: 'dana', specialty: 'payments' },
      { person: 'lee', specialty: 'database' },
    ]);
  });

  it('R5: a specialty is required', () => {
    const error = refusal(() => given(declared()).when({ type: 'AddSme', person: 'dana', specialty: '  ' }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details).toEqual({ field: 'specialty' });
  });

  it('R5: the same person cannot be pulled in twice, even for another specialty', () => {
    const incident = given(declared(), { type: 'SmeAdded', person: 'dana', specialty: 'payments' });
    const error = refusal(() => incident.when({ type: 'AddSme', person: 'dana', specialty: 'database' }));
    expect(error.code).toBe('SME_ALREADY_IN');
    expect(error.details).toEqual({ field: 'person' });
  });

  it('R5: only the IC pulls in SMEs', () => {
    expect(refusal(() => given(declared()).when({ type: 'AddSme', person: 'lee', specialty: 'database' }, { by: 'dana' })).code).toBe(
      'ONLY_COMMANDER',
    );
  });

  it('R5: the IC releases an SME, with the specialty on record', () => {
    const incident = given(declared(), { event: { type: 'SmeAdded', person: 'dana', specialty: 'payments' }, at: minutes(5) });
    const decision = incident.when({ type: 'ReleaseSme', person: 'dana' }, { at: minutes(50) });
    expect(decision.events).toEqual([{ type: 'SmeReleased', person: 'dana', specialty: 'payments' }]);
    const state = incident.with({ event: decision.events[0]!, at: minutes(50) }).state;
    expect(state.smes).toEqual([]);
    expect(state.roleHistory).toContainEqual({ role: 'sme', person: 'dana', specialty: 'payments', from: minutes(5), to: minutes(50) });
  });

  it('R5: an SME may release themselves; another SME may not release them', () => {
    const incident = given(
      declared(),
      { type: 'SmeAdded', person: 'dana', specialty: 'payments' },
      { type: 'SmeAdded', person: 'lee', specialty: 'database' },
    );
    expect(incident.when({ type: 'ReleaseSme', person: 'dana' }, { by: 'dana' }).events).toHaveLength(1);
    expect(refusal(() => incident.when({ type: 'ReleaseSme', person: 'dana' }, { by: 'lee' })).code).toBe('ONLY_COMMANDER');
  });

  it('R5: releasing someone who is not an SME is refused', () => {
    const error = refusal(() => given(declared()).when({ type: 'ReleaseSme', person: 'dana' }));
    expect(error.code).toBe('SME_NOT_FOUND');
    expect(error.details).toEqual({ field: 'person' });
  });

  it('R5: a released SME can be pulled in again, with a new tenure', () => {
    const incident = given(
      declared(),
      { event: { type: 'SmeAdded', person: 'dana', specialty: 'payments' }, at: minutes(5) },
      { event: { type: 'SmeReleased', person: 'dana', specialty: 'payments' }, at: minutes(20) },
    );
    const state = incident.after({ type: 'AddSme', person: 'dana', specialty: 'database' }, { at: minutes(40) }).state;
    expect(state.smes).toEqual([{ person: 'dana', specialty: 'database' }]);
    expect(state.roleHistory.filter((t) => t.role === 'sme')).toEqual([
      { role: 'sme', person: 'dana', specialty: 'payments', from: minutes(5), to: minutes(20) },
      { role: 'sme', person: 'dana', specialty: 'database', from: minutes(40), to: null },
    ]);
  });
});

describe('R6: the IC does not debug', () => {
  it('R6: the IC recording an action gets a warning to hand off IC first, and the timeline notes it', () => {
    const decision = given(declared()).when({ type: 'AddTimelineEntry', kind: 'action', text: 'Restarted the batch job' }, { by: 'alex', at: minutes(9) });
    expect(decision.events).toEqual([
      { type: 'TimelineEntryAdded', kind: 'action', text: 'Restarted the batch job', occurredAt: minutes(9), corrects: null },
      { type: 'CommanderWentHandsOn', commander: 'alex', via: 'action' },
    ]);
    expect(decision.warnings).toEqual([IC_HANDS_ON]);
    expect(IC_HANDS_ON.message).toMatch(/hand off IC first/);
  });

  it('R6: an SME recording an action is their job: no warning', () => {
    const incident = given(declared(), { type: 'SmeAdded', person: 'dana', specialty: 'payments' });
    const decision = incident.when({ type: 'AddTimelineEntry', kind: 'action', text: 'Throttled the batch job' }, { by: 'dana' });
    expect(decision.events.map((e) => e.type)).toEqual(['TimelineEntryAdded']);
    expect(decision.warnings).toEqual([]);
  });

  it('R6: the IC recording a note, decision or observation is not hands-on', () => {
    const incident = given(declared());
    for (const kind of ['note', 'observation', 'decision', 'hypothesis', 'ruled_out'] as const) {
      const decision = incident.when({ type: 'AddTimelineEntry', kind, text: 'Something' });
      expect(decision.events.map((e) => e.type)).toEqual(['TimelineEntryAdded']);
      expect(decision.warnings).toEqual([]);
    }
  });

  it('R6: the IC adding themselves as SME gets the warning, and the timeline notes it', () => {
    const decision = given(declared()).when({ type: 'AddSme', person: 'alex', specialty: 'database' });
    expect(decision.events).toEqual([
      { type: 'SmeAdded', person: 'alex', specialty: 'database' },
      { type: 'CommanderWentHandsOn', commander: 'alex', via: 'sme' },
    ]);
    expect(codes(decision)).toEqual(['IC_HANDS_ON']);
  });

  it('R6: an admin adding the IC as SME also gets the warning', () => {
    const decision = given(declared()).when({ type: 'AddSme', person: 'alex', specialty: 'database' }, { by: 'root', admin: true });
    expect(decision.events.map((e) => e.type)).toEqual(['SmeAdded', 'CommanderWentHandsOn']);
    expect(codes(decision)).toEqual(['IC_HANDS_ON']);
  });

  it('R6: after handing off IC, the former IC may debug without a warning', () => {
    const incident = given(declared(), offered('priya'), { event: { type: 'CommanderAccepted', handoffId: 'h2', from: 'alex', to: 'priya' }, by: 'priya' });
    const decision = incident.when({ type: 'AddTimelineEntry', kind: 'action', text: 'Digging into the pool metrics' }, { by: 'alex' });
    expect(decision.warnings).toEqual([]);
    expect(incident.when({ type: 'AddSme', person: 'alex', specialty: 'database' }, { by: 'priya' }).warnings).toEqual([]);
    const handsOn = incident.when({ type: 'AddTimelineEntry', kind: 'action', text: 'Checking logs' }, { by: 'priya' });
    expect(handsOn.events[1]).toEqual({ type: 'CommanderWentHandsOn', commander: 'priya', via: 'action' });
  });

  it('R6: going hands-on changes nothing about who holds what', () => {
    const before = given(declared());
    const after = before.after({ type: 'AddTimelineEntry', kind: 'action', text: 'Restarted the job' });
    expect(after.state.roles).toEqual(before.state.roles);
    expect(after.state.version).toBe(3);
  });
});
