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

  it("reads a message's time from its Slack ts", () => {
    expect(messageTime('1780755240.000200')).toBe('2026-06-06T14:14:00.000Z');
    expect(messageTime('nope')).toBeNull();
  });
});
