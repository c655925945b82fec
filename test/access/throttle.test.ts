import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, expectError } from '../api/helpers.js';
import { noteRefusal, retryAfter, DEFAULT_THROTTLE } from '../../src/domain/sessions/throttle.js';

describe('throttle rules', () => {
  it('given nine refusals in a window, the tenth blocks; the block ends after blockMs; a new window is a new burst', () => {
    let state;
    const reports: (string | null)[] = [];
    for (let i = 0; i < 10; i++) {
      const step = noteRefusal(state, 1000 + i, DEFAULT_THROTTLE);
      state = step.attempts;
      reports.push(step.report);
    }
    expect(reports).toEqual(['burst', null, null, null, null, null, null, null, null, 'blocked']);
    expect(retryAfter(state, 1009)).toBe(300);
    expect(retryAfter(state, 1009 + DEFAULT_THROTTLE.blockMs)).toBeNull();
    expect(noteRefusal(state, 1000 + DEFAULT_THROTTLE.windowMs, DEFAULT_THROTTLE).report).toBe('burst');
  });
});

describe.each(STORE_KINDS)('refused credentials are throttled per client address (%s)', (kind) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await testApp(kind);
  });
  afterEach(() => t.close());

  const bearer = (token: string, ip = '127.0.0.1') => t.app.inject({ method: 'GET', url: `${API}/incidents`, headers: { authorization: `Bearer ${token}` }, remoteAddress: ip });

  it('bearer guesses: 401 nine times, then 429 with Retry-After, even for a good token from that address; other addresses go on', async () => {
    for (let i = 0; i < 9; i++) expectError(await bearer(`ic_guess_${i}`), 401, 'UNAUTHENTICATED');
    expectError(await bearer('ic_guess_9'), 401, 'UNAUTHENTICATED');
    const blocked = await bearer(ADMIN_TOKEN);
    expectError(blocked, 429, 'RATE_LIMITED');
    expect(Number(blocked.headers['retry-after'])).toBe(300);
    expect((await bearer(ADMIN_TOKEN, '10.0.0.7')).statusCode).toBe(200);
    // Logged once per burst: the first refusal and the block, not every try.
    const read = await t.app.inject({ method: 'GET', url: `${API}/audit?action=auth`, headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, remoteAddress: '10.9.9.9' });
    const log = read.json().entries;
    expect(log.map((e: { action: string; after: { failures: number } }) => [e.action, e.after.failures])).toEqual([
      ['auth.throttled', 10],
      ['auth.refused', 1],
    ]);
    t.clock.advance(300_000);
    expect((await bearer(ADMIN_TOKEN)).statusCode).toBe(200);
  });

  it('console sign-in guesses are throttled the same way', async () => {
    const signIn = (token: string) => t.app.inject({ method: 'POST', url: `${API}/session`, payload: { token }, remoteAddress: '10.1.2.3' });
    for (let i = 0; i < 10; i++) expectError(await signIn(`ic_guess_${i}`), 401, 'UNAUTHENTICATED');
    const blocked = await signIn(ADMIN_TOKEN);
    expectError(blocked, 429, 'RATE_LIMITED');
    expect(blocked.headers['retry-after']).toBeDefined();
  });
});
