/**
 * Mattermost delivery: any declaration opens the room in the team, and what happens through
 * the API shows up in it, in order — against the fake Mattermost, which checks every call
 * against the API reference's paths and required fields; through a 429, a lost answer and
 * an outage, each message once.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { FakeMattermost } from '../support/fake-mattermost.js';
import { API, UPDATE, declare, ok } from '../api/helpers.js';
import { MattermostChat } from '../../src/integrations/chat/mattermost/client.js';
import { ChatDeliveryWorker } from '../../src/processors/chat/delivery.js';
import { chatSettings } from '../../src/processors/chat/settings.js';
import { ReminderScheduler } from '../../src/processors/reminder-scheduler.js';

const CONFIG = { chat: { mattermost: { announceChannel: 'incidents' } } };

describe.each(STORE_KINDS)('Mattermost delivery (%s)', (kind) => {
  let t: TestApp;
  let mm: FakeMattermost;
  let worker: ChatDeliveryWorker;
  let alice: string;
  let bob: string;

  beforeEach(async () => {
    t = await testApp(kind, CONFIG);
    mm = new FakeMattermost();
    const url = await mm.start();
    mm.addChannel('incidents');
    alice = mm.addUser('alice.w', 'alice@example.com');
    bob = mm.addUser('bobby', 'bob@example.com');
    const chat = new MattermostChat({ url, token: mm.token, team: mm.team.name });
    worker = new ChatDeliveryWorker({ store: t.store, chat, clock: t.clock, platform: 'mattermost', settings: chatSettings(t.config, 'mattermost') });
    // Alice by her Mattermost id on the person, Bob by e-mail.
    await ok(t, 201, 'POST', `${API}/people`, { handle: 'alice', name: 'Alice', role: 'responder', chat: { mattermost: alice } });
    await ok(t, 201, 'POST', `${API}/people`, { handle: 'bob', name: 'Bob', role: 'responder', email: 'bob@example.com' });
    t.tokens.set('alice', (await ok(t, 201, 'POST', `${API}/people/alice/tokens`, {})).token);
  });
  afterEach(async () => {
    expect(mm.violations).toEqual([]);
    await worker.stop();
    await mm.close();
    await t.close();
  });

  const posts = (route: string) => mm.calls.filter((c) => c.route === route);

  it('opens the room on declaring: channel, members, pinned announcement, header, notice; then role, update and reminder follow in order', async () => {
    const incident = await declare(t, { title: 'Checkout errors', severity: 'SEV2', commander: 'alice' });
    await worker.drain();
    const room = mm.channelByName(incident.channel)!;
    expect(room.type).toBe('O');
    expect(room.team_id).toBe(mm.team.id);
    expect(room.members).toEqual([mm.bot.id, alice]);
    const announcement = room.posts[0]!;
    expect(announcement.message).toMatch(/^#### 🚨 INCIDENT DECLARED, #/);
    expect(announcement.message).toContain('**Status: Investigating**');
    expect(announcement.message).toContain('Incident Commander: @alice.w');
    expect(announcement.is_pinned).toBe(true);
    expect(room.header).toMatch(/^SEV2 · IC @alice\.w · next update by \d\d:\d\d UTC$/);
    // The announce channel hears of it, with a link to the room.
    expect(mm.texts('incidents')).toHaveLength(1);
    expect(mm.texts('incidents')[0]).toContain(`~${room.name}`);
    expect(mm.texts('incidents')[0]).toContain(incident.id);

    await ok(t, 200, 'POST', `${API}/incidents/${incident.id}/roles`, { role: 'comms_lead', person: 'bob' }, 'alice');
    t.clock.advance(60_000);
    await ok(t, 201, 'POST', `${API}/incidents/${incident.id}/updates`, UPDATE, 'alice');
    await worker.drain();
    // Bob was found by e-mail.
    expect(room.members).toEqual([mm.bot.id, alice, bob]);
    const texts = mm.texts(room.id);
    expect(texts[1]).toMatch(/Comms Lead/);
    expect(texts[2]).toContain('Impact: Checkout fails');
    expect(texts[2]).toContain('```\n**[SEV2] Checkout errors, UPDATE');
    expect(texts[2]).toContain('Public update by @alice.w');
    // The pinned announcement is kept current, in place. Bob's id was not known yet when these were written (his invite found it by e-mail): his handle.
    expect(announcement.message).toContain('Comms Lead: @bob');
    expect(announcement.message).toContain('**Status: Identified**');

    // The next update falls due: the reminder reaches the room, naming the Comms Lead and the IC.
    const scheduler = new ReminderScheduler({ store: t.store, config: t.config, clock: t.clock, instance: 'mm' });
    t.clock.advance(2 * 3_600_000);
    await scheduler.tick();
    await worker.drain();
    const reminders = mm.texts(room.id).filter((x) => x.startsWith('⏰'));
    expect(reminders.length).toBeGreaterThan(0);
    for (const reminder of reminders) expect(reminder).toMatch(/^⏰ @bobby @alice\.w (Update overdue|Overdue escalated): no update since/);
    // Every message once.
    expect(posts('POST /posts').length).toBe(room.posts.length + 1);
  });

  it('a private incident gets a private channel and is announced nowhere', async () => {
    const incident = await declare(t, { title: 'Credential leak', severity: 'SEV1', private: true, commander: 'alice' });
    await worker.drain();
    const room = mm.channelByName(incident.channel)!;
    expect(room.type).toBe('P');
    expect(room.members).toEqual([mm.bot.id, alice]);
    expect(mm.texts('incidents')).toEqual([]);
  });

  it('waits out a 429 (plain text, as Mattermost sends it) for its Retry-After, then delivers each message once, in order', async () => {
    const incident = await declare(t, { title: 'Checkout errors', severity: 'SEV2', commander: 'alice' });
    await ok(t, 201, 'POST', `${API}/incidents/${incident.id}/timeline`, { kind: 'note', text: 'first' }, 'alice');
    await ok(t, 201, 'POST', `${API}/incidents/${incident.id}/timeline`, { kind: 'note', text: 'second' }, 'alice');
    mm.rateLimit('POST /posts', 1, 30);
    await worker.drain();
    const room = mm.channelByName(incident.channel)!;
    expect(room.posts).toEqual([]);
    const [delivery] = (await t.store.chat.deliveries(Number(incident.number ?? 1))).filter((d) => d.lastError);
    expect(delivery?.lastError).toBe('POST /posts: rate limited');
    t.clock.advance(29_000);
    await worker.drain();
    expect(room.posts).toEqual([]);
    t.clock.advance(2_000);
    await worker.drain();
    const texts = mm.texts(room.id);
    expect(texts).toHaveLength(3);
    expect(texts[0]).toContain('Checkout errors');
    expect(texts.slice(1).map((x) => /first|second/.exec(x)?.[0])).toEqual(['first', 'second']);
    expect(posts('POST /posts').filter((c) => (c.body as { channel_id: string }).channel_id === room.id)).toHaveLength(3);
  });

  it('a post whose answer was lost (a proxy\'s 502 after Mattermost took it) is found by its mark, not posted again', async () => {
    const incident = await declare(t, { title: 'Checkout errors', severity: 'SEV2', commander: 'alice' });
    await worker.drain();
    mm.loseAnswerOf = 'POST /posts';
    await ok(t, 201, 'POST', `${API}/incidents/${incident.id}/timeline`, { kind: 'note', text: 'only once' }, 'alice');
    await worker.drain();
    t.clock.advance(5_000);
    await worker.drain();
    const room = mm.channelByName(incident.channel)!;
    expect(mm.texts(room.id).filter((x) => x.includes('only once'))).toHaveLength(1);
    expect(posts('GET /channels/{channel_id}/posts')).toHaveLength(1);
  });

  it('goes on while Mattermost is down and catches up in order when it returns', async () => {
    mm.down = true;
    const incident = await declare(t, { title: 'Checkout errors', severity: 'SEV2', commander: 'alice' });
    for (const text of ['one', 'two', 'three']) await ok(t, 201, 'POST', `${API}/incidents/${incident.id}/timeline`, { kind: 'note', text }, 'alice');
    await worker.drain();
    t.clock.advance(5_000);
    await worker.drain();
    expect(mm.channelByName(incident.channel)).toBeUndefined();
    mm.down = false;
    t.clock.advance(120_000);
    await worker.drain();
    const texts = mm.texts(incident.channel);
    expect(texts).toHaveLength(4);
    expect(texts.slice(1).map((x) => /one|two|three/.exec(x)?.[0])).toEqual(['one', 'two', 'three']);
    expect(posts('POST /channels')).toHaveLength(1);
  });
});

describe('the Mattermost adapter', () => {
  let mm: FakeMattermost;
  let chat: MattermostChat;
  beforeEach(async () => {
    mm = new FakeMattermost();
    chat = new MattermostChat({ url: await mm.start(), token: mm.token, team: mm.team.name });
  });
  afterEach(async () => {
    await mm.close();
  });

  it('maps errors: 429 to rate_limited with Retry-After, 5xx to unavailable, 4xx to refused with Mattermost\'s id', async () => {
    const { room } = await chat.createRoom('inc-7-db', { private: false });
    mm.rateLimit('POST /posts', 1, 12);
    await expect(chat.post(room, { text: 'x' })).rejects.toMatchObject({ reason: 'rate_limited', retryAfterMs: 12_000 });
    mm.down = true;
    await expect(chat.post(room, { text: 'x' })).rejects.toMatchObject({ reason: 'unavailable' });
    mm.down = false;
    await expect(chat.invite(room, ['u'.repeat(26)])).rejects.toMatchObject({ reason: 'refused', code: 'app.user.missing_account.const' });
    // Without the actions address (INCIDENT_PUBLIC_URL) there is nowhere for a dialog to submit to.
    await expect(chat.openForm('trigger', { callback_id: 'declare' })).rejects.toMatchObject({ reason: 'refused', code: 'not_supported' });
    expect(await chat.userByEmail('nobody@example.com')).toBeNull();
    expect(mm.violations).toEqual([]);
  });

  it('takes up a room of that name the bot made before a crash; refuses one someone else made', async () => {
    const first = await chat.createRoom('inc-8-cache', { private: true });
    expect(await chat.createRoom('inc-8-cache', { private: true })).toEqual(first);
    mm.addChannel('inc-9-taken');
    await expect(chat.createRoom('inc-9-taken', { private: false })).rejects.toMatchObject({ reason: 'refused', code: 'store.sql_channel.save_channel.exists.app_error' });
    expect(mm.violations).toEqual([]);
  });

  it('posts ephemeral messages and archives rooms; archiving twice is done', async () => {
    const { room } = await chat.createRoom('inc-10-x', { private: false });
    const user = mm.addUser('carol', 'carol@example.com');
    await chat.ephemeral(room, user, { text: 'only you' });
    expect(mm.ephemerals).toEqual([{ user, channel: room, message: 'only you' }]);
    await chat.archive(room);
    await chat.archive(room);
    expect(mm.channels.get(room)!.delete_at).toBeGreaterThan(0);
    expect(mm.violations).toEqual([]);
  });
});
