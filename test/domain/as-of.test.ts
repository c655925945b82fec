/** The timeline at any moment: `foldUntil` folds the events recorded by then. Pure: fixed times. */
import { describe, expect, it } from 'vitest';
import { ALEX, T0, declared, given, minutes } from './given.js';
import { fold, lifecycleState } from '../../src/domain/model/state.js';
import { foldUntil } from '../../src/domain/model/as-of.js';

const resolveCommand = { type: 'Resolve', impact: 'Checkout failed for 20 minutes.', whatWeKnow: 'A batch job exhausted the pool.' } as const;

describe('foldUntil: the incident as it stood at a moment', () => {
  // Given: declared SEV2 at 14:14 by alex; SEV1 at 14:20; priya Comms Lead at 14:22; IC offered to lee at 14:25,
  // accepted at 14:27; resolved at 14:40; reopened at 14:45.
  const history = given(declared({ severity: 'SEV2' }))
    .after({ type: 'ChangeSeverity', severity: 'SEV1', reason: 'Revenue stopped' }, { at: minutes(6) })
    .after({ type: 'AssignRole', role: 'comms_lead', person: 'priya' }, { at: minutes(8) })
    .after({ type: 'OfferCommand', to: 'lee' }, { at: minutes(11) })
    .after({ type: 'AcceptCommand', handoffId: 'h4' }, { by: 'lee', at: minutes(13) })
    .after(resolveCommand, { by: 'lee', at: minutes(26) })
    .after({ type: 'Reopen', reason: 'Errors are back' }, { by: 'lee', at: minutes(31) });
  const events = history.events;

  it('before the declaration there is nothing: null', () => {
    expect(foldUntil(events, minutes(0, -1))).toBeNull();
    expect(foldUntil([], T0)).toBeNull();
  });

  it('an event recorded exactly at the moment counts', () => {
    expect(foldUntil(events, T0)).toMatchObject({ severity: 'SEV2', roles: { incident_commander: ALEX }, version: 1 });
    expect(foldUntil(events, minutes(6))?.severity).toBe('SEV1');
    expect(foldUntil(events, minutes(5, 59))?.severity).toBe('SEV2');
  });

  it('a role handoff: offered, the old IC still holds it; accepted, the new one', () => {
    const offered = foldUntil(events, minutes(12));
    expect(offered?.roles).toEqual({ incident_commander: ALEX, comms_lead: 'priya', scribe: null });
    expect(offered?.pendingHandoff).toMatchObject({ from: ALEX, to: 'lee' });
    expect(foldUntil(events, minutes(13))?.roles.incident_commander).toBe('lee');
  });

  it('resolved, then reopened: each moment has its own phase', () => {
    const resolved = foldUntil(events, minutes(30));
    expect(resolved && lifecycleState(resolved)).toBe('resolved');
    expect(resolved?.status).toBe('resolved');
    const reopened = foldUntil(events, minutes(31));
    expect(reopened?.phase).toBe('active');
    expect(reopened?.roles.incident_commander).toBe('lee');
  });

  it('a moment after the last event is the incident as it is', () => {
    expect(foldUntil(events, '2030-01-01T00:00:00.000Z')).toEqual(fold(events));
  });

  it('a backdated entry counts from when it was recorded: until then nobody knew it', () => {
    const backdated = given(declared()).with({
      event: { type: 'TimelineEntryAdded', kind: 'observation', text: 'Errors began at 14:02', occurredAt: minutes(-12), corrects: null },
      at: minutes(10),
    });
    expect(foldUntil(backdated.events, minutes(9))?.version).toBe(1);
    expect(foldUntil(backdated.events, minutes(10))?.version).toBe(2);
  });

  it('only the stream as it was recorded counts: an event stamped early by a clock behind does not jump the queue', () => {
    // Event 2 recorded at 14:20 by one instance, event 3 stamped 14:19 by another whose clock is behind:
    // at 14:19:30, the stream had passed neither, so the state is the declaration alone.
    const skewed = given(
      declared({ severity: 'SEV2' }),
      { event: { type: 'SeverityChanged', from: 'SEV2', to: 'SEV1', reason: 'Revenue stopped', nextUpdateBy: null }, at: minutes(6) },
      { event: { type: 'RoleAssigned', role: 'comms_lead', person: 'priya', previous: null }, at: minutes(5) },
    );
    const state = foldUntil(skewed.events, minutes(5, 30));
    expect(state).toMatchObject({ version: 1, severity: 'SEV2', roles: { comms_lead: null } });
  });
});
