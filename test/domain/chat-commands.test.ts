/** Reading `/incident …` (src/domain/chat/commands.ts), pure. */
import { describe, expect, it } from 'vitest';
import { messageTime, parseChatCommand } from '../../src/domain/chat/commands.js';

describe('parseChatCommand', () => {
  it('opens the declare form alone or with `declare`, declares at once with a severity and a title', () => {
    expect(parseChatCommand('')).toEqual({ kind: 'declare_form' });
    expect(parseChatCommand('declare')).toEqual({ kind: 'declare_form' });
    expect(parseChatCommand('declare sev2 Checkout errors')).toEqual({ kind: 'declare', severity: 'SEV2', title: 'Checkout errors' });
    expect(parseChatCommand('declare SEV2').kind).toBe('help');
  });

  it('names people by mention or @handle', () => {
    expect(parseChatCommand('role ic <@U012AB3CD|alice>')).toEqual({ kind: 'role', role: 'incident_commander', person: { user: 'U012AB3CD' } });
    expect(parseChatCommand('role comms @bob')).toEqual({ kind: 'role', role: 'comms_lead', person: { handle: 'bob' } });
    expect(parseChatCommand('role boss @bob').kind).toBe('help');
    expect(parseChatCommand('sme <@U1AB> payments db')).toEqual({ kind: 'sme', person: { user: 'U1AB' }, specialty: 'payments db' });
    expect(parseChatCommand('postmortem @alice 2026-06-08T10:00Z')).toEqual({ kind: 'postmortem', owner: { handle: 'alice' }, when: '2026-06-08T10:00Z' });
  });

  it('records the six entry kinds; severity takes a reason; anything else is help naming the problem', () => {
    expect(parseChatCommand('ruled-out  DNS is fine')).toEqual({ kind: 'entry', entry: 'ruled_out', text: 'DNS is fine' });
    expect(parseChatCommand('severity SEV1 All regions')).toEqual({ kind: 'severity', severity: 'SEV1', reason: 'All regions' });
    expect(parseChatCommand('severity SEV1').kind).toBe('help');
    expect(parseChatCommand('note').kind).toBe('help');
    expect(parseChatCommand('dance')).toEqual({ kind: 'help', problem: '"dance" is not a command here.' });
    expect(parseChatCommand('help')).toEqual({ kind: 'help', problem: null });
  });

  it('records a finding, addressed to the IC by the timeline rule', () => {
    expect(parseChatCommand('finding Batch job holds the orders lock')).toEqual({ kind: 'entry', entry: 'finding', text: 'Batch job holds the orders lock' });
    expect(parseChatCommand('finding')).toEqual({ kind: 'help', problem: 'finding takes the text to record.' });
  });

  it('creates a task with its owner last (the asker without one), changes its state by id', () => {
    expect(parseChatCommand('task Check the batch job @dana')).toEqual({ kind: 'task', title: 'Check the batch job', owner: { handle: 'dana' } });
    expect(parseChatCommand('task Ask <@U1AB|bob> about @carol <@U2CD>')).toEqual({ kind: 'task', title: 'Ask <@U1AB|bob> about @carol', owner: { user: 'U2CD' } });
    expect(parseChatCommand('task Roll back checkout')).toEqual({ kind: 'task', title: 'Roll back checkout', owner: null });
    expect(parseChatCommand('task done t12')).toEqual({ kind: 'task_state', task: 't12', state: 'done', reason: null });
    expect(parseChatCommand('task done 7')).toEqual({ kind: 'task_state', task: 't7', state: 'done', reason: null });
    expect(parseChatCommand('task BLOCKED T3 Waiting on DBA access')).toEqual({ kind: 'task_state', task: 't3', state: 'blocked', reason: 'Waiting on DBA access' });
    expect(parseChatCommand('tasks')).toEqual({ kind: 'tasks' });
  });

  it('answers a malformed task verb with help naming what is wrong', () => {
    expect(parseChatCommand('task').kind).toBe('help');
    expect(parseChatCommand('task @dana')).toMatchObject({ kind: 'help', problem: expect.stringMatching(/^task takes a title/) });
    expect(parseChatCommand('task Check it @Dana!')).toMatchObject({ kind: 'help', problem: expect.stringContaining('"@Dana!" is not a person') });
    expect(parseChatCommand('task done')).toMatchObject({ kind: 'help', problem: expect.stringContaining('task done takes the task') });
    expect(parseChatCommand('task done the migration')).toMatchObject({ kind: 'help', problem: expect.stringContaining('"the" is not a task; they look like t12') });
    expect(parseChatCommand('task done t0')).toMatchObject({ kind: 'help', problem: expect.stringContaining('"t0" is not a task') });
    expect(parseChatCommand('task done t12 finally')).toMatchObject({ kind: 'help', problem: expect.stringContaining('task done takes only the task') });
    expect(parseChatCommand('task blocked t12')).toMatchObject({ kind: 'help', problem: expect.stringContaining('what blocks it') });
    expect(parseChatCommand('tasks all')).toMatchObject({ kind: 'help', problem: expect.stringContaining('tasks takes nothing') });
  });

  it('lists changes, suspects one by id, reopens with a reason; each refuses what it cannot read', () => {
    expect(parseChatCommand('changes')).toEqual({ kind: 'changes' });
    expect(parseChatCommand('changes today')).toMatchObject({ kind: 'help', problem: expect.stringContaining('changes takes nothing') });
    expect(parseChatCommand('suspect chg_1a2b3c4d5e6f7a8b')).toEqual({ kind: 'suspect', change: 'chg_1a2b3c4d5e6f7a8b' });
    expect(parseChatCommand('suspect')).toMatchObject({ kind: 'help', problem: expect.stringContaining('suspect takes one change') });
    expect(parseChatCommand('suspect the deploy')).toMatchObject({ kind: 'help', problem: expect.stringContaining('suspect takes one change') });
    expect(parseChatCommand('reopen Errors are back since 15:10')).toEqual({ kind: 'reopen', reason: 'Errors are back since 15:10' });
    expect(parseChatCommand('reopen')).toMatchObject({ kind: 'help', problem: expect.stringContaining('reopen takes why') });
  });

  it("reads a message's time from its Slack ts", () => {
    expect(messageTime('1780755240.000200')).toBe('2026-06-06T14:14:00.000Z');
    expect(messageTime('nope')).toBeNull();
  });
});
