/**
 * Exporting follow-ups to GitHub and Jira over HTTP, on both stores, against local
 * receivers that check the APIs' shapes: one issue per follow-up however often (and
 * however concurrently) it is asked, the link on the follow-up, a failed call leaving
 * nothing behind; the close taken back by the sync worker (with backoff on 429/5xx) and by
 * GitHub's signed `issues` webhook, each a note on the incident's timeline.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { FakeTrackers } from '../support/fake-trackers.js';
import { API, declare, expectError, ok } from './helpers.js';
import { GitHubIssues } from '../../src/integrations/trackers/github.js';
import { JiraIssues } from '../../src/integrations/trackers/jira.js';
import { FollowUpSync } from '../../src/processors/follow-up-sync.js';
import type { TrackerSettings } from '../../src/integrations/trackers/port.js';

const T = '2026-06-06T14:14:00.000Z';
const POLL_MS = 60_000;
const SECRET = 'whsec-test';
type Link = { tracker: string; key: string; url: string; remoteState: string | null; lastError: string | null; syncedAt: string | null };
type Item = { id: string; state: string; reason: string | null; closedBy: string | null; link: Link | null };

describe.each(STORE_KINDS)('Follow-up export (%s)', (kind) => {
  const fake = new FakeTrackers();
  let t: TestApp;
  let trackers: TrackerSettings;
  let sync: FollowUpSync;
  let appSync: FollowUpSync;
  let inc: string;
  beforeAll(async () => {
    await fake.start();
    trackers = {
      pollMs: POLL_MS,
      ports: {
        github: new GitHubIssues({ token: 'ghp_test', owner: 'acme', repo: 'ops', baseUrl: fake.url }),
        jira: new JiraIssues({ url: fake.url, email: 'ops@example.com', apiToken: 'jira-token', project: 'OPS', issueType: 'Task' }),
      },
    };
    t = await testApp(kind, {}, { trackers, githubWebhookSecret: SECRET, publicUrl: 'https://ic.example' });
    // The app's own worker sleeps on the real clock; the test drives one of its own by hand.
    // Stopped once the app is ready: the first request would otherwise start it again.
    await t.app.ready();
    appSync = (t.app as unknown as { workers: { followUpSync: FollowUpSync } }).workers.followUpSync;
    await appSync.stop();
    sync = new FollowUpSync({ store: t.store, config: t.config, clock: t.clock, trackers });
    await t.person('priya', 'responder');
    await t.person('vic', 'viewer');
    inc = (await declare(t, { title: 'Checkout errors', severity: 'SEV2', commander: 'priya' })).id;
  });
  beforeEach(() => t.clock.set(T));
  afterAll(async () => {
    await t.close();
    await fake.stop();
  });

  const open = async (title: string): Promise<Item> => ok(t, 201, 'POST', `${API}/incidents/${inc}/follow-ups`, { title, owner: 'priya', due: '2026-06-20' }, 'priya');
  const exportTo = (id: string, tracker: string, as = 'priya') => t.call('POST', `${API}/follow-ups/${id}/export`, { tracker }, { as });
  const timeline = async (): Promise<string[]> => ((await ok(t, 200, 'GET', `${API}/incidents/${inc}/timeline`)) as { text: string }[]).map((e) => e.text);

  it('exports to GitHub once: a second export, even to Jira, answers the same link and makes nothing', async () => {
    const item = await open('Alert on checkout error rate');
    const first = await exportTo(item.id, 'github');
    expect(first.statusCode).toBe(201);
    const link = (first.json() as Item).link!;
    expect(link).toMatchObject({ tracker: 'github', key: expect.stringMatching(/^acme\/ops#\d+$/), url: expect.stringContaining('/acme/ops/issues/'), remoteState: 'open' });
    const again = await exportTo(item.id, 'github');
    const elsewhere = await exportTo(item.id, 'jira');
    expect([again.statusCode, elsewhere.statusCode]).toEqual([200, 200]);
    expect([(again.json() as Item).link, (elsewhere.json() as Item).link]).toEqual([link, link]);
    expect(fake.creates('github').filter((r) => (r.body as { title: string }).title === 'Alert on checkout error rate')).toHaveLength(1);
    expect(fake.creates('jira')).toHaveLength(0);
    expect(((await ok(t, 200, 'GET', `${API}/follow-ups/${item.id}`)) as Item).link).toEqual(link);
    const listed: Item[] = await ok(t, 200, 'GET', `${API}/follow-ups?incident=${inc}`);
    expect(listed.find((i) => i.id === item.id)!.link).toEqual(link);
    const body = (fake.creates('github').at(-1)!.body as { body: string }).body;
    expect(body).toContain(`Follow-up from ${inc} (SEV2: Checkout errors)`);
    expect(body).toContain(`https://ic.example/incidents/${inc}`);
    expect((await timeline()).filter((text) => text.includes(`exported to GitHub as ${link.key}`))).toHaveLength(1);
    expect(fake.refused).toEqual([]);
  });

  it('two exports at once make one issue', async () => {
    const item = await open('Runbook for rollback');
    const before = fake.creates('github').length;
    const answers = await Promise.all([exportTo(item.id, 'github'), exportTo(item.id, 'github'), exportTo(item.id, 'github')]);
    const codes = answers.map((a) => a.statusCode).sort();
    expect(codes.filter((c) => c === 201)).toHaveLength(1);
    for (const a of answers.filter((a) => a.statusCode !== 201)) expect([200, 409]).toContain(a.statusCode);
    expect(fake.creates('github').length - before).toBe(1);
  });

  it('exports to Jira with an ADF description; a refused or failed call leaves nothing, and it can be asked again', async () => {
    const item = await open('Canary for payments');
    fake.failNext(503);
    const failed = await exportTo(item.id, 'jira');
    expectError(failed, 502, 'TRACKER_FAILED', 'tracker');
    expect(((await ok(t, 200, 'GET', `${API}/follow-ups/${item.id}`)) as Item).link).toBeNull();
    const done = await exportTo(item.id, 'jira');
    expect(done.statusCode).toBe(201);
    expect((done.json() as Item).link).toMatchObject({ tracker: 'jira', key: expect.stringMatching(/^OPS-\d+$/) });
    expect(fake.refused).toEqual([]);
  });

  it('refuses viewers, unknown trackers, closed follow-ups and trackers not set up', async () => {
    const item = await open('Dashboards for checkout');
    expectError(await exportTo(item.id, 'github', 'vic'), 403, 'FORBIDDEN');
    expectError(await exportTo(item.id, 'trello'), 400, 'VALIDATION_FAILED', 'tracker');
    await ok(t, 200, 'PATCH', `${API}/follow-ups/${item.id}`, { state: 'done' }, 'priya');
    expectError(await exportTo(item.id, 'github'), 409, 'FOLLOW_UP_CLOSED');
    const bare = await testApp(kind);
    try {
      const other = (await declare(bare, { title: 'x', severity: 'SEV3' })).id;
      const fu: Item = await ok(bare, 201, 'POST', `${API}/incidents/${other}/follow-ups`, { title: 'y', owner: 'admin', due: '2026-06-20' });
      expectError(await bare.call('POST', `${API}/follow-ups/${fu.id}/export`, { tracker: 'github' }), 409, 'TRACKER_NOT_CONFIGURED', 'tracker');
    } finally {
      await bare.close();
    }
  });

  it('the sync worker takes a close back: not planned → won\'t do, Jira done → done; a 429/5xx backs off', async () => {
    // Only this test's passes look: the app's own worker stays stopped after the requests above.
    expect(appSync.health()).toEqual({ ok: false, problem: 'not running' });
    const gh: Item = (await exportTo((await open('Retry budget for payments')).id, 'github')).json();
    const jr: Item = (await exportTo((await open('Load test checkout')).id, 'jira')).json();
    const number = Number(gh.link!.key.split('#')[1]);
    fake.closeGitHub(number, 'not_planned');
    fake.closeJira(jr.link!.key, 'Done');
    await sync.pass();
    // Not due yet: nothing asked.
    expect(((await ok(t, 200, 'GET', `${API}/follow-ups/${gh.id}`)) as Item).state).toBe('open');
    t.clock.advance(POLL_MS);
    fake.failNext(502, 1, {}, `/issues/${number}`);
    fake.failNext(429, 1, { 'retry-after': '600' }, `/issue/${jr.link!.key}`);
    await sync.pass();
    const read = async (id: string): Promise<Item> => ok(t, 200, 'GET', `${API}/follow-ups/${id}`);
    expect([(await read(gh.id)).state, (await read(gh.id)).link!.lastError]).toEqual(['open', expect.stringContaining('502')]);
    expect([(await read(jr.id)).state, (await read(jr.id)).link!.lastError]).toEqual(['open', expect.stringContaining('429')]);
    // The backoff: twice the poll after one failure; the 10 minutes a 429 asked for when longer.
    t.clock.advance(2 * POLL_MS - 1000);
    await sync.pass();
    expect((await read(gh.id)).state).toBe('open');
    t.clock.advance(1000);
    await sync.pass();
    expect([(await read(gh.id)).state, (await read(jr.id)).state]).toEqual(['wont_do', 'open']);
    t.clock.advance(10 * 60_000 - 2 * POLL_MS);
    await sync.pass();
    const ghDone: Item = await ok(t, 200, 'GET', `${API}/follow-ups/${gh.id}`);
    const jrDone: Item = await ok(t, 200, 'GET', `${API}/follow-ups/${jr.id}`);
    expect(ghDone).toMatchObject({ state: 'wont_do', closedBy: 'github', reason: `${gh.link!.key} was closed as not planned in GitHub.` });
    expect(ghDone.link).toMatchObject({ remoteState: 'wont_do', lastError: null });
    expect(jrDone).toMatchObject({ state: 'done', closedBy: 'jira' });
    const texts = await timeline();
    expect(texts.filter((x) => x.startsWith(`Follow-up ${gh.id} won't do: ${gh.link!.key} was closed in GitHub`))).toHaveLength(1);
    expect(texts.filter((x) => x.startsWith(`Follow-up ${jr.id} done: ${jr.link!.key} was closed in Jira`))).toHaveLength(1);
    // Closed: never asked about again (the other tests' open ones still are).
    const about = () => fake.requests.filter((r) => r.path.endsWith(`/issues/${number}`) || r.path.endsWith(`/issue/${jr.link!.key}`)).length;
    const asked = about();
    t.clock.advance(24 * 3_600_000);
    await sync.pass();
    expect(about()).toBe(asked);
    expect(fake.requests.length).toBeGreaterThan(asked);
  });

  it("GitHub's issues webhook: a wrong signature is refused; a signed close closes the follow-up once", async () => {
    const gh: Item = (await exportTo((await open('Error budget alerts')).id, 'github')).json();
    const [repo, number] = gh.link!.key.split('#');
    const payload = JSON.stringify({ action: 'closed', issue: { number: Number(number), state: 'closed', state_reason: 'completed' }, repository: { full_name: repo } });
    const post = (signature: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/integrations/github/issues', payload, headers: { 'content-type': 'application/json', 'x-github-event': 'issues', 'x-hub-signature-256': signature } });
    expectError(await post('sha256=' + '0'.repeat(64)), 401, 'UNAUTHENTICATED', 'x-hub-signature-256');
    const signature = `sha256=${createHmac('sha256', SECRET).update(payload).digest('hex')}`;
    const first = await post(signature);
    const second = await post(signature);
    expect([first.statusCode, first.json(), second.json()]).toEqual([200, { applied: true }, { applied: false }]);
    expect(((await ok(t, 200, 'GET', `${API}/follow-ups/${gh.id}`)) as Item)).toMatchObject({ state: 'done', closedBy: 'github' });
    expect((await timeline()).filter((x) => x.startsWith(`Follow-up ${gh.id} done`))).toHaveLength(1);
  });
});
