import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, declare, expectError, ok } from './helpers.js';

const codes = (list: { code: string }[]) => list.map((w) => w.code);

describe.each(STORE_KINDS)('roles over HTTP (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(kind);
    for (const handle of ['alex', 'priya', 'sam', 'jo']) await t.person(handle);
  });
  afterAll(() => t.close());

  describe('R3 one Incident Commander, handed over by offer and yes', () => {
    let id: string;
    let handoffId: string;
    beforeAll(async () => {
      id = (await declare(t, { title: 'IC handoff', severity: 'SEV2' }, 'alex')).id;
    });

    it('R3: offering IC answers 202 with a pending handoff; the old IC still holds it', async () => {
      const res = await t.call('POST', `${API}/incidents/${id}/roles`, { role: 'incident_commander', person: 'priya' }, { as: 'alex' });
      expect(res.statusCode, res.body).toBe(202);
      const body = res.json();
      expect(body.roles.incident_commander).toBe('alex');
      expect(body.pendingHandoff).toMatchObject({ from: 'alex', to: 'priya', offeredAt: '2026-06-06T14:14:00.000Z' });
      handoffId = body.pendingHandoff.id;
      expect(handoffId).toMatch(/^h\d+$/);
      const again = await ok(t, 200, 'GET', `${API}/incidents/${id}`);
      expect(again.roles.incident_commander).toBe('alex');
      expect(again.pendingHandoff.id).toBe(handoffId);
    });

    it('R3: only the IC offers IC (403 ONLY_COMMANDER); the person offered must exist', async () => {
      expectError(await t.call('POST', `${API}/incidents/${id}/roles`, { role: 'incident_commander', person: 'sam' }, { as: 'sam' }), 403, 'ONLY_COMMANDER');
      expectError(await t.call('POST', `${API}/incidents/${id}/roles`, { role: 'incident_commander', person: 'ghost' }, { as: 'alex' }), 400, 'UNKNOWN_PERSON', 'person');
      expectError(await t.call('POST', `${API}/incidents/${id}/roles`, { role: 'incident_commander', person: 'alex' }, { as: 'alex' }), 409, 'ALREADY_COMMANDER', 'person');
      expectError(await t.call('POST', `${API}/incidents/${id}/roles`, { role: 'owner', person: 'sam' }, { as: 'alex' }), 400, 'VALIDATION_FAILED', 'role');
    });

    it('R3: only the person offered can accept: others get 403 NOT_OFFERED_TO_YOU', async () => {
      for (const who of ['sam', 'alex', 'admin'])
        expectError(await t.call('POST', `${API}/incidents/${id}/handoffs/${handoffId}/accept`, {}, { as: who }), 403, 'NOT_OFFERED_TO_YOU');
      expectError(await t.call('POST', `${API}/incidents/${id}/handoffs/${handoffId}/decline`, {}, { as: 'sam' }), 403, 'NOT_OFFERED_TO_YOU');
      const still = await ok(t, 200, 'GET', `${API}/incidents/${id}`);
      expect(still.roles.incident_commander).toBe('alex');
      expect(still.pendingHandoff?.id).toBe(handoffId);
    });

    it('R3: the offered person accepts and becomes the IC', async () => {
      const body = await ok(t, 200, 'POST', `${API}/incidents/${id}/handoffs/${handoffId}/accept`, {}, 'priya');
      expect(body.roles.incident_commander).toBe('priya');
      expect(body.pendingHandoff).toBeNull();
      expectError(await t.call('POST', `${API}/incidents/${id}/handoffs/${handoffId}/accept`, {}, { as: 'priya' }), 409, 'HANDOFF_NOT_PENDING');
      expectError(await t.call('POST', `${API}/incidents/${id}/handoffs/h999/accept`, {}, { as: 'priya' }), 409, 'HANDOFF_NOT_PENDING');
      expectError(await t.call('POST', `${API}/incidents/${id}/handoffs/not-an-id/accept`, {}, { as: 'priya' }), 400, 'VALIDATION_FAILED', 'handoffId');
      // The old IC no longer commands.
      expectError(await t.call('POST', `${API}/incidents/${id}/roles`, { role: 'incident_commander', person: 'sam' }, { as: 'alex' }), 403, 'ONLY_COMMANDER');
    });

    it('R3: declining leaves IC where it was', async () => {
      const offered = await ok(t, 202, 'POST', `${API}/incidents/${id}/roles`, { role: 'incident_commander', person: 'sam' }, 'priya');
      const body = await ok(t, 200, 'POST', `${API}/incidents/${id}/handoffs/${offered.pendingHandoff.id}/decline`, {}, 'sam');
      expect(body.roles.incident_commander).toBe('priya');
      expect(body.pendingHandoff).toBeNull();
      expectError(await t.call('POST', `${API}/incidents/${id}/handoffs/${offered.pendingHandoff.id}/accept`, {}, { as: 'sam' }), 409, 'HANDOFF_NOT_PENDING');
    });

    it('R3: a new offer replaces a pending one', async () => {
      const first = await ok(t, 202, 'POST', `${API}/incidents/${id}/roles`, { role: 'incident_commander', person: 'sam' }, 'priya');
      const second = await ok(t, 202, 'POST', `${API}/incidents/${id}/roles`, { role: 'incident_commander', person: 'jo' }, 'priya');
      expect(second.pendingHandoff).toMatchObject({ to: 'jo' });
      expectError(await t.call('POST', `${API}/incidents/${id}/handoffs/${first.pendingHandoff.id}/accept`, {}, { as: 'sam' }), 409, 'HANDOFF_NOT_PENDING');
      await ok(t, 200, 'POST', `${API}/incidents/${id}/handoffs/${second.pendingHandoff.id}/decline`, {}, 'jo');
    });

    it('R3: DELETE roles/incident_commander is refused with 409: there is always one IC', async () => {
      expectError(await t.call('DELETE', `${API}/incidents/${id}/roles/incident_commander`, undefined, { as: 'priya' }), 409, 'COMMANDER_REQUIRED');
      const body = await ok(t, 200, 'GET', `${API}/incidents/${id}`);
      expect(body.roles.incident_commander).toBe('priya');
    });

    it('R9: offers, accepts and declines are on the timeline', async () => {
      const timeline = await ok(t, 200, 'GET', `${API}/incidents/${id}/timeline?kind=role_offered,role_accepted,role_declined`);
      expect(timeline.map((e: { kind: string }) => e.kind)).toEqual(['role_offered', 'role_accepted', 'role_offered', 'role_declined', 'role_offered', 'role_offered', 'role_declined']);
      expect(timeline[1]).toMatchObject({ actor: 'priya', text: '@priya accepted Incident Commander from @alex.' });
    });
  });

  describe('R4 roles within the severity policy', () => {
    it('R4: SEV1 shows role gaps until IC, Comms Lead and Scribe are three different people', async () => {
      const incident = await declare(t, { title: 'Everything down', severity: 'SEV1' }, 'alex');
      expect(codes(incident.roleGaps).sort()).toEqual(['COMMS_LEAD_MISSING', 'SCRIBE_MISSING']);

      let body = await ok(t, 200, 'POST', `${API}/incidents/${incident.id}/roles`, { role: 'comms_lead', person: 'alex' }, 'alex');
      expect(codes(body.roleGaps).sort()).toEqual(['ROLES_NOT_DISTINCT', 'SCRIBE_MISSING']);
      body = await ok(t, 200, 'POST', `${API}/incidents/${incident.id}/roles`, { role: 'scribe', person: 'priya' }, 'alex');
      expect(codes(body.roleGaps)).toEqual(['ROLES_NOT_DISTINCT']);
      body = await ok(t, 200, 'POST', `${API}/incidents/${incident.id}/roles`, { role: 'comms_lead', person: 'sam' }, 'alex');
      expect(body.roles).toEqual({ incident_commander: 'alex', comms_lead: 'sam', scribe: 'priya' });
      expect(body.roleGaps).toEqual([]);

      const timeline = await ok(t, 200, 'GET', `${API}/incidents/${incident.id}/timeline?kind=role_assigned`);
      expect(timeline.map((e: { text: string }) => e.text)).toEqual(['@alex is Comms Lead.', '@priya is Scribe.', '@sam is Comms Lead (was @alex).']);

      // Releasing the Scribe opens the gap again.
      body = await ok(t, 200, 'DELETE', `${API}/incidents/${incident.id}/roles/scribe`, undefined, 'alex');
      expect(body.roles.scribe).toBeNull();
      expect(codes(body.roleGaps)).toEqual(['SCRIBE_MISSING']);
      expectError(await t.call('DELETE', `${API}/incidents/${incident.id}/roles/scribe`, undefined, { as: 'alex' }), 409, 'ROLE_NOT_HELD', 'role');
      expectError(await t.call('DELETE', `${API}/incidents/${incident.id}/roles/bogus`, undefined, { as: 'alex' }), 400, 'VALIDATION_FAILED', 'role');
    });

    it('R4: SEV2 expects a Comms Lead distinct from the IC: a warning, not a gap or a block', async () => {
      const incident = await declare(t, { title: 'Search slow', severity: 'SEV2' }, 'alex');
      expect(incident.roleGaps).toEqual([]);
      expect(codes(incident.warnings)).toEqual(['COMMS_LEAD_MISSING']);
      let body = await ok(t, 200, 'POST', `${API}/incidents/${incident.id}/roles`, { role: 'comms_lead', person: 'alex' }, 'alex');
      expect(body.roles.comms_lead).toBe('alex');
      expect(body.roleGaps).toEqual([]);
      expect(codes(body.warnings)).toEqual(['COMMS_LEAD_IS_COMMANDER']);
      body = await ok(t, 200, 'POST', `${API}/incidents/${incident.id}/roles`, { role: 'comms_lead', person: 'priya' }, 'alex');
      expect(body.warnings).toEqual([]);
      expect(body.roleGaps).toEqual([]);
    });

    it('R4: SEV3 lets one person hold all three roles, with no gap or warning', async () => {
      const incident = await declare(t, { title: 'Minor thing', severity: 'SEV3' }, 'alex');
      expect(incident.roleGaps).toEqual([]);
      expect(incident.warnings).toEqual([]);
      await ok(t, 200, 'POST', `${API}/incidents/${incident.id}/roles`, { role: 'comms_lead', person: 'alex' }, 'alex');
      const body = await ok(t, 200, 'POST', `${API}/incidents/${incident.id}/roles`, { role: 'scribe', person: 'alex' }, 'alex');
      expect(body.roles).toEqual({ incident_commander: 'alex', comms_lead: 'alex', scribe: 'alex' });
      expect(body.roleGaps).toEqual([]);
      expect(body.warnings).toEqual([]);
    });

    it('R4: only the IC names deputies; naming the holder again is 409', async () => {
      const incident = await declare(t, { title: 'Who names', severity: 'SEV3' }, 'alex');
      expectError(await t.call('POST', `${API}/incidents/${incident.id}/roles`, { role: 'scribe', person: 'sam' }, { as: 'sam' }), 403, 'ONLY_COMMANDER');
      await ok(t, 200, 'POST', `${API}/incidents/${incident.id}/roles`, { role: 'scribe', person: 'sam' }, 'alex');
      expectError(await t.call('POST', `${API}/incidents/${incident.id}/roles`, { role: 'scribe', person: 'sam' }, { as: 'alex' }), 409, 'ROLE_ALREADY_HELD', 'person');
      expectError(await t.call('POST', `${API}/incidents/${incident.id}/roles`, { role: 'scribe', person: 'ghost' }, { as: 'alex' }), 400, 'UNKNOWN_PERSON', 'person');
      // A deputy may step down themselves.
      const body = await ok(t, 200, 'DELETE', `${API}/incidents/${incident.id}/roles/scribe`, undefined, 'sam');
      expect(body.roles.scribe).toBeNull();
    });
  });

  describe('R5 SMEs and R6 the IC does not debug', () => {
    let id: string;
    beforeAll(async () => {
      id = (await declare(t, { title: 'Database is slow', severity: 'SEV2' }, 'alex')).id;
    });

    it('R5: the IC pulls in an SME with a specialty; it lands on the timeline', async () => {
      const body = await ok(t, 200, 'POST', `${API}/incidents/${id}/smes`, { person: 'sam', specialty: 'database' }, 'alex');
      expect(body.smes).toEqual([{ person: 'sam', specialty: 'database' }]);
      expect(body.warnings.map((w: { code: string }) => w.code)).not.toContain('IC_HANDS_ON');
      await ok(t, 200, 'POST', `${API}/incidents/${id}/smes`, { person: 'jo', specialty: 'network' }, 'alex');
      const timeline = await ok(t, 200, 'GET', `${API}/incidents/${id}/timeline?kind=sme_added`);
      expect(timeline.map((e: { text: string }) => e.text)).toEqual(['@sam pulled in as SME (database).', '@jo pulled in as SME (network).']);
      const announcement = await t.call('GET', `${API}/incidents/${id}/announcement.md`);
      expect(announcement.body).toContain('SMEs: @sam (database), @jo (network)');
    });

    it('R5: SME refusals: not the IC 403, twice 409, unknown person 400, no specialty 400', async () => {
      expectError(await t.call('POST', `${API}/incidents/${id}/smes`, { person: 'priya', specialty: 'payments' }, { as: 'sam' }), 403, 'ONLY_COMMANDER');
      expectError(await t.call('POST', `${API}/incidents/${id}/smes`, { person: 'sam', specialty: 'database' }, { as: 'alex' }), 409, 'SME_ALREADY_IN', 'person');
      expectError(await t.call('POST', `${API}/incidents/${id}/smes`, { person: 'ghost', specialty: 'database' }, { as: 'alex' }), 400, 'UNKNOWN_PERSON', 'person');
      expectError(await t.call('POST', `${API}/incidents/${id}/smes`, { person: 'priya' }, { as: 'alex' }), 400, 'VALIDATION_FAILED', 'specialty');
      expectError(await t.call('POST', `${API}/incidents/${id}/smes`, { person: 'priya', specialty: '  ' }, { as: 'alex' }), 400, 'VALIDATION_FAILED', 'specialty');
    });

    it('R5: SMEs are released by the IC or by themselves', async () => {
      let body = await ok(t, 200, 'DELETE', `${API}/incidents/${id}/smes/sam`, undefined, 'alex');
      expect(body.smes).toEqual([{ person: 'jo', specialty: 'network' }]);
      expectError(await t.call('DELETE', `${API}/incidents/${id}/smes/sam`, undefined, { as: 'alex' }), 404, 'SME_NOT_FOUND', 'person');
      body = await ok(t, 200, 'DELETE', `${API}/incidents/${id}/smes/jo`, undefined, 'jo');
      expect(body.smes).toEqual([]);
      const timeline = await ok(t, 200, 'GET', `${API}/incidents/${id}/timeline?kind=sme_released`);
      expect(timeline.map((e: { text: string; actor: string }) => [e.actor, e.text])).toEqual([
        ['alex', '@sam released as SME (database).'],
        ['jo', '@jo released as SME (network).'],
      ]);
    });

    it('R6: the IC recording an action gets IC_HANDS_ON and the timeline notes it', async () => {
      const res = await t.call('POST', `${API}/incidents/${id}/timeline`, { kind: 'action', text: 'Restarted the primary' }, { as: 'alex' });
      expect(res.statusCode, res.body).toBe(201);
      const entry = res.json();
      expect(entry).toMatchObject({ kind: 'action', text: 'Restarted the primary', actor: 'alex' });
      expect(codes(entry.warnings)).toEqual(['IC_HANDS_ON']);
      const handsOn = await ok(t, 200, 'GET', `${API}/incidents/${id}/timeline?kind=commander_hands_on`);
      expect(handsOn).toHaveLength(1);
      expect(handsOn[0]).toMatchObject({ actor: 'alex' });
      expect(handsOn[0].text).toContain('@alex went hands-on (recorded an action)');
    });

    it('R6: someone else recording an action, or the IC a note, gets no warning', async () => {
      await ok(t, 200, 'POST', `${API}/incidents/${id}/smes`, { person: 'sam', specialty: 'database' }, 'alex');
      const bySme = await ok(t, 201, 'POST', `${API}/incidents/${id}/timeline`, { kind: 'action', text: 'Failed over' }, 'sam');
      expect(bySme.warnings).toEqual([]);
      const note = await ok(t, 201, 'POST', `${API}/incidents/${id}/timeline`, { kind: 'note', text: 'Waiting on failover' }, 'alex');
      expect(note.warnings).toEqual([]);
      expect(await ok(t, 200, 'GET', `${API}/incidents/${id}/timeline?kind=commander_hands_on`)).toHaveLength(1);
    });

    it('R6: adding the IC as an SME warns and the timeline notes it', async () => {
      const body = await ok(t, 200, 'POST', `${API}/incidents/${id}/smes`, { person: 'alex', specialty: 'database' }, 'alex');
      expect(codes(body.warnings)).toContain('IC_HANDS_ON');
      expect(body.smes).toContainEqual({ person: 'alex', specialty: 'database' });
      const handsOn = await ok(t, 200, 'GET', `${API}/incidents/${id}/timeline?kind=commander_hands_on`);
      expect(handsOn).toHaveLength(2);
      expect(handsOn[1].text).toContain('added as SME');
    });

    it('warnings are not repeated in one answer', async () => {
      const incident = await declare(t, { title: 'Dup warnings', severity: 'SEV2' }, 'alex');
      const body = await ok(t, 200, 'POST', `${API}/incidents/${incident.id}/roles`, { role: 'comms_lead', person: 'alex' }, 'alex');
      const list = codes(body.warnings);
      expect(list).toEqual([...new Set(list)]);
    });
  });
});
