/**
 * Who is on what: tasks inside an incident, and findings reported up to the IC.
 * Pure: fixed times, no store. alex declared and is IC; dana and lee are SMEs.
 */
import { describe, expect, it } from 'vitest';
import { ALEX, declared, given, minutes, refusal } from './given.js';
import type { CommandOf } from '../../src/domain/model/commands.js';
import { fold } from '../../src/domain/model/state.js';
import { tasksAtAGlance } from '../../src/domain/model/tasks.js';
import { buildTimeline } from '../../src/presenters/timeline.js';

const create = (title: string, owner: string): CommandOf<'CreateTask'> => ({ type: 'CreateTask', title, owner });
const change = (taskId: string, changes: Omit<CommandOf<'UpdateTask'>, 'type' | 'taskId'>): CommandOf<'UpdateTask'> => ({ type: 'UpdateTask', taskId, ...changes });

const open = given(declared({ severity: 'SEV1' }));
/** alex (IC) gives dana t2 at 14:16. */
const withTask = open.after(create('Check the batch job', 'dana'), { at: minutes(2) });

describe('Tasks: creating', () => {
  it('anyone in the incident gives a task to an owner: an event with the id, trimmed title and owner; it is open', () => {
    const decision = open.when(create('  Check the batch job  ', 'dana'), { by: 'lee', at: minutes(2) });
    expect(decision).toEqual({ events: [{ type: 'TaskCreated', taskId: 't2', title: 'Check the batch job', owner: 'dana' }], warnings: [] });
    const after = open.after(create('Check the batch job', 'dana'), { by: 'lee', at: minutes(2) }).state;
    expect(after.tasks).toEqual([
      { id: 't2', title: 'Check the batch job', owner: 'dana', state: 'open', reason: null, createdBy: 'lee', createdAt: minutes(2), updatedAt: minutes(2) },
    ]);
  });

  it('the owner is in the incident from then on (they may see it when private)', () => {
    const secret = given(declared({ private: true })).after(create('Rotate the key', 'dana'));
    expect(secret.state.participants).toContain('dana');
    expect(secret.after(change('t2', { owner: 'lee' })).state.participants).toContain('lee');
  });

  it('a task needs a title (at most 200 characters) and an owner; the refusal names the field', () => {
    for (const [command, field] of [
      [create(' ', 'dana'), 'title'],
      [create('x'.repeat(201), 'dana'), 'title'],
      [create('Check', ' '), 'owner'],
    ] as const) {
      const error = refusal(() => open.when(command));
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.details).toEqual({ field });
    }
  });

  it('a resolved incident takes no new task', () => {
    const resolved = open.with({ type: 'IncidentResolved', postmortemRequired: true });
    expect(refusal(() => resolved.when(create('Check', 'dana'))).code).toBe('INCIDENT_NOT_OPEN');
  });

  it('each task gets its own id, from the event that created it', () => {
    const two = withTask.after(create('Throttle the job', 'lee'));
    expect(two.state.tasks.map((t) => t.id)).toEqual(['t2', 't3']);
  });
});

describe('Tasks: done, blocked, reopened', () => {
  it('the owner marks it done; the event says from, to, the title and owner; the state follows', () => {
    const decision = withTask.when(change('t2', { state: 'done' }), { by: 'dana', at: minutes(9) });
    expect(decision.events).toEqual([{ type: 'TaskStateChanged', taskId: 't2', title: 'Check the batch job', owner: 'dana', from: 'open', to: 'done', reason: null }]);
    const done = withTask.after(change('t2', { state: 'done', reason: ' Job found ' }), { by: 'dana', at: minutes(9) }).state.tasks[0];
    expect(done).toMatchObject({ state: 'done', reason: 'Job found', updatedAt: minutes(9), createdAt: minutes(2) });
  });

  it('blocked takes a reason (what the IC must remove); refused without one, naming the field', () => {
    const error = refusal(() => withTask.when(change('t2', { state: 'blocked', reason: '  ' }), { by: 'dana' }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details).toEqual({ field: 'reason' });
    const blocked = withTask.after(change('t2', { state: 'blocked', reason: 'Waiting on DBA access' }), { by: 'dana' });
    expect(blocked.state.tasks[0]).toMatchObject({ state: 'blocked', reason: 'Waiting on DBA access' });
  });

  it('the IC may change anyone’s task, and so may an admin; nobody else but the owner', () => {
    expect(withTask.when(change('t2', { state: 'done' }), { by: ALEX }).events).toHaveLength(1);
    expect(withTask.when(change('t2', { state: 'done' }), { by: 'root', admin: true }).events).toHaveLength(1);
    const error = refusal(() => withTask.when(change('t2', { state: 'done' }), { by: 'lee' }));
    expect(error.code).toBe('NOT_TASK_OWNER');
    expect(error.message).toContain('@dana');
  });

  it('reopening a done or blocked task makes it open again', () => {
    const done = withTask.after(change('t2', { state: 'done' }), { by: 'dana' });
    const reopened = done.after(change('t2', { state: 'open', reason: 'Errors are back' }));
    expect(reopened.events.at(-1)?.event).toMatchObject({ type: 'TaskStateChanged', from: 'done', to: 'open', reason: 'Errors are back' });
    expect(reopened.state.tasks[0]).toMatchObject({ state: 'open', reason: 'Errors are back' });
  });

  it('what is unchanged records nothing: done twice is a no-op; blocked again for another reason is news', () => {
    const done = withTask.after(change('t2', { state: 'done' }), { by: 'dana' });
    expect(done.when(change('t2', { state: 'done' }), { by: 'dana' }).events).toEqual([]);
    const blocked = withTask.after(change('t2', { state: 'blocked', reason: 'No access' }), { by: 'dana' });
    expect(blocked.when(change('t2', { state: 'blocked', reason: 'No access' }), { by: 'dana' }).events).toEqual([]);
    expect(blocked.when(change('t2', { state: 'blocked', reason: 'DBA on leave' }), { by: 'dana' }).events).toEqual([
      { type: 'TaskStateChanged', taskId: 't2', title: 'Check the batch job', owner: 'dana', from: 'blocked', to: 'blocked', reason: 'DBA on leave' },
    ]);
  });

  it('a task that does not exist is refused, naming the field', () => {
    const error = refusal(() => withTask.when(change('t9', { state: 'done' })));
    expect(error.code).toBe('TASK_NOT_FOUND');
    expect(error.details).toEqual({ field: 'taskId' });
  });

  it('a change must say what changes', () => {
    const error = refusal(() => withTask.when(change('t2', {})));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details).toEqual({ field: 'state' });
  });

  it('after resolution tasks no longer change', () => {
    const resolved = withTask.with({ type: 'IncidentResolved', postmortemRequired: false });
    expect(refusal(() => resolved.when(change('t2', { state: 'done' }), { by: 'dana' })).code).toBe('INCIDENT_NOT_OPEN');
  });
});

describe('Tasks: handing on and renaming', () => {
  it('the owner hands it to someone else, and renames it; one event each, in the order title, owner, state', () => {
    const decision = withTask.when(change('t2', { title: 'Stop the batch job', owner: 'lee', state: 'blocked', reason: 'Needs a deploy' }), { by: 'dana' });
    expect(decision.events).toEqual([
      { type: 'TaskRetitled', taskId: 't2', from: 'Check the batch job', to: 'Stop the batch job' },
      { type: 'TaskReassigned', taskId: 't2', title: 'Stop the batch job', from: 'dana', to: 'lee' },
      { type: 'TaskStateChanged', taskId: 't2', title: 'Stop the batch job', owner: 'lee', from: 'open', to: 'blocked', reason: 'Needs a deploy' },
    ]);
  });

  it('once handed on, the new owner works it and the old one no longer can', () => {
    const handed = withTask.after(change('t2', { owner: 'lee' }), { by: 'dana' });
    expect(handed.state.tasks[0]?.owner).toBe('lee');
    expect(handed.when(change('t2', { state: 'done' }), { by: 'lee' }).events).toHaveLength(1);
    expect(refusal(() => handed.when(change('t2', { state: 'done' }), { by: 'dana' })).code).toBe('NOT_TASK_OWNER');
  });

  it('the same owner or title records nothing; an empty title is refused', () => {
    expect(withTask.when(change('t2', { owner: 'dana', title: ' Check the batch job ' }), { by: 'dana' }).events).toEqual([]);
    expect(refusal(() => withTask.when(change('t2', { title: ' ' }), { by: 'dana' })).details).toEqual({ field: 'title' });
  });
});

describe('Tasks: at a glance, and on the timeline', () => {
  it('the IC sees blocked tasks first, then open ones, then those done, each in creation order', () => {
    const many = withTask
      .after(create('Throttle the job', 'lee'))
      .after(create('Page the DBA', 'lee'))
      .after(create('Draft the update', 'priya'))
      .after(change('t2', { state: 'done' }))
      .after(change('t5', { state: 'blocked', reason: 'Nobody answers' }))
      .after(change('t4', { state: 'blocked', reason: 'Pager broken' }));
    expect(tasksAtAGlance(many.state.tasks).map((t) => [t.id, t.state])).toEqual([
      ['t4', 'blocked'],
      ['t5', 'blocked'],
      ['t3', 'open'],
      ['t2', 'done'],
    ]);
  });

  it('each change is a task entry on the timeline, by whoever made it', () => {
    const history = withTask.after(change('t2', { state: 'blocked', reason: 'Waiting on DBA access' }), { by: 'dana' }).after(change('t2', { state: 'done' }), { by: 'dana' });
    const entries = buildTimeline(history.events, ['task']).map((e) => [e.actor, e.text]);
    expect(entries).toEqual([
      [ALEX, 'Task t2 for @dana: Check the batch job.'],
      ['dana', 'Task t2 (@dana) blocked: Check the batch job. Waiting on DBA access.'],
      ['dana', 'Task t2 (@dana) done: Check the batch job.'],
    ]);
  });

  it('tasks fold the same from the events alone (the read model is disposable)', () => {
    const history = withTask.after(change('t2', { state: 'done' }), { by: 'dana' });
    expect(fold(history.events).tasks).toEqual(history.state.tasks);
    expect(given(declared()).state.tasks).toEqual([]);
  });
});

describe('Findings: reported up to the IC', () => {
  it('a finding is addressed to the IC unless it names someone else; the timeline entry says to whom', () => {
    const toIc = open.when({ type: 'AddTimelineEntry', kind: 'finding', text: 'The batch job holds 80 connections' }, { by: 'dana', at: minutes(5) });
    expect(toIc.events).toEqual([{ type: 'TimelineEntryAdded', kind: 'finding', text: 'The batch job holds 80 connections', occurredAt: minutes(5), corrects: null, to: ALEX }]);
    const toLee = open.after({ type: 'AddTimelineEntry', kind: 'finding', text: 'Pool is 100 wide', to: 'lee' }, { by: 'dana', at: minutes(6) });
    expect(buildTimeline(toLee.events, ['finding'])).toEqual([expect.objectContaining({ kind: 'finding', to: 'lee', actor: 'dana', at: minutes(6) })]);
  });

  it('after a handoff, a new finding goes to the new IC', () => {
    const handed = open.with(
      { event: { type: 'CommanderOffered', handoffId: 'h2', from: ALEX, to: 'lee', supersedes: null } },
      { event: { type: 'CommanderAccepted', handoffId: 'h2', from: ALEX, to: 'lee' }, by: 'lee' },
    );
    expect(handed.when({ type: 'AddTimelineEntry', kind: 'finding', text: 'Found it' }, { by: 'dana' }).events[0]).toMatchObject({ to: 'lee' });
  });

  it('only a finding is addressed: another kind with "to" is refused, naming the field; other entries are to nobody', () => {
    const error = refusal(() => open.when({ type: 'AddTimelineEntry', kind: 'note', text: 'x', to: 'lee' }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details).toEqual({ field: 'to' });
    const note = open.after({ type: 'AddTimelineEntry', kind: 'note', text: 'x' }, { at: minutes(1) });
    expect(buildTimeline(note.events).at(-1)).toMatchObject({ kind: 'note', to: null });
  });
});
