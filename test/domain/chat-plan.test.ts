/** Which chat calls follow from which incident event (src/domain/chat/plan.ts), pure. */
import { describe, expect, it } from 'vitest';
import { chatSteps, type ChatSettings } from '../../src/domain/chat/plan.js';
import { evolve, evolveDeclared, type IncidentState } from '../../src/domain/model/state.js';
import type { IncidentEvent, RecordedEvent } from '../../src/domain/model/events.js';

const SETTINGS: ChatSettings = { announceChannel: 'incidents', leadershipChannel: 'leadership', leadershipSeverities: ['SEV1'], archiveAfterMs: 7 * 86_400_000 };
const AT = '2026-06-06T14:14:00.000Z';

function declared(severity: string, isPrivate = false): RecordedEvent {
  return {
    incident: 4,
    seq: 1,
    actor: 'alice',
    recordedAt: AT,
    event: {
      type: 'IncidentDeclared', number: 4, title: 'Checkout errors', severity, summary: null, startedAt: AT, declaredAt: AT,
      channel: 'inc-2026-06-06-checkout-errors', components: [], links: { statusPage: null, dashboard: null, runbook: null },
      private: isPrivate, commander: 'alice', nextUpdateBy: '2026-06-06T14:44:00.000Z',
    },
  };
}

function then(state: IncidentState, event: IncidentEvent, actor = 'alice'): [RecordedEvent, IncidentState] {
  const recorded = { incident: 4, seq: state.version + 1, actor, recordedAt: AT, event };
  return [recorded, evolve(state, recorded)];
}

describe('chat steps', () => {
  it('declaring opens the room: create, invite the IC, pin the announcement, set the topic, then the announce notice', () => {
    const recorded = declared('SEV2');
    expect(chatSteps(recorded, evolveDeclared(recorded), SETTINGS)).toEqual([
      { op: 'create_room', name: 'inc-2026-06-06-checkout-errors', private: false },
      { op: 'invite', people: ['alice'] },
      { op: 'post', to: 'room', notice: { kind: 'announcement' }, pin: true },
      { op: 'set_topic' },
      { op: 'post', to: 'announce', notice: { kind: 'declared_elsewhere' } },
    ]);
  });

  it('SEV1 is announced to leadership too', () => {
    const recorded = declared('SEV1');
    expect(chatSteps(recorded, evolveDeclared(recorded), SETTINGS).filter((s) => s.op === 'post' && s.to !== 'room').map((s) => (s as { to: string }).to)).toEqual([
      'announce',
      'leadership',
    ]);
  });

  it('a private incident gets a private room and is announced nowhere', () => {
    const recorded = declared('SEV1', true);
    const steps = chatSteps(recorded, evolveDeclared(recorded), SETTINGS);
    expect(steps[0]).toEqual({ op: 'create_room', name: 'inc-2026-06-06-checkout-errors', private: true });
    expect(steps.some((s) => s.op === 'post' && s.to !== 'room')).toBe(false);
  });

  it('an overdue update is for the Comms Lead, then the IC; an escalation names who was told', () => {
    let state = evolveDeclared(declared('SEV2'));
    [, state] = then(state, { type: 'RoleAssigned', role: 'comms_lead', person: 'bob', previous: null });
    const [overdue] = then(state, { type: 'UpdateOverdue', promisedBy: '2026-06-06T14:44:00.000Z', lastUpdateAt: null }, 'system');
    expect(chatSteps(overdue, state, SETTINGS)).toEqual([{ op: 'post', to: 'room', notice: { kind: 'reminder', mention: ['bob', 'alice'], told: [] } }]);
    const [escalated] = then(state, { type: 'OverdueEscalated', promisedBy: '2026-06-06T14:44:00.000Z', lastUpdateAt: null, escalation: 1, escalateTo: ['vp'] }, 'system');
    expect(chatSteps(escalated, state, SETTINGS)).toEqual([{ op: 'post', to: 'room', notice: { kind: 'reminder', mention: ['bob', 'alice'], told: ['vp'] } }]);
  });

  it('an IC offer is a direct message to the person offered; a status change alone posts nothing but edits the announcement', () => {
    const state = evolveDeclared(declared('SEV2'));
    const [offer, after] = then(state, { type: 'CommanderOffered', handoffId: 'h2', from: 'alice', to: 'carol', supersedes: null });
    expect(chatSteps(offer, after, SETTINGS)[1]).toEqual({ op: 'dm', person: 'carol', notice: { kind: 'handoff_offer', handoffId: 'h2' } });
    const [changed, later] = then(state, { type: 'StatusChanged', from: 'investigating', to: 'identified' });
    expect(chatSteps(changed, later, SETTINGS)).toEqual([{ op: 'edit_announcement' }]);
  });

  it('the pinned announcement is edited after what changes it (severity, roles, status), in the room\'s order', () => {
    const state = evolveDeclared(declared('SEV2'));
    const [severity, higher] = then(state, { type: 'SeverityChanged', from: 'SEV2', to: 'SEV1', reason: 'All regions', nextUpdateBy: null });
    expect(chatSteps(severity, higher, SETTINGS).map((s) => s.op)).toEqual(['post', 'set_topic', 'edit_announcement', 'post']);
    const [assigned, withComms] = then(state, { type: 'RoleAssigned', role: 'comms_lead', person: 'bob', previous: null });
    expect(chatSteps(assigned, withComms, SETTINGS).map((s) => s.op)).toEqual(['invite', 'post', 'edit_announcement']);
    const [noted, after] = then(state, { type: 'TimelineEntryAdded', kind: 'note', text: 'x', occurredAt: '2026-06-06T14:20:00.000Z', corrects: null });
    expect(chatSteps(noted, after, SETTINGS).some((s) => s.op === 'edit_announcement')).toBe(false);
  });

  it('a task brings its owner into the room and is a line there, as is each change to it', () => {
    const state = evolveDeclared(declared('SEV2'));
    const [created, withTask] = then(state, { type: 'TaskCreated', taskId: 't2', title: 'Check the batch job', owner: 'dana' });
    expect(chatSteps(created, withTask, SETTINGS)).toEqual([{ op: 'invite', people: ['dana'] }, { op: 'post', to: 'room', notice: { kind: 'event' } }]);
    const [handed, later] = then(withTask, { type: 'TaskReassigned', taskId: 't2', title: 'Check the batch job', from: 'dana', to: 'lee' });
    expect(chatSteps(handed, later, SETTINGS).map((s) => s.op)).toEqual(['invite', 'post']);
    const [blocked, after] = then(later, { type: 'TaskStateChanged', taskId: 't2', title: 'Check the batch job', owner: 'lee', from: 'open', to: 'blocked', reason: 'No access' }, 'lee');
    expect(chatSteps(blocked, after, SETTINGS)).toEqual([{ op: 'post', to: 'room', notice: { kind: 'event' } }]);
  });

  it('the room is archived archiveAfter after the postmortem has an owner', () => {
    const state = evolveDeclared(declared('SEV2'));
    const [assigned, after] = then(state, { type: 'PostmortemAssigned', owner: 'alice', scheduledFor: '2026-06-08T10:00:00.000Z' });
    expect(chatSteps(assigned, after, SETTINGS).at(-1)).toEqual({ op: 'archive', at: '2026-06-13T14:14:00.000Z' });
    expect(chatSteps(assigned, after, { ...SETTINGS, archiveAfterMs: null }).some((s) => s.op === 'archive')).toBe(false);
  });
});
