/**
 * Slack delivery: any declaration opens the room, and what happens through the API shows up
 * in it, in order — against the fake Slack, which checks every call against Slack's OpenAPI
 * description; through 429s and an outage.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { FakeSlack } from '../support/fake-slack.js';
import { API, UPDATE, declare, ok } from '../api/helpers.js';
import { SlackChat } from '../../src/integrations/chat/slack/client.js';
import { ChatDeliveryWorker } from '../../src/processors/chat/delivery.js';
import { chatSettings } from '../../src/processors/chat/settings.js';
import { Store } from '../../src/store/store.js';

const CONFIG = { chat: { slack: { announceChannel: 'incidents', leadershipChannel: 'leadership' } } };

describe.each(STORE_KINDS)('Slack delivery (%s)', (kind) => {
  let t: TestApp;
  let slack: FakeSlack;
  let worker: ChatDeliveryWorker;

  beforeEach(async () => {
    t = await testApp(kind, CONFIG);
    slack = new FakeSlack();
    const url = await slack.start();
    worker = new ChatDeliveryWorker({ store: t.store, chat: new SlackChat({ token: 'xoxb-test', apiUrl: url }), clock: t.clock, platform: 'slack', settings: chatSettings(t.config, 'slack') });
    await ok(t, 201, 'POST', `${API}/people`, { handle: 'alice', name: 'Alice', role: 'responder', chat: { slack: 'UALICE01' } });
    await ok(t, 201, 'POST', `${API}/people`, { handle: 'bob', name: 'Bob', role: 'responder', email: 'bob@example.com' });
    slack.users.set('UBOB0001', 'bob@example.com');
    t.tokens.set('alice', (await ok(t, 201, 'POST', `${API}/people/alice/tokens`, {})).token);
  });
  afterEach(async () => {
    expect(slack.violations).toEqual([]);
    await worker.stop();
    await slack.close();
    await t.close();
  });

  it('opens the room on declaring: channel, invites, pinned announcement, topic, notices; then updates, roles and severity follow in order', async () => {
    const incident = await declare(t, { title: 'Checkout errors', severity: 'SEV2', commander: 'alice' });
    await worker.drain();
    const room = slack.channelByName(incident.channel)!;
    expect(room.isPrivate).toBe(false);
    expect(room.members).toEqual(['UALICE01']);
    expect(room.messages[0]!.text).toContain('Checkout errors');
    expect(JSON.stringify(room.messages[0]!.blocks)).toContain('<@UALICE01>');
    expect(room.pins).toEqual([room.messages[0]!.ts]);
    expect(room.topic).toMatch(/^SEV2 · IC <@UALICE01> · next update by \d\d:\d\d UTC$/);
    expect(slack.texts('incidents')).toHaveLength(1);
    expect(slack.texts('incidents')[0]).toContain(incident.id);
    expect(slack.texts('leadership')).toEqual([]);

    await ok(t, 200, 'POST', `${API}/incidents/${incident.id}/roles`, { role: 'comms_lead', person: 'bob' }, 'alice');
    t.clock.advance(60_000);
    await ok(t, 201, 'POST', `${API}/incidents/${incident.id}/updates`, UPDATE, 'alice');
    await ok(t, 200, 'POST', `${API}/incidents/${incident.id}/severity`, { severity: 'SEV1', reason: 'All regions' }, 'alice');
    await worker.drain();
    // Bob was found by e-mail and remembered.
    expect(room.members).toEqual(['UALICE01', 'UBOB0001']);
    const texts = slack.texts(room.id);
    expect(texts).toHaveLength(5);
    expect(texts[1]).toMatch(/Comms Lead/i);
    expect(texts[2]).toContain('Impact: Checkout fails');
    expect(JSON.stringify(room.messages[2]!.blocks)).toContain('**[SEV2] Checkout errors, UPDATE');
    // Alice posted the public update with Bob named Comms Lead: the room is told (updates.publicBy: anyone).
    expect(texts[3]).toBe('That public update went out without the Comms Lead, @bob.');
    expect(texts[4]).toMatch(/SEV1/);
    expect(room.topic).toMatch(/^SEV1 · /);
    // Escalated to the top severity: leadership hears of it.
    expect(slack.texts('leadership')).toHaveLength(1);
    // Every message once.
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(5 + 2);
  });

  it('tasks and findings show in the room as timeline lines, a finding mentioning the IC; the owner is invited', async () => {
    const incident = await declare(t, { title: 'Cart empty', severity: 'SEV2', commander: 'alice' });
    await worker.drain();
    const room = slack.channelByName(incident.channel)!;
    const before = slack.texts(room.id).length;
    const task = await ok(t, 201, 'POST', `${API}/incidents/${incident.id}/tasks`, { title: 'Check the cache', owner: 'bob' }, 'alice');
    await ok(t, 200, 'PATCH', `${API}/incidents/${incident.id}/tasks/${task.id}`, { state: 'blocked', reason: 'No access' }, 'alice');
    await ok(t, 201, 'POST', `${API}/incidents/${incident.id}/timeline`, { kind: 'finding', text: 'The cache was flushed at 14:02' }, 'admin');
    await worker.drain();
    expect(room.members).toEqual(['UALICE01', 'UBOB0001']);
    expect(slack.texts(room.id).slice(before)).toEqual([
      `Task ${task.id} for @bob: Check the cache.`,
      `Task ${task.id} (@bob) blocked: Check the cache. No access.`,
      'Finding for @alice: The cache was flushed at 14:02',
    ]);
    const lines = room.messages.slice(before).map((m) => JSON.stringify(m.blocks));
    expect(lines[2]).toContain('Finding for <@UALICE01>');
  });

  it('the pinned announcement follows the incident: edited in place, in the room\'s order, as roles, severity and status change', async () => {
    const incident = await declare(t, { title: 'Checkout errors', severity: 'SEV2', commander: 'alice' });
    await worker.drain();
    const room = slack.channelByName(incident.channel)!;
    const announcement = room.messages[0]!;
    expect(announcement.text).toBe('INC-1: Checkout errors (SEV2, Investigating)');
    expect(JSON.stringify(announcement.blocks)).toContain('Comms Lead: (unassigned)');

    await ok(t, 200, 'POST', `${API}/incidents/${incident.id}/roles`, { role: 'comms_lead', person: 'bob' }, 'alice');
    await worker.drain();
    // Bob's Slack id was not known yet when the edit was written (his invite found it by e-mail).
    expect(JSON.stringify(announcement.blocks)).toContain('Comms Lead: @bob');
    await ok(t, 200, 'POST', `${API}/incidents/${incident.id}/severity`, { severity: 'SEV1', reason: 'All regions' }, 'alice');
    await worker.drain();
    expect(announcement.text).toBe('INC-1: Checkout errors (SEV1, Investigating)');
    t.clock.advance(60_000);
    await ok(t, 201, 'POST', `${API}/incidents/${incident.id}/updates`, { ...UPDATE, status: 'identified' }, 'alice');
    await worker.drain();

    expect(announcement.text).toBe('INC-1: Checkout errors (SEV1, Identified)');
    expect(JSON.stringify(announcement.blocks)).toContain('Severity: SEV1');
    expect(room.pins).toEqual([announcement.ts]);
    // Each edit right after what changed it was said, before what came next.
    const inRoom = slack.calls.filter((c) => c.args.channel === room.id && ['chat.postMessage', 'chat.update'].includes(c.method));
    const said = (text: string) => ['without the Comms Lead', 'Impact', 'Comms Lead', 'SEV1'].find((word) => text.includes(word)) ?? 'announcement';
    expect(inRoom.map((c) => (c.method === 'chat.update' ? 'edit' : said(String(c.args.text))))).toEqual([
      'announcement',
      'Comms Lead',
      'edit',
      'SEV1',
      'edit',
      'Impact',
      'edit',
      'without the Comms Lead',
    ]);
    expect(room.messages).toHaveLength(5);
  });

  // Several instances are a PostgreSQL setup: SQLite is one server's file.
  it.runIf(kind === 'postgres')('two instances on one database send side by side: each message once, each room in order', async () => {
    const other = await Store.open({ databaseUrl: t.db.env.DATABASE_URL, dataDir: t.db.dataDir });
    const second = new ChatDeliveryWorker({ store: other, chat: new SlackChat({ token: 'xoxb-test', apiUrl: slack.url }), clock: t.clock, platform: 'slack', settings: chatSettings(t.config, 'slack') });
    try {
      slack.delayMs = 5;
      const incidents = [];
      for (let i = 0; i < 4; i++) {
        const incident = await declare(t, { title: `Checkout errors ${i}`, severity: 'SEV2', commander: 'alice' });
        for (let n = 0; n < 5; n++) await ok(t, 201, 'POST', `${API}/incidents/${incident.id}/timeline`, { kind: 'note', text: `note ${n}` }, 'alice');
        incidents.push(incident);
      }
      await Promise.all([worker.drain(), second.drain(), worker.drain(), second.drain()]);
      await worker.drain();
      for (const incident of incidents) {
        expect(slack.texts(incident.channel).map((x) => x.replace(/^INC-\d+: .*$/, 'announcement'))).toEqual(['announcement', 'note 0', 'note 1', 'note 2', 'note 3', 'note 4']);
      }
      expect(slack.texts('incidents')).toHaveLength(4);
      expect(slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(4 * 7);
      expect(slack.calls.filter((c) => c.method === 'conversations.create')).toHaveLength(4);
    } finally {
      await second.stop();
      await other.close();
    }
  });

  it('a private incident gets a private channel and is announced nowhere', async () => {
    const incident = await declare(t, { title: 'Credential leak', severity: 'SEV1', private: true });
    await worker.drain();
    expect(slack.channelByName(incident.channel)!.isPrivate).toBe(true);
    expect(slack.texts('incidents')).toEqual([]);
    expect(slack.texts('leadership')).toEqual([]);
  });

  it('waits out a 429 for its Retry-After and keeps the order', async () => {
    const incident = await declare(t, { title: 'Checkout errors', severity: 'SEV2', commander: 'alice' });
    await ok(t, 201, 'POST', `${API}/incidents/${incident.id}/timeline`, { kind: 'note', text: 'first' }, 'alice');
    await ok(t, 201, 'POST', `${API}/incidents/${incident.id}/timeline`, { kind: 'note', text: 'second' }, 'alice');
    slack.rateLimit('chat.postMessage', 1, 30);
    await worker.drain();
    const room = slack.channelByName(incident.channel)!;
    expect(room.messages).toEqual([]);
    t.clock.advance(31_000);
    await worker.drain();
    const texts = slack.texts(room.id);
    expect(texts[0]).toContain('Checkout errors');
    expect(texts.slice(1).map((x) => x.replace(/^.*(first|second).*$/s, '$1'))).toEqual(['first', 'second']);
  });

  it('after resolve, the final update and the owner reach the room; it is archived archiveAfter after the owner, not before', async () => {
    const incident = await declare(t, { title: 'Checkout errors', severity: 'SEV2', commander: 'alice' });
    await ok(t, 200, 'POST', `${API}/incidents/${incident.id}/resolve`, { impact: 'None now', whatWeKnow: 'Rolled back' }, 'alice');
    await ok(t, 200, 'PUT', `${API}/incidents/${incident.id}/postmortem`, { owner: 'alice', scheduledFor: '2026-06-08T10:00:00.000Z' }, 'alice');
    await worker.drain();
    const room = slack.channelByName(incident.channel)!;
    expect(slack.texts(room.id).some((x) => x.includes('Status: Resolved'))).toBe(true);
    expect(room.topic).toMatch(/resolved$/);
    expect(room.archived).toBe(false);
    t.clock.advance(7 * 86_400_000 - 60_000);
    await worker.drain();
    expect(room.archived).toBe(false);
    t.clock.advance(120_000);
    await worker.drain();
    expect(room.archived).toBe(true);
  });

  it('goes on while Slack is down and catches up in order when it returns', async () => {
    slack.down = true;
    const incident = await declare(t, { title: 'Checkout errors', severity: 'SEV2', commander: 'alice' });
    for (const text of ['one', 'two', 'three']) await ok(t, 201, 'POST', `${API}/incidents/${incident.id}/timeline`, { kind: 'note', text }, 'alice');
    await worker.drain();
    t.clock.advance(5_000);
    await worker.drain();
    expect(slack.channels.size).toBe(0);
    slack.down = false;
    t.clock.advance(120_000);
    await worker.drain();
    const texts = slack.texts(incident.channel);
    expect(texts).toHaveLength(4);
    expect(texts.slice(1).map((x) => /one|two|three/.exec(x)?.[0])).toEqual(['one', 'two', 'three']);
    expect(slack.calls.filter((c) => c.method === 'conversations.create')).toHaveLength(1);
  });
});
