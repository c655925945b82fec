/** What a submitted declare / update / resolve form must hold (src/domain/chat/form-check.ts), pure. */
import { describe, expect, it } from 'vitest';
import { checkChatForm } from '../../src/domain/chat/form-check.js';

const LEVELS = ['SEV1', 'SEV2', 'SEV3'];

describe('checkChatForm', () => {
  it('declare: a title and one of the policy\'s severities', () => {
    expect(checkChatForm('declare', { title: 'Checkout errors', severity: 'SEV2' }, LEVELS)).toEqual({});
    expect(checkChatForm('declare', { title: '  ', severity: 'SEV4' }, LEVELS)).toEqual({ title: 'A title is required.', severity: 'Choose one of SEV1, SEV2, SEV3.' });
    expect(checkChatForm('declare', {}, LEVELS)).toEqual({ title: 'A title is required.', severity: 'Choose one of SEV1, SEV2, SEV3.' });
  });

  it('update: a status, impact and what we know; a next update time that reads as one; an audience of two', () => {
    const update = { status: 'identified', impact: 'Checkout fails', whatWeKnow: 'The pool is exhausted' };
    expect(checkChatForm('update', update, LEVELS)).toEqual({});
    expect(checkChatForm('update', { ...update, nextUpdateBy: '2026-06-06T15:30Z', audience: 'internal' }, LEVELS)).toEqual({});
    expect(checkChatForm('update', { ...update, status: 'resolved' }, LEVELS)).toEqual({ status: 'Choose one of investigating, identified, monitoring.' });
    expect(checkChatForm('update', { ...update, nextUpdateBy: 'soon' }, LEVELS)).toEqual({ nextUpdateBy: '"soon" is not a time; write it as 2026-06-06T15:30Z.' });
    expect(checkChatForm('update', { status: 'identified', audience: 'everyone' }, LEVELS)).toEqual({
      impact: 'Impact is required.',
      whatWeKnow: 'What we know is required.',
      audience: 'Choose public or internal.',
    });
  });

  it('resolve: no status asked, impact and what we know still are', () => {
    expect(checkChatForm('resolve', { impact: 'None now', whatWeKnow: 'Throttled' }, LEVELS)).toEqual({});
    expect(checkChatForm('resolve', { impact: 'None now' }, LEVELS)).toEqual({ whatWeKnow: 'What we know is required.' });
  });
});
