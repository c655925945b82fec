/**
 * The seed's checkout afternoon, end to end in process, on SQLite and PostgreSQL, through
 * every step of issue 15: who is told by severity (e-mail to a real SMTP server), paging out
 * (PagerDuty's Events API v2, checked by a local receiver) and the acknowledgement coming
 * back, the first update owed from `firstUpdateWithin`, the Comms Lead owning outbound,
 * what changed (the batch job nobody mentioned), tasks and a finding, edit / reopen / merge,
 * and the role checklists ticked from the record.
 */
import { createHmac } from 'node:crypto';
import { beforeAll, afterAll, expect, it, describe } from 'vitest';
import { STORE_KINDS, type TestApp } from '../support/harness.js';
import { API, MINUTE, declare, ok } from '../api/helpers.js';
import type { SmtpReceiver } from '../support/smtp-receiver.js';
import { address, mailSuite } from './mail-suite.js';
import { NotificationProcessor } from '../../src/processors/notifications/processor.js';
import { MemoryWebhookSender, httpWebhookSender } from '../../src/integrations/webhook.js';
import { WebhookTargets } from '../../src/integrations/webhook-targets.js';
import { smtpMailSender } from '../../src/integrations/mail.js';
import { PageSender } from '../../src/processors/paging/sender.js';
import type { PagingSecrets } from '../../src/integrations/paging.js';
import { PagingReceivers } from '../support/paging-receivers.js';

const START = '2026-06-06T14:14:00.000Z';
// PagerDuty routing keys (32 characters): the on-call engineer's own service, and leadership's.
const KEY = { oncall: 'O'.repeat(32), leadership: 'L'.repeat(32) };
const SECRETS: PagingSecrets = { pagerdutyWebhookSecret: 'pd-webhook-secret', opsgenieApiKey: null, opsgenieWebhookToken: null, webhookSecret: null };
const level = (id: string, updateEvery: string | undefined, roles: string, page: string[]) => ({
  id,
  name: id,
  impact: `${id} impact`,
  response: `${id} response`,
  ...(updateEvery ? { updateEvery } : {}),
  audience: id === 'SEV3' ? 'internal' : 'public',
  roles,
  postmortem: id === 'SEV3' ? 'optional' : 'required',
  page,
});
const CONFIG = {
  groups: { leadership: ['vp'] },
  severities: [level('SEV1', '30m', 'separate', ['group:leadership', 'oncall']), level('SEV2', '1h', 'comms-separate', ['oncall']), level('SEV3', undefined, 'combined', [])],
  components: [
    { id: 'checkout', name: 'Checkout' },
    { id: 'search', name: 'Search' },
  ],
};
const UPDATE = {
  status: 'investigating',
  impact: '~30% of checkout attempts failing with a 500 error. Browsing, cart, and account features are unaffected.',
  whatWeKnow: 'Errors began at 14:02 UTC; the payments database is slow to answer.',
  nextStep: 'Looking at what changed just before 14:02.',
  audience: 'public',
};

type Entry = { id: number; kind: string; text: string; actor: string; to: string | null; change: string | null };
type Checklist = { role: string; items: { id: string; done: boolean | null; proof: string }[] };

describe.each(STORE_KINDS)("the seed's checkout afternoon, issue 15 end to end (%s)", (kind) => {
  let t: TestApp;
  let smtp: SmtpReceiver;
  let pagerDuty: PagingReceivers;
  const processor = () =>
    new NotificationProcessor({
      store: t.store,
      config: t.config,
      clock: t.clock,
      webhooks: new MemoryWebhookSender(),
      mail: smtpMailSender(smtp.url, 'Incidents <incidents@example.com>'),
      paging: SECRETS,
      publicUrl: 'https://incidents.example.com',
    });
  const pager = () => new PageSender({ store: t.store, clock: t.clock, http: httpWebhookSender({ targets: new WebhookTargets(['127.0.0.1']) }), secrets: SECRETS });
  /** Tells: the e-mail goes out with the processor's tick, the pages with the sender's. */
  const tell = async () => {
    await processor().tick();
    await pager().tick();
  };
  const paged = () => pagerDuty.of('pagerduty').map((r) => [r.body.event_action, r.body.routing_key === KEY.oncall ? 'oncall' : 'leadership', String(r.body.dedup_key), r.problems] as const);
  const mailed = () => smtp.messages.map((m) => [String(m.to[0]), m.subject] as const);
  const people = ['dana', 'oncall', 'vp', 'priya', 'sam', 'lee', 'alex'].map((handle) => ({ handle, role: 'responder' as const }));
  beforeAll(async () => {
    pagerDuty = await new PagingReceivers('unused', 'unused').start();
  });
  afterAll(() => pagerDuty?.stop());
  const config = () => ({ ...CONFIG, paging: { pagerduty: { baseUrl: pagerDuty.base, people: { oncall: KEY.oncall }, groups: { leadership: KEY.leadership } } } });
  mailSuite({ kind, config, deps: { paging: SECRETS }, people, start: START, flush: tell }, (app, receiver) => {
    t = app;
    smtp = receiver;
  });

  const timeline = async (id: string, kinds?: string): Promise<Entry[]> => ok(t, 200, 'GET', `${API}/incidents/${id}/timeline${kinds ? `?kind=${kinds}` : ''}`);
  const checklists = async (id: string, as: string): Promise<Checklist[]> => (await ok(t, 200, 'GET', `${API}/incidents/${id}/checklists`, undefined, as)).checklists;
  const tick = (lists: Checklist[], role: string, item: string) => lists.find((l) => l.role === role)?.items.find((i) => i.id === item)?.done;

  it('declare, tell, change what is known, suspect the batch job, work it, merge the duplicate, resolve, reopen', async () => {
    // What changed before anyone declared: the deploy pipeline and the batch scheduler send change events.
    const source = await ok(t, 201, 'POST', `${API}/alert-sources`, { name: 'changes', type: 'changes' });
    const change = async (summary: string, at: string, kindOf: string, components: string[]) => {
      const res = await t.app.inject({ method: 'POST', url: `${API}/changes`, payload: { routing_key: source.key, payload: { summary, timestamp: at }, kind: kindOf, components } });
      expect(res.statusCode, res.body).toBe(202);
      return res.json().change as { id: string };
    };
    await change('Deployed search-api v4.2', '2026-06-06T12:30:00Z', 'deploy', ['search']);
    await change('Search synonyms pushed', '2026-06-06T13:45:00Z', 'config', ['search']);
    const batch = await change('Nightly reconciliation batch started (moved to 13:58)', '2026-06-06T13:58:00Z', 'batch-job', ['checkout']);

    // 14:14 — Dana, on call, declares a SEV2 for impact that began at 14:02; the SEV2 page list is told.
    const incident = await declare(t, { title: 'Checkout errors', severity: 'SEV2', startedAt: '2026-06-06T14:02:00Z', components: ['checkout'] }, 'dana');
    const id = incident.id as string;
    // Comms from minute one: the first update is owed firstUpdateWithin (SEV2: 15m), not a full hour.
    expect(incident.nextUpdateBy).toBe('2026-06-06T14:29:00.000Z');
    await tell();
    expect(mailed()).toEqual([[address('oncall'), `[SEV2] ${id} Checkout errors: SEV2 declared: you are paged`]]);
    smtp.messages.length = 0;
    // Someone must be woken: the on-call engineer is paged through their own PagerDuty service, in the shape PagerDuty documents.
    expect(paged()).toEqual([['trigger', 'oncall', `${id}/person/oncall`, []]]);

    // 14:16 — ~30% of checkouts failing: upgraded to SEV1, which pages leadership (once).
    t.clock.advance(2 * MINUTE);
    await ok(t, 200, 'POST', `${API}/incidents/${id}/severity`, { severity: 'SEV1', reason: 'Revenue impact: 30% of checkouts fail' }, 'dana');
    await tell();
    expect(mailed()).toEqual([[address('vp'), `[SEV1] ${id} Checkout errors: SEV1 upgrade: you are paged`]]);
    smtp.messages.length = 0;
    // Leadership's PagerDuty service is paged once for the group; the on-call engineer is not paged twice.
    expect(paged().slice(1)).toEqual([['trigger', 'leadership', `${id}/group/leadership`, []]]);
    const critical = pagerDuty.of('pagerduty')[1]!.body.payload as { severity: string; summary: string };
    expect(critical.severity).toBe('critical');
    expect(critical.summary).toContain(id);

    // Specialists are paged in: the Comms Lead, the Scribe and the database SME are told what is asked of them.
    await ok(t, 200, 'POST', `${API}/incidents/${id}/roles`, { role: 'comms_lead', person: 'priya' }, 'dana');
    await ok(t, 200, 'POST', `${API}/incidents/${id}/roles`, { role: 'scribe', person: 'sam' }, 'dana');
    await ok(t, 200, 'POST', `${API}/incidents/${id}/smes`, { person: 'lee', specialty: 'database' }, 'dana');
    await tell();
    expect([...mailed()].sort((a, b) => a[0].localeCompare(b[0]))).toEqual([
      [address('lee'), `[SEV1] ${id} Checkout errors: you are Subject-Matter Expert`],
      [address('priya'), `[SEV1] ${id} Checkout errors: you are Comms Lead`],
      [address('sam'), `[SEV1] ${id} Checkout errors: you are Scribe`],
    ]);
    expect(smtp.to(address('priya'))[0]!.text).toContain('Own everything that leaves the room');

    // The on-call engineer acknowledges the page on their phone: PagerDuty's signed webhook puts it on the timeline, once.
    const ack = { event: { id: '01ACK', event_type: 'incident.acknowledged', resource_type: 'incident', occurred_at: '2026-06-06T14:17:00Z', agent: { summary: 'On Call', type: 'user_reference' }, data: { id: 'PGR0VU2', type: 'incident', incident_key: `${id}/person/oncall` } } };
    const signature = `v1=${createHmac('sha256', SECRETS.pagerdutyWebhookSecret!).update(JSON.stringify(ack)).digest('hex')}`;
    for (const outcome of ['recorded', 'already']) {
      const res = await t.app.inject({ method: 'POST', url: `${API}/paging/acks/pagerduty`, payload: JSON.stringify(ack), headers: { 'content-type': 'application/json', 'x-pagerduty-signature': signature } });
      expect(res.json()).toEqual({ outcome });
    }
    expect((await timeline(id, 'page_acknowledged')).map((e) => [e.actor, e.text])).toEqual([['oncall', 'Page to @oncall acknowledged in PagerDuty by On Call.']]);

    // The Comms Lead owns outbound (updates.publicBy: anyone, the default): the IC's public update warns and is recorded.
    t.clock.advance(3 * MINUTE);
    const byIc = await ok(t, 201, 'POST', `${API}/incidents/${id}/updates`, UPDATE, 'dana');
    expect(byIc.warnings.map((w: { code: string }) => w.code)).toEqual(['NOT_THE_COMMS_LEAD']);
    expect((await timeline(id, 'update_not_by_comms_lead')).map((e) => e.text)).toEqual(['That public update went out without the Comms Lead, @priya.']);
    t.clock.advance(MINUTE);
    expect((await ok(t, 201, 'POST', `${API}/incidents/${id}/updates`, { ...UPDATE, status: 'investigating' }, 'priya')).warnings).toEqual([]);

    // What changed: the batch job on checkout comes first, before the config push on search; the old deploy is out of the window.
    const room = await ok(t, 200, 'GET', `${API}/incidents/${id}/changes`, undefined, 'sam');
    expect(room.changes.map((c: { summary: string; touchesIncident: boolean; when: string }) => [c.summary, c.touchesIncident, c.when])).toEqual([
      ['Nightly reconciliation batch started (moved to 13:58)', true, 'before'],
      ['Search synonyms pushed', false, 'before'],
    ]);
    // One click: the batch job is a hypothesis on the timeline; a second click adds nothing.
    const suspected = await ok(t, 201, 'POST', `${API}/incidents/${id}/changes/${batch.id}/hypothesis`, undefined, 'lee');
    await ok(t, 200, 'POST', `${API}/incidents/${id}/changes/${batch.id}/hypothesis`, undefined, 'sam');
    expect((await timeline(id, 'hypothesis')).map((e) => [e.actor, e.change, e.text])).toEqual([
      ['lee', batch.id, 'Suspect batch job at 13:58 UTC on checkout: Nightly reconciliation batch started (moved to 13:58)'],
    ]);
    expect(suspected.kind).toBe('hypothesis');

    // Who is on what: the IC gives Lee a task; Lee reports a finding up to the IC and marks the task done.
    const task = await ok(t, 201, 'POST', `${API}/incidents/${id}/tasks`, { title: 'Check the batch job against the pool', owner: 'lee' }, 'dana');
    t.clock.advance(4 * MINUTE);
    await ok(t, 201, 'POST', `${API}/incidents/${id}/timeline`, { kind: 'finding', text: 'The batch job holds 180 of 200 pool connections' }, 'lee');
    await ok(t, 200, 'PATCH', `${API}/incidents/${id}/tasks/${task.id}`, { state: 'done' }, 'lee');
    const findings = await timeline(id, 'finding');
    expect(findings.map((e) => [e.actor, e.to])).toEqual([['lee', 'dana']]);
    expect((await ok(t, 200, 'GET', `${API}/incidents/${id}`)).tasks).toEqual([expect.objectContaining({ id: task.id, state: 'done', owner: 'lee' })]);

    // Understanding evolves: the summary is corrected, with why.
    await ok(t, 200, 'PATCH', `${API}/incidents/${id}`, { summary: 'A batch job moved to 13:58 exhausted the payments DB pool.', reason: 'Cause found' }, 'sam');
    expect((await timeline(id)).some((e) => e.actor === 'sam' && e.text.startsWith('Summary'))).toBe(true);

    // A duplicate declared for the same failure is merged in: its entries come along, it closes with a pointer.
    const duplicate = await declare(t, { title: 'Payments 500s', severity: 'SEV2' }, 'alex');
    await ok(t, 201, 'POST', `${API}/incidents/${duplicate.id}/timeline`, { kind: 'observation', text: 'Payment API p99 at 8s' }, 'alex');
    const merged = await ok(t, 200, 'POST', `${API}/incidents/${duplicate.id}/merge`, { into: id, reason: 'One failure' }, 'alex');
    expect(merged).toMatchObject({ state: 'closed', mergedInto: id });
    expect((await timeline(id, 'observation')).map((e) => e.text)).toContain(`${duplicate.id} · @alex: Payment API p99 at 8s`);

    // The role checklists are ticked from the record, not by hand.
    const lists = await checklists(id, 'dana');
    expect(lists[0]!.role).toBe('incident_commander');
    for (const item of ['severity-set', 'comms-lead-named', 'scribe-named', 'first-update-on-time']) expect(tick(lists, 'incident_commander', item), item).toBe(true);
    expect(tick(lists, 'comms_lead', 'first-update-out')).toBe(true);
    expect(tick(lists, 'sme', 'findings-posted')).toBe(true);

    // 15:05 — resolved too early: reopened with a reason, back to the last open status, an update owed again.
    t.clock.set('2026-06-06T15:05:00.000Z');
    await ok(t, 200, 'POST', `${API}/incidents/${id}/resolve`, { impact: 'None now; checkout healthy since 14:58.', whatWeKnow: 'The batch job exhausted the DB pool; it is throttled.' }, 'dana');
    // Resolved: both of its pages are resolved in PagerDuty with their dedup keys (the duplicate paged on-call too, as its own).
    await tell();
    expect(paged().filter(([action, , key]) => action === 'resolve' && key.startsWith(`${id}/`)).sort((a, b) => a[2].localeCompare(b[2]))).toEqual([
      ['resolve', 'leadership', `${id}/group/leadership`, []],
      ['resolve', 'oncall', `${id}/person/oncall`, []],
    ]);
    t.clock.advance(6 * MINUTE);
    const reopened = await ok(t, 200, 'POST', `${API}/incidents/${id}/reopen`, { reason: 'Errors are back at 15:10' }, 'dana');
    expect(reopened).toMatchObject({ state: 'open', status: 'investigating', resolvedAt: null });
    expect(reopened.nextUpdateBy).not.toBeNull();
    // The room still shows what changed, the batch job marked as already suspected.
    const again = await ok(t, 200, 'GET', `${API}/incidents/${id}/changes`);
    expect(again.changes[0]).toMatchObject({ id: batch.id, hypothesis: suspected.id });
  });
});
