/**
 * Teams channel cards through Workflows webhooks, against a local fake receiver: declared,
 * role changes, each status update, reminders and resolve arrive as Adaptive Cards that the
 * `adaptivecards` library parses without a warning, once each and in order per channel,
 * through 429s, 5xx and a restart; beside Slack, neither gets in the other's way.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { FakeTeamsWebhook, type TeamsPost } from '../support/fake-teams-webhook.js';
import { FakeSlack } from '../support/fake-slack.js';
import { cardWarnings } from '../support/adaptive-cards.js';
import { API, MINUTE, UPDATE, declare, ok } from '../api/helpers.js';
import { ChatDeliveryWorker } from '../../src/processors/chat/delivery.js';
import { chatSettings } from '../../src/processors/chat/settings.js';
import { ReminderScheduler } from '../../src/processors/reminder-scheduler.js';
import { teamsWebhookPoster } from '../../src/integrations/chat/teams/webhook.js';
import { SlackChat } from '../../src/integrations/chat/slack/client.js';
import { Store } from '../../src/store/store.js';
import type { TeamsChannels } from '../../src/processors/chat/teams.js';

const CONSOLE = 'https://incidents.example.com';

type Card = { body: { type: string; text?: string; facts?: { title: string; value: string }[] }[]; actions: { type: string; title: string; url: string }[] };
const cardOf = (post: TeamsPost['body']) => post.attachments[0]!.content as unknown as Card;
const heading = (post: TeamsPost['body']) => cardOf(post).body[0]!.text!;
const facts = (post: TeamsPost['body']) => Object.fromEntries(cardOf(post).body.find((b) => b.type === 'FactSet')!.facts!.map((f) => [f.title, f.value]));

describe.each(STORE_KINDS)('Teams channel cards (%s)', (kind) => {
  let t: TestApp;
  let hook: FakeTeamsWebhook;
  let teams: TeamsChannels;
  const workers: ChatDeliveryWorker[] = [];
  const worker = (store: Store = t.store, chat: SlackChat | null = null) => {
    const w = new ChatDeliveryWorker({ store, chat, platform: chat ? 'slack' : null, teams, clock: t.clock, settings: chatSettings(t.config, 'slack') });
    workers.push(w);
    return w;
  };

  beforeEach(async () => {
    t = await testApp(kind);
    hook = await new FakeTeamsWebhook().start();
    teams = { webhooks: { SEV1: hook.url('major'), default: hook.url('ops') }, consoleUrl: CONSOLE, poster: teamsWebhookPoster };
    await ok(t, 201, 'POST', `${API}/people`, { handle: 'alice', name: 'Alice', role: 'responder' });
    await ok(t, 201, 'POST', `${API}/people`, { handle: 'bob', name: 'Bob', role: 'responder' });
  });
  afterEach(async () => {
    for (const w of workers.splice(0)) await w.stop();
    expect(hook.violations).toEqual([]);
    await hook.close();
    await t.close();
  });

  it('posts declared, role, update, reminder and resolve cards to the severity’s channel, in order, each once, parsed without warnings', async () => {
    const w = worker();
    const incident = await declare(t, { title: 'Checkout errors', severity: 'SEV2', commander: 'alice' });
    await ok(t, 200, 'POST', `${API}/incidents/${incident.id}/roles`, { role: 'comms_lead', person: 'bob' });
    t.clock.advance(MINUTE);
    await ok(t, 201, 'POST', `${API}/incidents/${incident.id}/updates`, UPDATE);
    // The promised update is missed: the reminder scheduler records the overdue reminder.
    t.clock.advance(3 * 60 * MINUTE);
    await new ReminderScheduler({ store: t.store, config: t.config, clock: t.clock }).tick();
    await ok(t, 200, 'POST', `${API}/incidents/${incident.id}/resolve`, { impact: 'None now', whatWeKnow: 'Rolled back' });
    const major = await declare(t, { title: 'All regions down', severity: 'SEV1', commander: 'alice' });
    await declare(t, { title: 'Secret', severity: 'SEV2', commander: 'alice', private: true });
    await w.drain();

    const ops = hook.on('ops');
    expect(ops.map(heading)).toEqual([
      `Declared: ${incident.id} Checkout errors`,
      `Roles changed: ${incident.id} Checkout errors`,
      `Status update: ${incident.id} Checkout errors`,
      ...ops.slice(3, -1).map(() => `Reminder: ${incident.id} Checkout errors`),
      `Resolved: ${incident.id} Checkout errors`,
    ]);
    expect(ops.length).toBeGreaterThanOrEqual(5);
    expect(facts(ops[0]!)).toMatchObject({ Severity: 'SEV2', Status: 'Investigating', IC: '@alice', 'Comms Lead': 'unassigned' });
    expect(facts(ops[0]!)['Next update by']).toMatch(/^2026-06-06 \d\d:\d\d UTC$/);
    expect(facts(ops[2]!)).toMatchObject({ Status: 'Identified', 'Comms Lead': '@bob' });
    expect(cardOf(ops[2]!).body[1]!.text).toContain(UPDATE.impact);
    expect(facts(ops.at(-1)!)).toMatchObject({ 'Next update by': 'none owed' });
    expect(facts(ops.at(-1)!).Status).toMatch(/^Resolved /);
    // The final update is on the resolved card, not a card of its own.
    expect(cardOf(ops.at(-1)!).body[1]!.text).toContain('Rolled back');
    expect(cardOf(ops[0]!).actions).toEqual([{ type: 'Action.OpenUrl', title: 'Open in console', url: `${CONSOLE}/incidents/${incident.id}` }]);
    // SEV1 goes to its own channel; the private incident to none.
    expect(hook.on('major').map(heading)).toEqual([`Declared: ${major.id} All regions down`]);
    expect(hook.accepted).toHaveLength(ops.length + 1);
    for (const post of hook.accepted) expect(await cardWarnings(cardOf(post.body))).toEqual([]);
    // Drained again, nothing goes twice.
    await w.drain();
    expect(hook.accepted).toHaveLength(ops.length + 1);
  });

  it('waits out a 429 and backs off through 5xx, then delivers each card once, in order', async () => {
    const w = worker();
    hook.fail('ops', { status: 429, retryAfter: '30' }, { status: 503 }, { status: 502 });
    const incident = await declare(t, { title: 'Checkout errors', severity: 'SEV2', commander: 'alice' });
    await ok(t, 200, 'POST', `${API}/incidents/${incident.id}/roles`, { role: 'comms_lead', person: 'bob' });
    await w.drain();
    expect(hook.on('ops')).toEqual([]);
    t.clock.advance(29_000);
    await w.drain();
    expect(hook.requests).toBe(1);
    for (let i = 0; i < 4 && hook.on('ops').length < 2; i++) {
      t.clock.advance(31_000);
      await w.drain();
    }
    expect(hook.requests).toBe(5);
    expect(hook.on('ops').map(heading)).toEqual([`Declared: ${incident.id} Checkout errors`, `Roles changed: ${incident.id} Checkout errors`]);
    const delivered = await t.store.chat.deliveries(Number(incident.id.slice(4)));
    expect(delivered.map((d) => [d.status, d.attempts])).toEqual([
      ['done', 2],
      ['done', 0],
    ]);
  });

  it('keeps what a stopped server had not sent, and sends it once from the next start', async () => {
    const first = worker();
    hook.fail('ops', { status: 503 });
    const incident = await declare(t, { title: 'Checkout errors', severity: 'SEV2', commander: 'alice' });
    await ok(t, 200, 'POST', `${API}/incidents/${incident.id}/roles`, { role: 'comms_lead', person: 'bob' });
    await first.drain();
    await first.stop();
    expect(hook.on('ops')).toEqual([]);
    // Another process on the same database: the queue is in the database, not in memory.
    const other = await Store.open({ databaseUrl: t.db.env.DATABASE_URL, dataDir: t.db.dataDir });
    try {
      t.clock.advance(MINUTE);
      await worker(other).drain();
      expect(hook.on('ops').map(heading)).toEqual([`Declared: ${incident.id} Checkout errors`, `Roles changed: ${incident.id} Checkout errors`]);
    } finally {
      for (const w of workers.splice(0)) await w.stop();
      await other.close();
    }
  });

  it('runs beside Slack: the room and the Teams channel both get the incident', async () => {
    const slack = new FakeSlack();
    try {
      const w = worker(t.store, new SlackChat({ token: 'xoxb-test', apiUrl: await slack.start() }));
      const incident = await declare(t, { title: 'Checkout errors', severity: 'SEV2', commander: 'alice' });
      await w.drain();
      expect(slack.channelByName(incident.channel)!.messages[0]!.text).toContain('Checkout errors');
      expect(hook.on('ops').map(heading)).toEqual([`Declared: ${incident.id} Checkout errors`]);
      expect(slack.violations).toEqual([]);
    } finally {
      for (const w of workers.splice(0)) await w.stop();
      await slack.close();
    }
  });
});
