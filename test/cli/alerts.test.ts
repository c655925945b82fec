/**
 * Alert intake through the built `incident` binary against a real server process:
 * sources and their receiver snippets, the list of groups, show, ack → declare →
 * resolve (issue 6's walk), dismiss, and the refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ADMIN_TOKEN, freshDatabase, startServerProcess, type Database, type ServerProcess } from '../support/harness.js';
import { FIRING_ENDS_AT, fingerprint, webhookBody, type WebhookAlert } from '../support/alertmanager.js';
import { incident, type Ran } from './run.js';

interface Source {
  id: string | number;
  name: string;
  type: string;
  key?: string;
  createdAt: string;
}
interface Group {
  id: string | number;
  source: { id: string | number; name: string; type: string };
  groupKey: string;
  state: string;
  title: string;
  severity: string | null;
  suggestedSeverity: string | null;
  counts: { alerts: number; firing: number; resolved: number; received: number };
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  secondsToAcknowledge: number | null;
  incident: string | null;
  dismissedReason: string | null;
  alerts?: { labels?: Record<string, string> }[];
}

function checkoutAlert(instance: string, startsAt: string): WebhookAlert {
  const labels = { alertname: 'CheckoutErrors', severity: 'critical', service: 'checkout', instance };
  return {
    status: 'firing',
    labels,
    annotations: { summary: `Checkout 5xx above 5% on ${instance}` },
    startsAt,
    endsAt: FIRING_ENDS_AT,
    generatorURL: 'http://prometheus.example:9090/graph?g0.expr=checkout_errors',
    fingerprint: fingerprint(labels),
  };
}

describe('incident CLI: alert intake', () => {
  let db: Database;
  let server: ServerProcess;
  const tokens = new Map<string, string>([['admin', ADMIN_TOKEN]]);
  let webhookKey = '';
  let eventsKey = '';
  let checkout: Group;

  const as = (who: string, args: string[]) => incident(args, { INCIDENT_URL: server.url, INCIDENT_TOKEN: tokens.get(who), INCIDENT_DATA_DIR: db.dataDir });
  /** Runs as `who` and expects exit 0. */
  async function ok(who: string, args: string[]): Promise<Ran> {
    const ran = await as(who, args);
    if (ran.code !== 0) throw new Error(`incident ${args.join(' ')} exited ${ran.code}:\n${ran.stdout}\n${ran.stderr}`);
    return ran;
  }
  const json = async <T>(who: string, args: string[]): Promise<T> => JSON.parse((await ok(who, [...args, '--json'])).stdout) as T;

  async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${server.url}/api/v1${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
  }

  /** Intake may answer before the alerts are readable: wait (bounded) for the group to show up. */
  async function waitForGroup(predicate: (g: Group) => boolean, state = 'open'): Promise<Group> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const groups = await json<Group[]>('admin', ['alerts', '--state', state]);
      const found = groups.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching ${state} group; saw ${JSON.stringify(groups)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  beforeAll(async () => {
    db = await freshDatabase('sqlite');
    server = await startServerProcess(db);
    for (const [handle, role] of [
      ['alex', 'responder'],
      ['vic', 'viewer'],
    ] as const) {
      await ok('admin', ['people', 'add', handle, handle.toUpperCase(), '--role', role]);
      tokens.set(handle, (await ok('admin', ['token', handle])).stdout.trim());
    }
  });

  afterAll(async () => {
    await server?.stop();
    await db?.cleanup();
  });

  it('alert-sources add prints the key once and an Alertmanager webhook receiver to paste', async () => {
    const ran = await ok('admin', ['alert-sources', 'add', 'prometheus', '--type', 'alertmanager']);
    const key = /key is shown once:\n\n {2}(\S+)\n/.exec(ran.stdout)?.[1];
    expect(key).toBeTruthy();
    webhookKey = key!;
    const yaml = ran.stdout.slice(ran.stdout.indexOf('receivers:'));
    const receivers = (parseYaml(yaml) as { receivers: { name: string; webhook_configs: { url: string; http_config: { authorization: { credentials: string } } }[] }[] }).receivers;
    expect(receivers).toHaveLength(1);
    expect(receivers[0]!.webhook_configs[0]).toMatchObject({
      url: `${server.url}/api/v1/alerts/alertmanager`,
      http_config: { authorization: { credentials: webhookKey } },
    });
  });

  it('an events source gets a pagerduty_configs receiver with our url and its routing_key', async () => {
    const ran = await ok('admin', ['alert-sources', 'add', 'pager', '--type', 'events']);
    eventsKey = /key is shown once:\n\n {2}(\S+)\n/.exec(ran.stdout)?.[1] ?? '';
    expect(eventsKey).toBeTruthy();
    const yaml = ran.stdout.slice(ran.stdout.indexOf('receivers:'));
    const receivers = (parseYaml(yaml) as { receivers: { pagerduty_configs: { url: string; routing_key: string }[] }[] }).receivers;
    expect(receivers[0]!.pagerduty_configs[0]).toMatchObject({ url: `${server.url}/api/v1/alerts/events`, routing_key: eventsKey });
  });

  it('alert-sources list never shows a key; --json neither', async () => {
    const ran = await ok('admin', ['alert-sources', 'list']);
    expect(ran.stdout).toMatch(/^ID\s+NAME\s+TYPE\s+CREATED/);
    expect(ran.stdout).toMatch(/prometheus\s+alertmanager/);
    expect(ran.stdout).toMatch(/pager\s+events/);
    expect(ran.stdout).not.toContain(webhookKey);
    expect(ran.stdout).not.toContain(eventsKey);
    const listed = await json<Source[]>('admin', ['alert-sources']);
    expect(listed.map((s) => s.name).sort()).toEqual(['pager', 'prometheus']);
    for (const s of listed) expect(s.key).toBeUndefined();
  });

  it('incident alerts: one line per group with severity→suggested SEV, source, counts, first/last seen, title and differing labels', async () => {
    const startsAt = new Date(Date.now() - 4 * 60_000).toISOString();
    const body = webhookBody({ alertname: 'CheckoutErrors' }, ['web-1', 'web-2', 'web-3'].map((i) => checkoutAlert(i, startsAt)));
    const res = await post('/alerts/alertmanager', body, { authorization: `Bearer ${webhookKey}` });
    expect(res.status).toBe(200);
    // A redelivery of the same snapshot changes nothing but the received count.
    expect((await post('/alerts/alertmanager', body, { authorization: `Bearer ${webhookKey}` })).status).toBe(200);
    checkout = await waitForGroup((g) => g.groupKey.includes('CheckoutErrors') && g.counts.received >= 2);
    expect(checkout.counts).toMatchObject({ alerts: 3, firing: 3 });

    const ran = await ok('admin', ['alerts']);
    expect(ran.stdout).toMatch(/^ID\s+STATE\s+SEV\s+SOURCE\s+ALERTS\s+RECEIVED\s+FIRST SEEN\s+LAST SEEN\s+TITLE\s+DIFFERING LABELS/);
    const line = ran.stdout.split('\n').find((l) => l.startsWith(`${checkout.id} `));
    expect(line).toBeTruthy();
    expect(line).toContain('open');
    expect(line).toContain(`${checkout.severity ?? ''}→${checkout.suggestedSeverity ?? ''}`.replace(/^→|→$/, ''));
    expect(line).toContain('prometheus');
    expect(line).toContain('3/3 firing');
    expect(line).toContain(checkout.title);
    expect(line).toMatch(/instance=web-1,web-2,web-3/);
    expect(line).toMatch(/ago/);

    const empty = await ok('admin', ['alerts', '--state', 'dismissed']);
    expect(empty.stdout).toBe('No dismissed alert groups.\n');
  });

  it('alerts show: the group, its common labels, and each alert by what sets it apart', async () => {
    const ran = await ok('alex', ['alerts', 'show', String(checkout.id)]);
    expect(ran.stdout).toContain(`Alert group ${checkout.id}`);
    expect(ran.stdout).toMatch(/Source:\s+prometheus \(alertmanager\)/);
    expect(ran.stdout).toMatch(/Common labels:.*alertname=CheckoutErrors/);
    expect(ran.stdout).toContain('ALERTS (3)');
    for (const i of ['web-1', 'web-2', 'web-3']) expect(ran.stdout).toMatch(new RegExp(`firing\\s+instance=${i}\\b`));
    expect(ran.stdout).toContain(`incident ack ${checkout.id}`);
    const shown = await json<Group>('alex', ['alerts', 'show', String(checkout.id)]);
    expect(shown.alerts).toHaveLength(3);
  });

  it('ack → declare → resolve: alex acknowledges, declares a SEV2 from the group, and resolves it', async () => {
    const acked = await ok('alex', ['ack', String(checkout.id)]);
    expect(acked.stdout).toMatch(new RegExp(`^Acknowledged alert group ${checkout.id} "`));
    expect(acked.stdout).toMatch(/after it first fired\./);
    expect(acked.stdout).toContain(`incident alerts declare ${checkout.id}`);
    const ackedGroup = await waitForGroup((g) => String(g.id) === String(checkout.id), 'acknowledged');
    expect(ackedGroup.acknowledgedBy).toBe('alex');
    expect(ackedGroup.secondsToAcknowledge).toBeGreaterThanOrEqual(0);
    const listed = await ok('alex', ['alerts', '--state', 'acknowledged']);
    expect(listed.stdout).toMatch(new RegExp(`^${checkout.id}\\s+acknowledged @alex`, 'm'));

    const declared = await ok('alex', ['alerts', 'declare', String(checkout.id), '--severity', 'sev2', '--title', 'Checkout errors']);
    expect(declared.stdout).toMatch(/inc-\d{4}-\d{2}-\d{2}-checkout-errors/);
    expect(declared.stdout).toContain('SEV2');
    expect(declared.stdout).toMatch(/Incident Commander.*@alex/);
    const incidentId = /INC-\d+/.exec((await ok('alex', ['list'])).stdout)?.[0];
    expect(incidentId).toBeTruthy();

    const shown = await json<Group>('alex', ['alerts', 'show', String(checkout.id)]);
    expect(shown.incident).toBe(incidentId);
    expect((await ok('alex', ['alerts', 'show', String(checkout.id)])).stdout).toMatch(new RegExp(`Incident:\\s+${incidentId}`));
    // The alerts are the first observations on the timeline.
    const timeline = await json<{ kind: string; text: string }[]>('alex', ['timeline', incidentId!]);
    expect(timeline.some((e) => e.kind === 'observation')).toBe(true);

    const resolved = await ok('alex', ['resolve', incidentId!, '--impact', 'Checkout 5xx for ~4 minutes.', '--what-we-know', 'A bad deploy; rolled back.']);
    expect(resolved.stdout).toContain('Resolved');
  });

  it('dismiss: an Events v2 group closed with a reason, listed under dismissed', async () => {
    const res = await post('/alerts/events', {
      routing_key: eventsKey,
      event_action: 'trigger',
      dedup_key: 'staging-load-test',
      payload: { summary: 'Latency high in staging', source: 'loadgen', severity: 'warning', component: 'search' },
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: 'success', message: 'Event processed', dedup_key: 'staging-load-test' });
    const staging = await waitForGroup((g) => String(g.source.name) === 'pager');

    const dismissed = await ok('alex', ['alerts', 'dismiss', String(staging.id), '--reason', 'Load test in staging']);
    expect(dismissed.stdout).toBe(`Dismissed alert group ${staging.id} "${staging.title}": Load test in staging\n`);
    const listed = await ok('alex', ['alerts', '--state', 'dismissed']);
    expect(listed.stdout).toMatch(new RegExp(`^${staging.id}\\s+dismissed`, 'm'));
    const shown = await ok('alex', ['alerts', 'show', String(staging.id)]);
    expect(shown.stdout).toMatch(/Dismissed:\s+Load test in staging/);
  });

  it('refusals: usage errors exit 2, server refusals exit 1 with the reason', async () => {
    const badState = await as('admin', ['alerts', '--state', 'sleeping']);
    expect(badState.code).toBe(2);
    expect(badState.stderr).toContain('open, acknowledged, resolved, dismissed');
    const noType = await as('admin', ['alert-sources', 'add', 'x']);
    expect(noType.code).toBe(2);
    expect(noType.stderr).toContain('--type');
    const badId = await as('admin', ['ack', 'not an id!']);
    expect(badId.code).toBe(2);
    expect(badId.stderr).toContain('is not an alert group id');
    const noReason = await as('alex', ['alerts', 'dismiss', String(checkout.id)]);
    expect(noReason.code).toBe(2);

    const missing = await as('alex', ['ack', '987654']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: /);
    const viewer = await as('vic', ['alert-sources', 'add', 'sneaky', '--type', 'events']);
    expect(viewer.code).toBe(1);
    expect(viewer.stderr).toMatch(/^error: /);
    expect((await ok('admin', ['alert-sources', '--json'])).stdout).not.toContain('sneaky');
  });

  it('alert-sources rotate-key prints the new key once and until when the old one works; both are accepted meanwhile', async () => {
    const [source] = (await json<Source[]>('admin', ['alert-sources'])).filter((s) => s.name === 'pager');
    const ran = await ok('admin', ['alert-sources', 'rotate-key', String(source!.id)]);
    const key = /key is shown once:\n\n {2}(\S+)\n/.exec(ran.stdout)?.[1] ?? '';
    expect(key).toMatch(/^ics_/);
    expect(key).not.toBe(eventsKey);
    expect(ran.stdout).toMatch(/The old key is still accepted until \d{4}-\d\d-\d\d \d\d:\d\d/);
    for (const routingKey of [eventsKey, key]) {
      const res = await post('/alerts/events', { routing_key: routingKey, event_action: 'trigger', payload: { summary: 'rotation check', source: 'cli-test', severity: 'info' } });
      expect(res.status).toBe(202);
    }
    const viewer = await as('vic', ['alert-sources', 'rotate-key', String(source!.id)]);
    expect(viewer.code).toBe(1);
    expect(viewer.stderr).toMatch(/^error: /);
  });

    it('help: every alert verb has examples', async () => {
    for (const args of [['alerts', '--help'], ['alerts', 'declare', '--help'], ['ack', '--help'], ['alert-sources', 'add', '--help'], ['alert-sources', '--help']]) {
      const ran = await incident(args, {});
      expect(ran.code).toBe(0);
      expect(ran.stdout).toContain('Examples:\n  incident ');
    }
  });
});
