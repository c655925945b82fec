/**
 * The seed's checkout incident, run from Slack alone: Dana (on call) declares a SEV2 and
 * hands IC to Alex, who accepts by button; Alex names Priya Comms Lead, Sam Scribe, Dana and
 * Lee SMEs; Sam captures what people say by reaction; Priya posts two updates, the second
 * after an overdue reminder reached the channel; Alex resolves and owns the postmortem.
 * Then the incident is read over the API and the channel's messages are checked in order.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../support/harness.js';
import { slackApp, type SlackApp } from '../support/slack-app.js';
import { ReminderScheduler } from '../../src/processors/reminder-scheduler.js';

const API = '/api/v1';
const PEOPLE = { dana: 'UDANA001', alex: 'UALEX001', priya: 'UPRIYA01', sam: 'USAM0001', lee: 'ULEE0001' } as const;
type Handle = keyof typeof PEOPLE;

interface ViewOpened {
  callback_id: string;
  private_metadata: string;
  blocks: { block_id: string; element?: { initial_value?: string } }[];
}

describe.each(STORE_KINDS)("the seed's checkout incident from Slack alone (%s)", (kind) => {
  let s: SlackApp;
  let reminders: ReminderScheduler;

  beforeEach(async () => {
    s = await slackApp(kind, {}, { startAt: '2026-06-06T14:14:00.000Z' });
    for (const [handle, slack] of Object.entries(PEOPLE)) {
      const res = await s.api('POST', `${API}/people`, { handle, name: handle, role: 'responder', chat: { slack } });
      expect(res.statusCode, res.body).toBe(201);
    }
    reminders = new ReminderScheduler({ store: s.store, config: s.config, clock: s.clock, instance: 'e2e' });
  });
  afterEach(async () => {
    expect(s.slack.violations).toEqual([]);
    await s.close();
  });

  const at = async (iso: string) => {
    s.clock.set(iso);
    await reminders.tick();
    await s.settle();
  };
  const command = async (who: Handle, channel: string, text: string) => {
    const res = await s.command(PEOPLE[who], channel, text);
    // Answered at once with an empty 200: the work happens after.
    expect([res.statusCode, res.body]).toEqual([200, '']);
    await s.settle();
  };
  /** Someone says something in the room and Sam reacts to it. */
  const captured = async (room: string, who: Handle, text: string, reaction: string) => {
    const ts = s.slack.userMessage(room, PEOPLE[who], text, s.clock.now().getTime());
    await s.event(`Ev.${ts}`, { type: 'reaction_added', user: PEOPLE.sam, reaction, item: { type: 'message', channel: room, ts } });
    await s.settle();
  };
  /** Opens the update (or resolve) modal with the command and submits it as filled in. */
  const form = async (who: Handle, room: string, text: 'update' | 'resolve', values: Record<string, string>) => {
    await command(who, room, text);
    const view = s.slack.views.at(-1) as ViewOpened;
    expect(view.callback_id).toBe(text);
    const state = Object.fromEntries(
      Object.entries(values).map(([field, value]) => [field, { [field]: ['status', 'audience'].includes(field) ? { selected_option: { value } } : { value } }]),
    );
    const res = await s.interaction({ type: 'view_submission', user: { id: PEOPLE[who] }, view: { id: `V.${text}`, hash: `h.${s.clock.now().getTime()}`, callback_id: text, private_metadata: view.private_metadata, state: { values: state } } });
    expect(res.statusCode).toBe(200);
    await s.settle();
    return view;
  };

  it('declare, IC handoff by button, roles, SMEs, capture by reaction, two updates around an overdue reminder, resolve, postmortem owner', async () => {
    // 14:14: Dana, on call, says the words.
    await command('dana', 'CGENERAL', 'declare SEV2 Checkout errors');
    const room = s.slack.channelByName('inc-2026-06-06-checkout-errors')!;
    expect(room).toBeDefined();
    expect(room.members).toEqual([PEOPLE.dana]);
    expect(room.pins).toEqual([room.messages[0]!.ts]);
    expect(room.topic).toBe('SEV2 · IC <@UDANA001> · next update by 14:29 UTC');

    // 14:16: Dana would rather debug: "Alex, can you take IC?" — and gets a yes.
    await at('2026-06-06T14:16:00.000Z');
    await command('dana', room.id, 'role ic <@UALEX001|alex>');
    const dm = [...s.slack.channels.values()].find((c) => c.id.startsWith('D') && c.members.includes(PEOPLE.alex))!;
    const buttons = (dm.messages[0]!.blocks as { type: string; elements?: { action_id: string; value: string }[] }[]).find((b) => b.type === 'actions')!.elements!;
    const accept = buttons.find((b) => b.action_id === 'handoff_accept')!;
    await s.interaction({ type: 'block_actions', user: { id: PEOPLE.alex }, channel: { id: dm.id }, actions: [{ action_id: accept.action_id, value: accept.value }] });
    await s.settle();
    expect(room.topic).toMatch(/^SEV2 · IC <@UALEX001> · /);

    // 14:18: Alex names Comms and Scribe out loud, and pulls in the SMEs.
    await at('2026-06-06T14:18:00.000Z');
    await command('alex', room.id, 'role comms <@UPRIYA01>');
    await command('alex', room.id, 'role scribe <@USAM0001>');
    await command('alex', room.id, 'sme <@UDANA001> payments');
    await command('alex', room.id, 'sme <@ULEE0001> database');
    expect([...room.members].sort()).toEqual(Object.values(PEOPLE).sort());

    // 14:20–14:30: the Scribe captures the fix track as it happens.
    await at('2026-06-06T14:20:00.000Z');
    await captured(room.id, 'dana', 'Checkout 500s began at 14:14, right after the payments deploy', 'pushpin');
    await at('2026-06-06T14:24:00.000Z');
    await captured(room.id, 'lee', 'A batch job has exhausted the DB connection pool', 'bulb');
    await at('2026-06-06T14:27:00.000Z');
    await captured(room.id, 'dana', 'Rolled back the payments deploy; errors continue', 'x');
    await at('2026-06-06T14:30:00.000Z');
    await captured(room.id, 'alex', 'Throttle the batch job and add pool headroom', 'white_check_mark');

    // 14:32: Priya's first update, the seed's, promising the next by 15:00.
    await at('2026-06-06T14:32:00.000Z');
    const first = await form('priya', room.id, 'update', {
      status: 'identified',
      impact: '~30% of checkout attempts failing with a 500 error. Browsing, cart, and account features are unaffected.',
      whatWeKnow: "Errors began at 14:14 after a batch job exhausted the DB connection pool. We're isolating the job now.",
      nextStep: 'Throttle the batch job and add pool headroom.',
      nextUpdateBy: '2026-06-06T15:00Z',
      audience: 'public',
    });
    // The modal offered the SEV2 cadence (an hour) as the next update's time.
    expect(first.blocks.find((b) => b.block_id === 'nextUpdateBy')!.element!.initial_value).toBe('2026-06-06T15:32Z');
    expect(room.topic).toBe('SEV2 · IC <@UALEX001> · next update by 15:00 UTC');

    // 14:55 the update is due soon; 15:00 it is overdue — both in the room, for Priya then Alex.
    await at('2026-06-06T14:55:00.000Z');
    await at('2026-06-06T15:00:00.000Z');

    // 15:03: the second update.
    await at('2026-06-06T15:03:00.000Z');
    await form('priya', room.id, 'update', {
      status: 'monitoring',
      impact: 'Checkout errors are back under 1%.',
      whatWeKnow: 'The batch job is throttled and the pool has headroom.',
      nextStep: 'Watch the error rate for 15 minutes.',
      nextUpdateBy: '2026-06-06T15:30Z',
      audience: 'public',
    });

    // 15:20: healthy; Alex resolves with the final update and takes the postmortem.
    await at('2026-06-06T15:20:00.000Z');
    await form('alex', room.id, 'resolve', { impact: 'None now; checkout has been healthy since 15:05.', whatWeKnow: 'A batch job exhausted the DB connection pool; it is throttled.', audience: 'public' });
    await command('alex', room.id, 'postmortem <@UALEX001> 2026-06-08T10:00Z');

    // Over the API: the incident as Slack made it.
    const incident = (await s.api('GET', `${API}/incidents/INC-1`)).json();

    expect(incident).toMatchObject({
      title: 'Checkout errors',
      severity: 'SEV2',
      status: 'resolved',
      declaredBy: 'dana',
      roles: { incident_commander: 'alex', comms_lead: 'priya', scribe: 'sam' },
      smes: [
        { person: 'dana', specialty: 'payments' },
        { person: 'lee', specialty: 'database' },
      ],
      postmortem: { owner: 'alex', scheduledFor: '2026-06-08T10:00:00.000Z' },
    });
    const timeline = (await s.api('GET', `${API}/incidents/INC-1/timeline`)).json() as { kind: string; text: string; at: string; actor: string }[];
    const manual = timeline.filter((e) => ['note', 'hypothesis', 'ruled_out', 'decision'].includes(e.kind));
    expect(manual.map((e) => [e.kind, e.at, e.actor, e.text])).toEqual([
      ['note', '2026-06-06T14:20:00.000Z', 'sam', '@dana: Checkout 500s began at 14:14, right after the payments deploy'],
      ['hypothesis', '2026-06-06T14:24:00.000Z', 'sam', '@lee: A batch job has exhausted the DB connection pool'],
      ['ruled_out', '2026-06-06T14:27:00.000Z', 'sam', '@dana: Rolled back the payments deploy; errors continue'],
      ['decision', '2026-06-06T14:30:00.000Z', 'sam', '@alex: Throttle the batch job and add pool headroom'],
    ]);
    const updates = (await s.api('GET', `${API}/incidents/INC-1/updates`)).json() as { status: string; postedBy: string }[];
    expect(updates.map((u) => [u.status, u.postedBy])).toEqual([
      ['identified', 'priya'],
      ['monitoring', 'priya'],
      ['resolved', 'alex'],
    ]);

    // The room, in order: what the bot posted, between what people said.
    const bot = room.messages.filter((m) => !m.user);
    const lines = bot.map((m) => m.text);
    const expected: (string | RegExp)[] = [
      // The pinned announcement, edited as the incident went: it shows where it stands now.
      /^INC-1: Checkout errors \(SEV2, Resolved 2026-06-06 15:\d\d UTC\)$/,
      '@dana offered Incident Commander to @alex.',
      '@alex accepted Incident Commander from @dana.',
      '@priya is Comms Lead.',
      '@sam is Scribe.',
      '@dana pulled in as SME (payments).',
      '@lee pulled in as SME (database).',
      '@dana: Checkout 500s began at 14:14, right after the payments deploy',
      // Comms run from minute one: SEV2's first update is due 15 minutes after declaring, and the seed's comes at 14:32.
      'First update due soon: promised by 14:29 UTC (no update yet).',
      'Hypothesis: @lee: A batch job has exhausted the DB connection pool',
      'Ruled out: @dana: Rolled back the payments deploy; errors continue',
      'First update overdue: no update yet, promised by 14:29 UTC.',
      'Decision: @alex: Throttle the batch job and add pool headroom',
      /^\[SEV2\] Checkout errors, UPDATE 14:32 UTC\nStatus: Identified\nImpact: ~30% of checkout/,
      'Update due soon: next update promised by 15:00 UTC (no update since 14:32 UTC).',
      'Update overdue: no update since 14:32 UTC, promised by 15:00 UTC.',
      /^\[SEV2\] Checkout errors, UPDATE 15:03 UTC\nStatus: Monitoring\n/,
      /^\[SEV2\] Checkout errors, UPDATE 15:20 UTC\nStatus: Resolved\n/,
      'Resolved. A postmortem is owed.',
      'Postmortem owned by @alex, scheduled for 2026-06-08 10:00 UTC.',
    ];
    expect(lines).toHaveLength(expected.length);
    expected.forEach((pattern, i) => (typeof pattern === 'string' ? expect(lines[i]).toBe(pattern) : expect(lines[i]).toMatch(pattern)));
    // In the room people are mentioned, a sentence's full stop and all; reminders name whom they are for, the Comms Lead then the IC.
    const said = (i: number) => JSON.stringify(bot[i]!.blocks);
    expect(room.pins).toEqual([bot[0]!.ts]);
    expect(said(0)).toContain('Incident Commander: <@UALEX001>');
    expect(said(0)).toContain('Comms Lead: <@UPRIYA01>');
    expect(said(0)).toContain('SMEs: <@UDANA001> (payments), <@ULEE0001> (database)');
    expect(said(1)).toContain('<@UDANA001> offered Incident Commander to <@UALEX001>.');
    expect(said(2)).toContain('<@UALEX001> accepted Incident Commander from <@UDANA001>.');
    expect(said(9)).toContain('Hypothesis: <@ULEE0001>: A batch job');
    for (const reminder of [8, 11]) expect(said(reminder)).toContain('⏰ <@UPRIYA01> <@UALEX001> First update');
    for (const reminder of [14, 15]) expect(said(reminder)).toContain('⏰ <@UPRIYA01> <@UALEX001> Update');
    // People's own messages stay where they were said, between the bot's.
    expect(room.messages.filter((m) => m.user).map((m) => m.user)).toEqual([PEOPLE.dana, PEOPLE.lee, PEOPLE.dana, PEOPLE.alex]);
    expect(room.topic).toBe('SEV2 · IC <@UALEX001> · resolved');
    expect(s.slack.texts('incidents')).toEqual([]);
  });
});
