/**
 * The seed's checkout incident, run from Mattermost alone: Dana (on call) declares a SEV2 in the
 * declare dialog (a first try without a title is refused under the field); she hands IC to Alex,
 * who accepts by button; Alex names Priya Comms Lead, Sam Scribe, Dana and Lee SMEs; Sam captures
 * what people say by reaction, seen on the bot's WebSocket; Priya posts two updates in the
 * update dialog, the second after an overdue reminder; Alex resolves in the resolve dialog and
 * owns the postmortem. Then the incident is read over the API and the channel checked in order.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../support/harness.js';
import { mattermostApp, type MattermostApp } from '../support/mattermost-app.js';
import { ReminderScheduler } from '../../src/processors/reminder-scheduler.js';

const API = '/api/v1';
const HANDLES = ['dana', 'alex', 'priya', 'sam', 'lee'] as const;
type Handle = (typeof HANDLES)[number];

describe.each(STORE_KINDS)("the seed's checkout incident from Mattermost alone (%s)", (kind) => {
  let s: MattermostApp;
  let reminders: ReminderScheduler;
  const ids = {} as Record<Handle, string>;

  beforeEach(async () => {
    s = await mattermostApp(kind, { chat: { mattermost: { announceChannel: 'incidents' } } }, { startAt: '2026-06-06T14:14:00.000Z' });
    s.mm.addChannel('town-square');
    s.mm.addChannel('incidents');
    // Mattermost usernames are the handles here; Dana is found by her id on the person, the others by e-mail.
    for (const handle of HANDLES) {
      ids[handle] = s.mm.addUser(handle, `${handle}@example.com`);
      const res = await s.api('POST', `${API}/people`, { handle, name: handle, role: 'responder', email: `${handle}@example.com`, ...(handle === 'dana' ? { chat: { mattermost: ids.dana } } : {}) });
      expect(res.statusCode, res.body).toBe(201);
    }
    reminders = new ReminderScheduler({ store: s.store, config: s.config, clock: s.clock, instance: 'e2e' });
  });
  afterEach(async () => {
    expect(s.mm.violations).toEqual([]);
    await s.close();
  });

  const at = async (iso: string) => {
    s.clock.set(iso);
    await reminders.tick();
    await s.settle();
  };
  const command = async (who: Handle, channel: string, text: string) => {
    const res = await s.command(ids[who], channel, text);
    expect([res.statusCode, res.body]).toEqual([200, '']);
    await s.settle();
  };
  const manual = async () =>
    ((await s.api('GET', `${API}/incidents/INC-1/timeline`)).json() as { kind: string; text: string; at: string; actor: string }[]).filter((e) =>
      ['note', 'hypothesis', 'ruled_out', 'decision'].includes(e.kind),
    );
  /** Someone says something in the room and Sam reacts to it; the reaction arrives over the WebSocket. */
  const captured = async (room: string, who: Handle, text: string, emoji: string) => {
    const before = (await manual()).length;
    const post = s.mm.userPost(room, ids[who], text, s.clock.now().getTime());
    s.mm.react(post, ids.sam, emoji);
    await s.until(async () => (await manual()).length === before + 1);
  };
  /** Opens the update (or resolve) dialog with the command and submits it as filled in. */
  const dialog = async (who: Handle, room: string, text: 'update' | 'resolve', submission: Record<string, string>) => {
    await command(who, room, text);
    const opened = s.mm.dialogs.at(-1)!;
    expect(opened.dialog.callback_id).toBe(text);
    const res = await s.submit(ids[who], room, opened, submission);
    expect([res.statusCode, res.json()]).toEqual([200, {}]);
    await s.settle();
    return opened;
  };

  it('declare by dialog, IC handoff by button, roles, SMEs, capture by reaction, two updates around an overdue reminder, resolve, postmortem owner', async () => {
    // 14:14: Dana, on call, opens the declare dialog; a first try without a title is refused under the field.
    await command('dana', 'town-square', '');
    const declare = s.mm.dialogs.at(-1)!;
    expect(declare.url).toBe('http://incident.example.test/mattermost/actions');
    expect(declare.dialog.elements.map((e) => [e.name, e.type])).toEqual([
      ['title', 'text'],
      ['severity', 'select'],
      ['summary', 'textarea'],
      ['components', 'text'],
      ['private', 'bool'],
    ]);
    const town = s.mm.channelByName('town-square')!.id;
    const refused = await s.submit(ids.dana, town, declare, { title: ' ', severity: 'SEV9', private: false });
    expect([refused.statusCode, refused.json()]).toEqual([200, { errors: { title: 'A title is required.', severity: 'Choose one of SEV1, SEV2, SEV3.' } }]);
    const declared = await s.submit(ids.dana, town, declare, { title: 'Checkout errors', severity: 'SEV2', summary: null, components: null, private: false });
    expect([declared.statusCode, declared.json()]).toEqual([200, {}]);
    await s.settle();
    const room = s.mm.channelByName('inc-2026-06-06-checkout-errors')!;
    expect(room.members).toEqual([s.mm.bot.id, ids.dana]);
    expect(room.posts[0]!.is_pinned).toBe(true);
    expect(room.header).toBe('SEV2 · IC @dana · next update by 14:29 UTC');
    // The announce channel heard of it.
    expect(s.mm.texts('incidents')).toHaveLength(1);
    expect(s.mm.texts('incidents')[0]).toContain(`~${room.name}`);

    // 14:16: Dana would rather debug: "Alex, can you take IC?" — and gets a yes, by button.
    await at('2026-06-06T14:16:00.000Z');
    await command('dana', room.id, 'role ic @alex');
    const dm = [...s.mm.channels.values()].find((c) => c.type === 'D' && c.members.includes(ids.alex))!;
    const offer = dm.posts.at(-1)!;
    expect(offer.message).toContain('offers you Incident Commander of INC-1');
    const click = await s.click(ids.alex, offer, 'handoffaccept');
    expect([click.statusCode, click.json()]).toEqual([200, {}]);
    await s.settle();
    expect(room.header).toMatch(/^SEV2 · IC @alex · /);

    // 14:18: Alex names Comms and Scribe out loud, and pulls in the SMEs.
    await at('2026-06-06T14:18:00.000Z');
    await command('alex', room.id, 'role comms @priya');
    await command('alex', room.id, 'role scribe @sam');
    await command('alex', room.id, 'sme @dana payments');
    await command('alex', room.id, 'sme @lee database');
    expect([...room.members].sort()).toEqual([s.mm.bot.id, ...HANDLES.map((h) => ids[h])].sort());

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
    const first = await dialog('priya', room.id, 'update', {
      status: 'identified',
      impact: '~30% of checkout attempts failing with a 500 error. Browsing, cart, and account features are unaffected.',
      whatWeKnow: "Errors began at 14:14 after a batch job exhausted the DB connection pool. We're isolating the job now.",
      nextStep: 'Throttle the batch job and add pool headroom.',
      nextUpdateBy: '2026-06-06T15:00Z',
      audience: 'public',
    });
    // The dialog offered the SEV2 cadence (an hour) as the next update's time.
    expect(first.dialog.elements.find((e) => e.name === 'nextUpdateBy')!.default).toBe('2026-06-06T15:32Z');
    expect(room.header).toBe('SEV2 · IC @alex · next update by 15:00 UTC');

    // 14:55 the update is due soon; 15:00 it is overdue — both in the room.
    await at('2026-06-06T14:55:00.000Z');
    await at('2026-06-06T15:00:00.000Z');

    // 15:03: the second update.
    await at('2026-06-06T15:03:00.000Z');
    await dialog('priya', room.id, 'update', {
      status: 'monitoring',
      impact: 'Checkout errors are back under 1%.',
      whatWeKnow: 'The batch job is throttled and the pool has headroom.',
      nextStep: 'Watch the error rate for 15 minutes.',
      nextUpdateBy: '2026-06-06T15:30Z',
      audience: 'public',
    });

    // 15:20: healthy; Alex resolves with the final update and takes the postmortem.
    await at('2026-06-06T15:20:00.000Z');
    await dialog('alex', room.id, 'resolve', { impact: 'None now; checkout has been healthy since 15:05.', whatWeKnow: 'A batch job exhausted the DB connection pool; it is throttled.', audience: 'public' });
    await command('alex', room.id, 'postmortem @alex 2026-06-08T10:00Z');

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
    expect((await manual()).map((e) => [e.kind, e.at, e.actor, e.text])).toEqual([
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

    // The room, in order: what the bot posted (its first lines), as Markdown with people's usernames.
    const lines = room.posts.filter((p) => p.user_id === s.mm.bot.id).map((p) => p.message.split('\n')[0]);
    const expected: (string | RegExp)[] = [
      /^#### 🚨 INCIDENT DECLARED, #/,
      '@dana offered Incident Commander to @alex.',
      '@alex accepted Incident Commander from @dana.',
      '@priya is Comms Lead.',
      '@sam is Scribe.',
      '@dana pulled in as SME (payments).',
      '@lee pulled in as SME (database).',
      /Checkout 500s began at 14:14/,
      /First update due soon/,
      /^Hypothesis: @lee: A batch job/,
      /^Ruled out: @dana: Rolled back/,
      /First update overdue/,
      /^Decision: @alex: Throttle/,
      /Checkout errors, UPDATE 14:32 UTC/,
      /Update due soon/,
      /Update overdue/,
      /Checkout errors, UPDATE 15:03 UTC/,
      /Checkout errors, UPDATE 15:20 UTC/,
      /Resolved\. A postmortem is owed\./,
      /Postmortem owned by @alex/,
    ];
    expect(lines).toHaveLength(expected.length);
    // Each line as Slack's, then who did it (Mattermost shows no context block apart).
    expected.forEach((pattern, i) => (typeof pattern === 'string' ? expect(lines[i]!.startsWith(pattern), lines[i]).toBe(true) : expect(lines[i]).toMatch(pattern)));
    expect(room.posts[0]!.message).toContain('**Status: Resolved');
    expect(room.header).toBe('SEV2 · IC @alex · resolved');
  });
});
