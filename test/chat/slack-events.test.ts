/**
 * POST /slack/events: signed requests only, answered at once; slash commands, modals, the
 * IC handoff by button and the Scribe's capture run the same commands as the API.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../support/harness.js';
import { slackApp, type SlackApp } from '../support/slack-app.js';

const API = '/api/v1';

describe.each(STORE_KINDS)('POST /slack/events (%s)', (kind) => {
  let s: SlackApp;

  beforeEach(async () => {
    s = await slackApp(kind);
    for (const [handle, role, slack] of [['alice', 'responder', 'UALICE01'], ['bob', 'responder', 'UBOB0001'], ['vera', 'viewer', 'UVERA001']] as const) {
      const res = await s.api('POST', `${API}/people`, { handle, name: handle, role, chat: { slack } });
      expect(res.statusCode, res.body).toBe(201);
    }
    await s.api('POST', `${API}/people`, { handle: 'carol', name: 'Carol', role: 'responder', email: 'carol@example.com' });
    s.slack.users.set('UCAROL01', 'carol@example.com');
  });
  afterEach(async () => {
    expect(s.slack.violations).toEqual([]);
    await s.close();
  });

  it('refuses a forged, a stale or an unsigned request before reading it; answers the URL check', async () => {
    const body = 'command=%2Fincident&text=declare+SEV1+x&user_id=UALICE01&channel_id=C1&trigger_id=t1';
    const form = 'application/x-www-form-urlencoded';
    expect((await s.send(body, form, { secret: 'wrong' })).statusCode).toBe(401);
    const stale = Math.floor(s.clock.now().getTime() / 1000) - 6 * 60;
    expect((await s.send(body, form, { timestamp: stale })).statusCode).toBe(401);
    const ahead = Math.floor(s.clock.now().getTime() / 1000) + 6 * 60;
    expect((await s.send(body, form, { timestamp: ahead })).statusCode).toBe(401);
    const unsigned = await s.app.inject({ method: 'POST', url: '/slack/events', payload: body, headers: { 'content-type': form } });
    expect(unsigned.statusCode).toBe(401);
    await s.settle();
    expect((await s.api('GET', `${API}/incidents`)).json()).toHaveLength(0);
    const check = await s.send(JSON.stringify({ type: 'url_verification', challenge: 'abc' }), 'application/json');
    expect(check.json()).toEqual({ challenge: 'abc' });
  });

  it('declares from a slash command, answered at once; the room opens; a stranger and a viewer change nothing', async () => {
    const res = await s.command('UALICE01', 'CGENERAL', 'declare SEV2 Checkout errors');
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('');
    await s.command('UNOBODY1', 'CGENERAL', 'declare SEV1 Nope');
    await s.command('UVERA001', 'CGENERAL', 'declare SEV1 Nope');
    await s.settle();
    const room = [...s.slack.channels.values()].find((c) => c.name.startsWith('inc-'))!;
    expect(room.name).toMatch(/checkout-errors$/);
    expect(room.members).toContain('UALICE01');
    expect(s.slack.ephemerals.find((e) => e.user === 'UALICE01')!.text).toMatch(/Declared INC-1/);
    expect(s.slack.ephemerals.find((e) => e.user === 'UNOBODY1')!.text).toMatch(/ask an admin/);
    expect(s.slack.ephemerals.find((e) => e.user === 'UVERA001')!.text).toMatch(/Not done/);
    const incidents = await s.api('GET', `${API}/incidents`);
    expect(JSON.stringify(incidents.json())).not.toContain('Nope');
  });

  it("acknowledges first and answers after the work through the request's response_url; a lapsed one falls back to the channel; a form opened too late says how to ask again", async () => {
    // Slack slow to take answers: the request is acknowledged long before its answer can arrive.
    s.slack.delayMs = 1000;
    const res = await s.command('UALICE01', 'CGENERAL', 'declare SEV2 Checkout errors');
    expect([res.statusCode, res.body]).toEqual([200, '']);
    expect(s.slack.ephemerals).toEqual([]);
    await s.settle();
    s.slack.delayMs = 0;
    // The app is not in #general: the answer goes back through Slack's answer address.
    expect(s.slack.ephemerals).toEqual([{ channel: 'CGENERAL', user: 'UALICE01', text: expect.stringMatching(/^Declared INC-1/), via: 'response_url' }]);
    expect(s.slack.calls.filter((c) => c.method === 'chat.postEphemeral')).toEqual([]);

    const room = [...s.slack.channels.values()].find((c) => c.name.startsWith('inc-'))!;
    await s.command('UALICE01', room.id, 'status', { responseUrl: s.slack.responseUrl('UALICE01', room.id, -1) });
    await s.settle();
    expect(s.slack.ephemerals.at(-1)).toEqual({ channel: room.id, user: 'UALICE01', text: expect.stringMatching(/IC <@UALICE01>/), via: 'chat.postEphemeral' });

    s.slack.triggersExpired = true;
    await s.command('UALICE01', room.id, 'update');
    await s.settle();
    expect(s.slack.views).toEqual([]);
    expect(s.slack.ephemerals.at(-1)).toMatchObject({ user: 'UALICE01', text: 'The form did not open (expired_trigger_id); run `/incident update` again.', via: 'response_url' });
  });

  it('runs the incident from its channel: roles, the IC offer accepted by button, SME, notes, an update by modal, status', async () => {
    await s.command('UALICE01', 'CGENERAL', 'declare SEV2 Checkout errors');
    await s.settle();
    const room = [...s.slack.channels.values()].find((c) => c.name.startsWith('inc-'))!;
    await s.command('UALICE01', room.id, 'role comms <@UBOB0001|bob>');
    await s.command('UALICE01', room.id, 'sme <@UCAROL01> payments');
    await s.command('UALICE01', room.id, 'hypothesis The payments client deploy at 14:02');
    await s.command('UALICE01', room.id, 'role ic @bob');
    await s.settle();
    const dm = [...s.slack.channels.values()].find((c) => c.id.startsWith('D') && c.members.includes('UBOB0001'))!;
    // Bob was told first that he is the Comms Lead (a role's notice by DM); the IC offer is the message with buttons.
    type Blocks = { type: string; elements?: { action_id: string; value: string }[] }[];
    const offer = dm.messages.find((m) => ((m.blocks ?? []) as Blocks).some((b) => b.type === 'actions'))!;
    const accept = (offer.blocks as Blocks).find((b) => b.type === 'actions')!.elements![0]!;
    await s.interaction({ type: 'block_actions', user: { id: 'UBOB0001' }, actions: [{ action_id: accept.action_id, value: accept.value }] });
    await s.command('UBOB0001', room.id, 'update');
    await s.settle();
    const view = s.slack.views.at(-1) as { callback_id: string; private_metadata: string; blocks: { block_id: string; element: { initial_value?: string } }[] };
    expect(view.callback_id).toBe('update');
    expect(view.blocks.find((b) => b.block_id === 'nextUpdateBy')!.element.initial_value).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\dZ$/);
    await s.interaction({
      type: 'view_submission',
      user: { id: 'UBOB0001' },
      view: {
        id: 'V1', hash: 'h1', callback_id: 'update', private_metadata: view.private_metadata,
        state: { values: { status: { status: { selected_option: { value: 'identified' } } }, impact: { impact: { value: 'Checkout fails for 30%' } }, whatWeKnow: { whatWeKnow: { value: 'Bad deploy' } }, nextStep: { nextStep: { value: 'Roll back' } }, audience: { audience: { selected_option: { value: 'public' } } } } },
      },
    });
    await s.command('UBOB0001', room.id, 'status');
    await s.settle();
    const incident = (await s.api('GET', `${API}/incidents/INC-1`)).json();
    expect(incident.roles).toEqual({ incident_commander: 'bob', comms_lead: 'bob', scribe: null });
    expect(incident.smes).toEqual([{ person: 'carol', specialty: 'payments' }]);
    expect(incident.lastUpdate.impact).toBe('Checkout fails for 30%');
    expect(room.members).toEqual(expect.arrayContaining(['UALICE01', 'UBOB0001', 'UCAROL01']));
    expect(s.slack.ephemerals.at(-1)!.text).toMatch(/IC <@UBOB0001>/);
    const texts = s.slack.texts(room.id);
    expect(texts.some((t) => t.includes('Impact: Checkout fails for 30%'))).toBe(true);
    expect(room.topic).toMatch(/IC <@UBOB0001>/);
  });

  it('keeps the work straight from the channel: a finding for the IC, tasks done and blocked, the changes and a suspect, a reopen', async () => {
    await s.command('UALICE01', 'CGENERAL', 'declare SEV2 Checkout errors');
    await s.settle();
    const room = [...s.slack.channels.values()].find((c) => c.name.startsWith('inc-'))!;
    const said = (user: string) => s.slack.ephemerals.filter((e) => e.user === user).at(-1)!.text;
    const change = (await s.api('POST', `${API}/changes`, { payload: { summary: 'Nightly orders batch job started', source: 'cron@batch-01' }, kind: 'batch-job' })).json().change;

    await s.command('UBOB0001', room.id, 'finding The batch job holds the orders lock');
    await s.command('UALICE01', room.id, 'task Stop the batch job <@UBOB0001|bob>');
    await s.command('UALICE01', room.id, 'task Ask the DBA for access');
    await s.settle();
    const tasks = (await s.api('GET', `${API}/incidents/INC-1`)).json().tasks as { id: string; title: string; owner: string }[];
    const stop = tasks.find((t) => t.owner === 'bob')!;
    const ask = tasks.find((t) => t.owner === 'alice')!;
    expect(said('UALICE01')).toBe(`Task ${ask.id} for @alice: Ask the DBA for access`);
    // The number alone names the task as well as its id does.
    await s.command('UBOB0001', room.id, `task done ${stop.id.slice(1)}`);
    await s.command('UALICE01', room.id, `task blocked ${ask.id} Waiting on DBA access`);
    await s.command('UVERA001', room.id, `task done ${ask.id}`);
    await s.settle();
    expect(said('UVERA001')).toMatch(/^Not done/);
    await s.command('UALICE01', room.id, 'tasks');
    await s.settle();
    expect(said('UALICE01')).toBe(`INC-1 tasks (blocked first):\n${ask.id} · @alice · Ask the DBA for access — *blocked*: Waiting on DBA access`);
    await s.command('UALICE01', room.id, 'changes');
    await s.settle();
    expect(said('UALICE01')).toContain(`${change.id} · batch job at `);
    expect(said('UALICE01')).toContain(', from cron@batch-01: Nightly orders batch job started (during)');
    await s.command('UALICE01', room.id, `suspect ${change.id}`);
    await s.command('UALICE01', room.id, 'task done t99');
    await s.settle();
    expect(said('UALICE01')).toBe('Not done: INC-1 has no task t99.');

    await s.api('POST', `${API}/incidents/INC-1/resolve`, { impact: 'None now', whatWeKnow: 'Batch job stopped' });
    await s.command('UALICE01', room.id, 'reopen Errors are back since the job restarted');
    await s.settle();
    expect(said('UALICE01')).toBe('INC-1 reopened.');

    const incident = (await s.api('GET', `${API}/incidents/INC-1`)).json();
    expect(incident.status).not.toBe('resolved');
    expect(incident.tasks.map((t: { id: string; state: string }) => [t.id, t.state])).toEqual([[ask.id, 'blocked'], [stop.id, 'done']]);
    const timeline = (await s.api('GET', `${API}/incidents/INC-1/timeline`)).json() as { kind: string; text: string; to?: string }[];
    expect(timeline.find((e) => e.kind === 'finding')).toMatchObject({ text: 'The batch job holds the orders lock', to: 'alice' });
    expect(timeline.find((e) => e.kind === 'hypothesis')!.text).toMatch(/^Suspect batch job at .*Nightly orders batch job started$/);
  });

  it("captures a message by reaction or shortcut, with its author and its own time, once per event id", async () => {
    await s.command('UALICE01', 'CGENERAL', 'declare SEV2 Checkout errors');
    await s.settle();
    const room = [...s.slack.channels.values()].find((c) => c.name.startsWith('inc-'))!;
    const postedAt = s.clock.now().getTime() - 60_000;
    const ts = s.slack.userMessage(room.id, 'UCAROL01', 'Payments 5xx began at 14:02', postedAt);
    const reaction = { type: 'reaction_added', user: 'UALICE01', reaction: 'pushpin', item: { type: 'message', channel: room.id, ts } };
    expect((await s.event('Ev1', reaction)).statusCode).toBe(200);
    expect((await s.event('Ev1', reaction, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' })).statusCode).toBe(200);
    await s.event('Ev2', { ...reaction, reaction: 'bulb' });
    await s.event('Ev3', { type: 'reaction_removed', user: 'UALICE01', reaction: 'pushpin', item: { type: 'message', channel: room.id, ts } });
    await s.interaction({ type: 'message_action', callback_id: 'add_to_timeline', user: { id: 'UALICE01' }, channel: { id: room.id }, message: { ts, user: 'UCAROL01', text: 'Payments 5xx began at 14:02' } });
    await s.settle();
    const timeline = (await s.api('GET', `${API}/incidents/INC-1/timeline`)).json();
    const entries = timeline.filter((e: { text: string }) => e.text.includes('Payments 5xx'));
    // Removing the reaction deleted nothing (R9); the retry added nothing.
    expect(entries.map((e: { kind: string }) => e.kind).sort()).toEqual(['hypothesis', 'note', 'note']);
    for (const entry of entries) {
      expect(entry.text).toContain('@carol');
      expect(Date.parse(entry.at)).toBe(Math.floor(postedAt / 1000) * 1000);
    }
  });
});
