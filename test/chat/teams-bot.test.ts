/**
 * The Teams bot, driven through the Bot Framework SDK's own TestAdapter: `@Incident …`
 * commands with the chat grammar, the Adaptive Card forms and their submissions, people by
 * their Teams id or their e-mail from the roster, strangers told why, a redelivered activity
 * acted on once; and POST /api/messages refusing an unauthenticated request with the SDK's 401.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestAdapter, type Activity } from 'botbuilder';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { cardWarnings } from '../support/adaptive-cards.js';
import { API, ok } from '../api/helpers.js';
import { TeamsBot, type TeamsMember } from '../../src/processors/chat/teams-bot.js';
import { teamsAdapterFromEnvironment } from '../../src/integrations/chat/teams/environment.js';
import { ADAPTIVE_CARD } from '../../src/presenters/chat/teams-cards.js';

const ALICE_AAD = '6f1c2a3b-0000-4000-8000-00000000a11c';
const BOB_AAD = '6f1c2a3b-0000-4000-8000-000000000b0b';
const BOT = { id: '28:incident-bot', name: 'Incident' };

describe.each(STORE_KINDS)('the Teams bot (%s)', (kind) => {
  let t: TestApp;
  let adapter: TestAdapter;
  /** The roster as TeamsInfo.getMember would answer it, by Teams user id. */
  let roster: Map<string, TeamsMember>;
  let nextId = 0;

  beforeEach(async () => {
    t = await testApp(kind);
    roster = new Map([['29:bob', { aadObjectId: BOB_AAD, email: 'Bob@Example.com' }]]);
    const bot = new TeamsBot({ store: t.store, config: t.config, clock: t.clock, member: async (_context, id) => roster.get(id) ?? null });
    adapter = new TestAdapter((context) => bot.run(context));
    await ok(t, 201, 'POST', `${API}/people`, { handle: 'alice', name: 'Alice', role: 'responder', chat: { teams: ALICE_AAD } });
    await ok(t, 201, 'POST', `${API}/people`, { handle: 'bob', name: 'Bob', role: 'responder', email: 'bob@example.com' });
  });
  afterEach(async () => {
    await t.close();
  });

  const from = (who: 'alice' | 'bob' | 'eve') =>
    ({ alice: { id: '29:alice', name: 'Alice', aadObjectId: ALICE_AAD }, bob: { id: '29:bob', name: 'Bob' }, eve: { id: '29:eve', name: 'Eve', aadObjectId: 'e0e0e0e0-0000-4000-8000-000000000eee' } })[who];
  /** A channel message as Teams sends it: the bot @-mentioned first, other mentions as <at> tags with their entities. */
  const say = async (who: 'alice' | 'bob' | 'eve', text: string, mentions: { id: string; name: string }[] = [], id = String(++nextId)) => {
    const entities = [BOT, ...mentions].map((m) => ({ type: 'mention', text: `<at>${m.name}</at>`, mentioned: m }));
    await adapter.processActivity({ type: 'message', id, channelId: 'msteams', from: from(who), recipient: BOT, text: `<at>Incident</at> ${text}`, entities } as Partial<Activity> as Activity);
    return replies();
  };
  const submit = async (who: 'alice' | 'bob', value: Record<string, unknown>) => {
    await adapter.processActivity({ type: 'message', id: String(++nextId), channelId: 'msteams', from: from(who), recipient: BOT, value } as Partial<Activity> as Activity);
    return replies();
  };
  const replies = () => {
    const out: Partial<Activity>[] = [];
    for (let r = adapter.getNextReply(); r; r = adapter.getNextReply()) out.push(r);
    return out;
  };
  const texts = (out: Partial<Activity>[]) => out.map((r) => r.text ?? '');
  const formOf = async (out: Partial<Activity>[]) => {
    expect(out).toHaveLength(1);
    const attachment = out[0]!.attachments![0]!;
    expect(attachment.contentType).toBe(ADAPTIVE_CARD);
    expect(await cardWarnings(attachment.content)).toEqual([]);
    return attachment.content as { body: { id?: string; type: string }[]; actions: { type: string; data: Record<string, unknown> }[] };
  };
  const incidents = async () => (await ok(t, 200, 'GET', `${API}/incidents`)) as { id: string; severity: string; title: string; status: string; roles: Record<string, string | null> }[];

  it('declares, assigns a role by mention, takes a note and answers status; e-mail matches are remembered', async () => {
    expect(texts(await say('alice', 'declare SEV2 Checkout errors'))).toEqual(['Declared INC-1 (SEV2): Checkout errors. You are IC.']);
    expect((await incidents()).map((i) => [i.id, i.severity, i.title, i.roles.incident_commander])).toEqual([['INC-1', 'SEV2', 'Checkout errors', 'alice']]);
    // Bob is @-mentioned in Teams; the roster gives his e-mail, which is a person's here.
    expect(texts(await say('alice', 'role comms <at>Bob</at>', [{ id: '29:bob', name: 'Bob' }]))).toEqual([]);
    expect((await incidents())[0]!.roles.comms_lead).toBe('bob');
    expect(await t.store.chat.handleOf('teams', BOB_AAD)).toBe('bob');
    // Only one incident is open: it is the one meant.
    expect(texts(await say('bob', 'note The deploy went out at 14:02'))).toEqual([]);
    const timeline = (await ok(t, 200, 'GET', `${API}/incidents/INC-1/timeline`)) as { text: string; actor: string }[];
    expect(timeline.some((e) => e.text === 'The deploy went out at 14:02' && e.actor === 'bob')).toBe(true);
    const [status] = texts(await say('alice', 'INC-1 status'));
    expect(status).toContain('INC-1 SEV2');
    expect(status).toContain('IC @alice · Comms @bob');
    expect(texts(await say('alice', 'role comms')).join()).toContain('role takes ic, comms or scribe');
  });

  it('opens the declare and update forms as Adaptive Cards and acts on their submissions', async () => {
    const declareForm = await formOf(await say('alice', 'declare'));
    expect(declareForm.body.map((b) => b.id).filter(Boolean)).toEqual(['title', 'severity', 'summary']);
    expect(declareForm.actions[0]).toMatchObject({ type: 'Action.Submit', data: { form: 'declare' } });
    expect(texts(await submit('alice', { ...declareForm.actions[0]!.data, title: 'Search is slow', severity: 'SEV3', summary: 'p99 at 4 s' }))).toEqual(['Declared INC-1 (SEV3): Search is slow. You are IC.']);

    const updateForm = await formOf(await say('alice', 'update'));
    expect(updateForm.body.map((b) => b.id).filter(Boolean)).toEqual(['status', 'impact', 'whatWeKnow', 'nextStep', 'nextUpdateBy', 'audience']);
    const data = updateForm.actions[0]!.data;
    expect(data).toEqual({ form: 'update', incident: 1 });
    expect(texts(await submit('alice', { ...data, status: 'identified', impact: 'Search slow for all', whatWeKnow: 'An index rebuild', nextStep: 'Wait it out', nextUpdateBy: 'soon', audience: 'internal' }))).toEqual([
      '"soon" is not a time; write it as 2026-06-06T15:30Z.',
    ]);
    expect(texts(await submit('alice', { ...data, status: 'identified', impact: 'Search slow for all', whatWeKnow: 'An index rebuild', nextStep: 'Wait it out', audience: 'internal' }))).toEqual(['Update posted to INC-1.']);
    expect((await incidents())[0]!.status).toBe('identified');

    // A second open incident: commands must name theirs.
    await say('alice', 'declare SEV2 Checkout errors');
    expect(texts(await say('alice', 'note hello'))).toEqual([expect.stringMatching(/^2 incidents are open: name one, as in `INC-[12] note …`\.$/)]);
    const resolveForm = await formOf(await say('alice', 'INC-1 resolve'));
    expect(texts(await submit('alice', { ...resolveForm.actions[0]!.data, impact: 'None now', whatWeKnow: 'Rebuild done', audience: 'internal' }))).toEqual(['INC-1 resolved.']);
    expect((await incidents()).find((i) => i.id === 'INC-1')!.status).toBe('resolved');
    // The verbs Slack has for the work itself are Teams' too; a resolved incident is named to reopen it.
    expect(texts(await say('alice', 'INC-2 task Check the index @alice'))).toEqual([expect.stringMatching(/^Task t\d+ for @alice: Check the index$/)]);
    expect(texts(await say('alice', 'INC-2 tasks')).join()).toMatch(/^INC-2 tasks \(blocked first\):\nt\d+ · @alice · Check the index$/);
    expect(texts(await say('alice', 'INC-1 reopen Search is slow again'))).toEqual(['INC-1 reopened.']);
    expect((await incidents()).find((i) => i.id === 'INC-1')!.status).not.toBe('resolved');
  });

  it('tells strangers why and changes nothing; a mention of a stranger is named back; a redelivered activity is acted on once', async () => {
    expect(texts(await say('eve', 'declare SEV2 Checkout errors'))).toEqual([expect.stringContaining('You are not a person in Incident Command yet')]);
    await say('alice', 'declare SEV2 Checkout errors');
    expect(texts(await say('alice', 'role comms <at>Eve</at>', [{ id: '29:eve', name: 'Eve' }]))).toEqual(['Eve is not a person in Incident Command yet; ask an admin to add them.']);
    expect(texts(await say('alice', 'note once', [], 'same-activity'))).toEqual([]);
    expect(texts(await say('alice', 'note once', [], 'same-activity'))).toEqual([]);
    const timeline = (await ok(t, 200, 'GET', `${API}/incidents/INC-1/timeline`)) as { text: string }[];
    expect(timeline.filter((e) => e.text === 'once')).toHaveLength(1);
    expect(await incidents()).toHaveLength(1);
  });
});

describe('POST /api/messages', () => {
  it('refuses a request without the Bot Framework token with 401 and acts on nothing', async () => {
    const adapter = teamsAdapterFromEnvironment({ MicrosoftAppId: '00000000-0000-4000-8000-0000000000a1', MicrosoftAppPassword: 'not-a-real-secret', MicrosoftAppTenantId: '00000000-0000-4000-8000-0000000000f1' });
    const t = await testApp('sqlite', {}, { teamsAdapter: adapter });
    try {
      const activity = { type: 'message', id: '1', channelId: 'msteams', serviceUrl: 'https://smba.trafficmanager.net/emea/', conversation: { id: 'c1' }, from: { id: '29:x' }, recipient: BOT, text: '<at>Incident</at> declare SEV2 Forged' };
      for (const authorization of [undefined, 'Bearer not-a-jwt']) {
        const res = await t.app.inject({ method: 'POST', url: '/api/messages', headers: authorization ? { authorization } : {}, payload: activity });
        expect(res.statusCode).toBe(401);
      }
      expect(await ok(t, 200, 'GET', `${API}/incidents`)).toEqual([]);
      expect(await t.store.chat.claimInbox(new Date().toISOString(), new Date().toISOString(), 10)).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
