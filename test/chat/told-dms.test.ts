/**
 * Who is told, by chat DM (issue 15, item 1): with Slack on, those paged on declaring and
 * those named to a role get the told e-mail's notice as a direct message, through the
 * durable chat queue; someone with no chat user gets none, and an offer of IC is left to
 * the handoff offer's own DM.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../support/harness.js';
import { slackApp, type SlackApp } from '../support/slack-app.js';

const API = '/api/v1';
const PEOPLE = { ivy: 'UIVY0001', ana: 'UANA0001', dana: 'UDANA001' } as const;
const level = (id: string, page: string[]) => ({ id, name: id, impact: 'Some users', response: `${id} response`, updateEvery: '30m', audience: 'internal', roles: 'combined', postmortem: 'optional', page });

describe.each(STORE_KINDS)('Who is told, by chat DM (%s)', (kind) => {
  let s: SlackApp;

  beforeEach(async () => {
    s = await slackApp(kind, { groups: { leadership: ['ana', 'raj'] }, severities: [level('SEV1', ['group:leadership']), level('SEV2', [])] }, { startAt: '2026-06-06T14:14:00.000Z' });
    for (const [handle, slack] of Object.entries(PEOPLE)) expect((await s.api('POST', `${API}/people`, { handle, name: handle, role: 'responder', chat: { slack } })).statusCode).toBe(201);
    // raj has no chat user (and no e-mail to find one by).
    expect((await s.api('POST', `${API}/people`, { handle: 'raj', name: 'raj', role: 'responder' })).statusCode).toBe(201);
  });
  afterEach(async () => {
    expect(s.slack.violations).toEqual([]);
    await s.close();
  });

  const dms = (user: string) => [...s.slack.channels.values()].filter((c) => c.id.startsWith('D') && c.members.includes(user)).flatMap((c) => c.messages.map((m) => m.text as string));

  it('declaring a SEV1 DMs leadership and the IC named; an SME pulled in is told what is asked of them', async () => {
    const declared = await s.api('POST', `${API}/incidents`, { title: 'Checkout errors', severity: 'SEV1', commander: 'ivy' });
    expect(declared.statusCode, declared.body).toBe(201);
    const id = (declared.json() as { id: string }).id;
    await s.settle();
    expect(dms(PEOPLE.ana)).toEqual([expect.stringContaining(`[SEV1] ${id} Checkout errors\nThis incident was declared at SEV1. You are on the SEV1 page list (group leadership).`)]);
    expect(dms(PEOPLE.ivy)).toEqual([expect.stringContaining('You are named Incident Commander.')]);
    expect(dms(PEOPLE.ana)[0]).toContain(`/incidents/${id}`);

    expect((await s.api('POST', `${API}/incidents/${id}/smes`, { person: 'dana', specialty: 'payments' })).statusCode).toBe(200);
    await s.settle();
    expect(dms(PEOPLE.dana)).toEqual([expect.stringContaining('You are pulled in as Subject-Matter Expert (payments).\nWhat is asked of you: You are pulled in to fix things.')]);
  });
});
