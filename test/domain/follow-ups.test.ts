import { describe, expect, it } from 'vitest';
import { decideCreate, decidePatch, decideTransition, isOverdue, type FollowUp } from '../../src/domain/follow-ups/follow-up.js';
import { nextReminderAt, reminderOwed } from '../../src/domain/follow-ups/reminders.js';
import { DomainError } from '../../src/domain/model/errors.js';
import type { Person } from '../../src/domain/people/person.js';

const NOW = '2026-06-06T14:14:00.000Z';
const person = (handle: string, role: Person['role'] = 'responder', deactivatedAt: string | null = null): Person => ({
  handle,
  name: handle,
  email: `${handle}@example.com`,
  role,
  chat: {},
  createdAt: NOW,
  deactivatedAt,
  version: 1,
});
const priya = person('priya');
const context = { id: 'fu_0000000000000001', incident: 7, actor: 'alex', now: NOW, owner: priya, lastEntry: 12 };

function refusal(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

function created(over: Partial<Parameters<typeof decideCreate>[0]> = {}): FollowUp {
  return decideCreate({ title: ' Alert on checkout error rate ', owner: 'priya', due: '2026-06-20', ...over }, context);
}

describe('creating a follow-up', () => {
  it('is open, P2 by default, trimmed, owned, from its incident and entry', () => {
    expect(created({ sourceEntry: 5 })).toEqual({
      id: 'fu_0000000000000001',
      incident: 7,
      title: 'Alert on checkout error rate',
      owner: 'priya',
      due: '2026-06-20',
      priority: 'P2',
      state: 'open',
      reason: null,
      sourceEntry: 5,
      version: 1,
      createdBy: 'alex',
      createdAt: NOW,
      updatedAt: NOW,
      closedAt: null,
      closedBy: null,
    });
  });

  it('accepts today as the due date and refuses a day already gone', () => {
    expect(created({ due: '2026-06-06' }).due).toBe('2026-06-06');
    const e = refusal(() => created({ due: '2026-06-05' }));
    expect([e.code, e.details?.field]).toEqual(['VALIDATION_FAILED', 'due']);
    expect(e.message).toContain('2026-06-06');
  });

  it.each([['2026-02-30'], ['20260620'], ['2026-06-20T00:00:00Z'], ['']])('refuses %j as a due date', (due) => {
    expect(refusal(() => created({ due })).details?.field).toBe('due');
  });

  it('refuses an empty or overlong title, an unknown priority', () => {
    expect(refusal(() => created({ title: '   ' })).details?.field).toBe('title');
    expect(refusal(() => created({ title: 'x'.repeat(201) })).details?.field).toBe('title');
    expect(refusal(() => created({ priority: 'P0' })).details?.field).toBe('priority');
    expect(created({ priority: 'P1' }).priority).toBe('P1');
  });

  it('needs an owner who is here and may close it', () => {
    expect(refusal(() => decideCreate({ title: 't', owner: 'nobody', due: '2026-06-20' }, { ...context, owner: null })).code).toBe('UNKNOWN_PERSON');
    expect(refusal(() => decideCreate({ title: 't', owner: 'gone', due: '2026-06-20' }, { ...context, owner: person('gone', 'responder', NOW) })).code).toBe(
      'PERSON_DEACTIVATED',
    );
    const viewer = refusal(() => decideCreate({ title: 't', owner: 'vic', due: '2026-06-20' }, { ...context, owner: person('vic', 'viewer') }));
    expect([viewer.code, viewer.details?.field]).toEqual(['PERSON_CANNOT_RESPOND', 'owner']);
  });

  it('refuses a source entry the incident does not have', () => {
    expect(refusal(() => created({ sourceEntry: 13 })).code).toBe('ENTRY_NOT_FOUND');
    expect(refusal(() => created({ sourceEntry: 0 })).code).toBe('ENTRY_NOT_FOUND');
  });
});

describe('changing a follow-up', () => {
  const later = '2026-06-10T09:00:00.000Z';
  const ctx = { actor: 'priya', now: later, owner: null };

  it('marks it done, recording who and when, once', () => {
    const done = decidePatch(created(), { state: 'done' }, ctx);
    expect(done).toMatchObject({ state: 'done', closedAt: later, closedBy: 'priya', version: 2, updatedAt: later, reason: null });
    expect(refusal(() => decidePatch(done, { state: 'done' }, ctx)).code).toBe('FOLLOW_UP_TRANSITION');
  });

  it("won't do needs a reason, and a reason needs won't do", () => {
    const e = refusal(() => decidePatch(created(), { state: 'wont_do' }, ctx));
    expect([e.code, e.details?.field]).toEqual(['VALIDATION_FAILED', 'reason']);
    expect(decidePatch(created(), { state: 'wont_do', reason: 'Replaced by the new queue' }, ctx)).toMatchObject({ state: 'wont_do', reason: 'Replaced by the new queue' });
    expect(refusal(() => decidePatch(created(), { reason: 'why' }, ctx)).details?.field).toBe('reason');
  });

  it('a closed item is reopened before it changes; done cannot become won\'t do directly', () => {
    const done = decidePatch(created(), { state: 'done' }, ctx);
    expect(refusal(() => decidePatch(done, { title: 'Another' }, ctx)).code).toBe('FOLLOW_UP_CLOSED');
    expect(refusal(() => decideTransition(done, 'wont_do', { ...ctx, reason: 'x' })).code).toBe('FOLLOW_UP_TRANSITION');
    const reopened = decidePatch(done, { state: 'open', due: '2026-06-30', priority: 'P1' }, ctx);
    expect(reopened).toMatchObject({ state: 'open', closedAt: null, closedBy: null, due: '2026-06-30', priority: 'P1', version: 3 });
  });

  it('edits and closes in one change, moving the version once; nothing changed moves nothing', () => {
    const item = created();
    const moved = decidePatch(item, { owner: 'sam', state: 'done' }, { ...ctx, owner: person('sam') });
    expect(moved).toMatchObject({ owner: 'sam', state: 'done', version: 2 });
    expect(decidePatch(item, { title: 'Alert on checkout error rate', due: '2026-06-20' }, ctx)).toBe(item);
  });

  it('keeps a due date already past as it is, but will not move one into the past', () => {
    const item = created();
    const late = '2026-06-25T00:00:00.000Z';
    expect(decidePatch(item, { due: '2026-06-20', priority: 'P3' }, { ...ctx, now: late }).priority).toBe('P3');
    expect(refusal(() => decidePatch(item, { due: '2026-06-21' }, { ...ctx, now: late })).details?.field).toBe('due');
  });
});

describe('overdue and reminders', () => {
  const item = created();
  const none = { dueRemindedFor: null, overdueRemindedFor: null };

  it('is overdue from the start of the day after its due date, while open', () => {
    expect(isOverdue(item, '2026-06-20T23:59:59.999Z')).toBe(false);
    expect(isOverdue(item, '2026-06-21T00:00:00.000Z')).toBe(true);
    expect(isOverdue({ ...item, state: 'done' }, '2026-06-25T00:00:00.000Z')).toBe(false);
  });

  it('owes the due reminder on its day, the overdue one after, each once per due date', () => {
    expect(reminderOwed(item, none, '2026-06-19T23:59:00.000Z')).toBeNull();
    expect(nextReminderAt(item, none)).toBe('2026-06-20T00:00:00.000Z');
    expect(reminderOwed(item, none, '2026-06-20T00:00:00.000Z')).toBe('due');
    const sentDue = { ...none, dueRemindedFor: '2026-06-20' };
    expect(reminderOwed(item, sentDue, '2026-06-20T12:00:00.000Z')).toBeNull();
    expect(nextReminderAt(item, sentDue)).toBe('2026-06-21T00:00:00.000Z');
    expect(reminderOwed(item, sentDue, '2026-06-21T00:00:00.000Z')).toBe('overdue');
    const sentBoth = { ...sentDue, overdueRemindedFor: '2026-06-20' };
    expect(reminderOwed(item, sentBoth, '2026-07-01T00:00:00.000Z')).toBeNull();
    expect(nextReminderAt(item, sentBoth)).toBeNull();
  });

  it('found already overdue, it owes only the overdue reminder; a new due date earns new ones; closed owes none', () => {
    expect(reminderOwed(item, none, '2026-06-22T00:00:00.000Z')).toBe('overdue');
    const sent = { dueRemindedFor: '2026-06-20', overdueRemindedFor: '2026-06-20' };
    expect(nextReminderAt({ ...item, due: '2026-06-30' }, sent)).toBe('2026-06-30T00:00:00.000Z');
    expect(reminderOwed({ ...item, state: 'done' }, none, '2026-06-22T00:00:00.000Z')).toBeNull();
    expect(nextReminderAt({ ...item, state: 'wont_do' }, none)).toBeNull();
  });
});
