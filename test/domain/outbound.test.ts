import { describe, expect, it } from 'vitest';
import type { CommandOf } from '../../src/domain/model/commands.js';
import type { PublicBy } from '../../src/domain/model/policy.js';
import { declared, given, minutes, refusal } from './given.js';

const fields = { impact: 'Checkout failing for ~30%.', whatWeKnow: 'A batch job exhausted the pool.', nextStep: 'Throttle the job.' };
const update = (publicBy: PublicBy, more: Partial<CommandOf<'PostUpdate'>> = {}): CommandOf<'PostUpdate'> => ({
  type: 'PostUpdate',
  status: 'identified',
  ...fields,
  publicBy,
  ...more,
});
/** SEV2 (public), alex IC, priya named Comms Lead at 14:15. */
const withComms = () => given(declared({ severity: 'SEV2' }), { event: { type: 'RoleAssigned', role: 'comms_lead', person: 'priya', previous: null } });

describe('Issue 15 item 4: the Comms Lead owns outbound', () => {
  it('anyone (default): someone else posts a public update; it goes out, with a warning and a timeline entry naming the Comms Lead', () => {
    const decision = withComms().when(update('anyone'), { by: 'alex', at: minutes(5) });
    expect(decision.events.map((e) => e.type)).toEqual(['StatusUpdatePosted', 'StatusChanged', 'PublicUpdateNotByCommsLead']);
    expect(decision.events[2]).toEqual({ type: 'PublicUpdateNotByCommsLead', commsLead: 'priya' });
    expect(decision.warnings.map((w) => w.code)).toEqual(['NOT_THE_COMMS_LEAD']);
  });

  it('anyone: an absent setting is anyone', () => {
    const decision = withComms().when(update('anyone', { publicBy: undefined }), { by: 'alex', at: minutes(5) });
    expect(decision.warnings.map((w) => w.code)).toEqual(['NOT_THE_COMMS_LEAD']);
  });

  for (const publicBy of ['anyone', 'comms-lead', 'comms-lead-approves'] as const) {
    it(`${publicBy}: the Comms Lead posts as usual, without a warning`, () => {
      const decision = withComms().when(update(publicBy), { by: 'priya', at: minutes(5) });
      expect(decision.events.map((e) => e.type)).toEqual(['StatusUpdatePosted', 'StatusChanged']);
      expect(decision.warnings).toEqual([]);
    });
    it(`${publicBy}: with no Comms Lead named, anyone posts`, () => {
      const decision = given(declared({ severity: 'SEV2' })).when(update(publicBy), { by: 'alex', at: minutes(5) });
      expect(decision.events.map((e) => e.type)).toEqual(['StatusUpdatePosted', 'StatusChanged']);
      expect(decision.warnings).toEqual([]);
    });
    it(`${publicBy}: an internal update is never held or refused`, () => {
      const decision = withComms().when(update(publicBy, { audience: 'internal' }), { by: 'alex', at: minutes(5) });
      expect(decision.events[0]).toMatchObject({ type: 'StatusUpdatePosted', audience: 'internal' });
      expect(decision.warnings).toEqual([]);
    });
  }

  it('comms-lead: a public update from anyone else is refused, naming the Comms Lead', () => {
    const error = refusal(() => withComms().when(update('comms-lead'), { by: 'alex', at: minutes(5) }));
    expect(error.code).toBe('COMMS_LEAD_OWNS_OUTBOUND');
    expect(error.details).toEqual({ field: 'audience', commsLead: 'priya' });
    expect(error.message).toContain('@priya');
  });

  it('comms-lead: the update is checked first: a missing field is still named', () => {
    expect(refusal(() => withComms().when(update('comms-lead', { impact: ' ' }), { by: 'alex' })).code).toBe('VALIDATION_FAILED');
  });

  it('comms-lead-approves: held as a draft, nothing posted, the promise unchanged', () => {
    const incident = withComms();
    const decision = incident.when(update('comms-lead-approves'), { by: 'alex', at: minutes(5) });
    expect(decision.events).toEqual([{ type: 'UpdateHeld', draftId: 'd3', commsLead: 'priya', status: 'identified', ...fields, nextUpdateBy: null, audience: 'public' }]);
    const after = incident.after(update('comms-lead-approves'), { by: 'alex', at: minutes(5) });
    expect(after.state.drafts).toEqual([expect.objectContaining({ id: 'd3', draftedBy: 'alex', draftedAt: minutes(5) })]);
    expect(after.state.lastUpdate).toBeNull();
    expect(after.state.nextUpdateBy).toBe(incident.state.nextUpdateBy);
  });

  it('comms-lead-approves: the Comms Lead approves: posted by them, the promise from the cadence at approval', () => {
    const held = withComms().after(update('comms-lead-approves'), { by: 'alex', at: minutes(5) });
    const approved = held.after({ type: 'ApproveDraft', draftId: 'd3' }, { by: 'priya', at: minutes(8) });
    const types = approved.events.slice(3).map((r) => r.event.type);
    expect(types).toEqual(['DraftApproved', 'StatusUpdatePosted', 'StatusChanged']);
    expect(approved.state.drafts).toEqual([]);
    expect(approved.state.lastUpdate).toMatchObject({ postedBy: 'priya', impact: fields.impact, nextUpdateBy: minutes(8 + 60) });
  });

  it('comms-lead-approves: a promise the author made is kept if still ahead, else the cadence counts from approval', () => {
    const held = withComms().after(update('comms-lead-approves', { nextUpdateBy: minutes(20) }), { by: 'alex', at: minutes(5) });
    expect(held.after({ type: 'ApproveDraft', draftId: 'd3' }, { by: 'priya', at: minutes(8) }).state.nextUpdateBy).toBe(minutes(20));
    expect(held.after({ type: 'ApproveDraft', draftId: 'd3' }, { by: 'priya', at: minutes(25) }).state.nextUpdateBy).toBe(minutes(25 + 60));
  });

  it('comms-lead-approves: only the Comms Lead approves or rejects; the author cannot approve their own', () => {
    const held = withComms().after(update('comms-lead-approves'), { by: 'alex', at: minutes(5) });
    expect(refusal(() => held.when({ type: 'ApproveDraft', draftId: 'd3' }, { by: 'alex' })).code).toBe('ONLY_COMMS_LEAD');
    expect(refusal(() => held.when({ type: 'RejectDraft', draftId: 'd3', reason: 'no' }, { by: 'sam' })).code).toBe('ONLY_COMMS_LEAD');
  });

  it('comms-lead-approves: rejecting takes a reason and drops the draft; a decided draft is not pending any more', () => {
    const held = withComms().after(update('comms-lead-approves'), { by: 'alex', at: minutes(5) });
    expect(refusal(() => held.when({ type: 'RejectDraft', draftId: 'd3', reason: '  ' }, { by: 'priya' })).details).toEqual({ field: 'reason' });
    const rejected = held.after({ type: 'RejectDraft', draftId: 'd3', reason: 'Impact overstated' }, { by: 'priya' });
    expect(rejected.events.at(-1)?.event).toEqual({ type: 'DraftRejected', draftId: 'd3', draftedBy: 'alex', reason: 'Impact overstated' });
    expect(rejected.state.drafts).toEqual([]);
    expect(refusal(() => rejected.when({ type: 'ApproveDraft', draftId: 'd3' }, { by: 'priya' })).code).toBe('DRAFT_NOT_PENDING');
  });

  it('comms-lead-approves: with the Comms Lead released, the IC decides on the drafts', () => {
    const held = withComms()
      .after(update('comms-lead-approves'), { by: 'sam', at: minutes(5) })
      .with({ event: { type: 'RoleReleased', role: 'comms_lead', person: 'priya' } });
    expect(held.after({ type: 'ApproveDraft', draftId: 'd3' }, { by: 'alex' }).state.lastUpdate?.postedBy).toBe('alex');
  });

  it('comms-lead-approves: drafts lapse when the incident resolves', () => {
    const held = withComms().after(update('comms-lead-approves'), { by: 'alex', at: minutes(5) });
    const resolved = held.after({ type: 'Resolve', impact: 'None now.', whatWeKnow: 'Job throttled.' }, { by: 'alex' });
    expect(resolved.state.drafts).toEqual([]);
  });
});
