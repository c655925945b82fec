/**
 * Paging a 20,000-alert group (issue 18 item 2). On 127.0.0.1 only, bounded, stops by itself.
 * One server process on SQLite, then on PostgreSQL when INCIDENT_TEST_DATABASE_URL is set; one
 * group of 20,000 alerts (one Alertmanager webhook body). Then, ROUNDS times taking turns:
 * the first page (limit 100), a page from deep in the group (after 19,800 alerts, by its
 * cursor), and the whole group walked page by page (limit 500). Prints the median time of
 * each and the ratio deep / first page: keyset paging (and the alerts_group_page index)
 * keeps it near 1, where an OFFSET would grow with the depth.
 *
 * Exit code 0 when every walk saw each of the 20,000 alerts once, 1 otherwise.
 */
import { performance } from 'node:perf_hooks';
import { bounded, fmt, running } from './support.js';
import { ADMIN_TOKEN, PG_URL, freshDatabase, startServerProcess, type StoreKind } from '../test/support/harness.js';
import { FIRING_ENDS_AT, fingerprint, webhookBody } from '../test/support/alertmanager.js';

const ALERTS = 20_000;
const ROUNDS = 7;
const STORE_KINDS: StoreKind[] = PG_URL ? ['sqlite', 'postgres'] : ['sqlite'];

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function run(kind: StoreKind): Promise<boolean> {
  const db = await freshDatabase(kind);
  const server = await startServerProcess(db);
  running.add({ stop: async () => (await server.stop(), await db.cleanup()) });
  const call = async (method: string, path: string, body?: unknown, token = ADMIN_TOKEN) => {
    const res = await fetch(`${server.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return { body: (await res.json()) as { id: number; counts: { alerts: number }; alerts: { id: number }[] }, next: res.headers.get('x-next-cursor') };
  };
  const { key } = (await call('POST', '/alert-sources', { name: 'prometheus', type: 'alertmanager' })).body as unknown as { key: string };
  const alerts = Array.from({ length: ALERTS }, (_, i) => {
    const labels = { alertname: 'NodeDown', instance: `node-${i}` };
    return { status: 'firing' as const, labels, annotations: {}, startsAt: '2026-06-06T14:00:00Z', endsAt: FIRING_ENDS_AT, generatorURL: '', fingerprint: fingerprint(labels) };
  });
  await call('POST', '/alerts/alertmanager', webhookBody({ alertname: 'NodeDown' }, alerts), key);
  let group: { id: number; counts: { alerts: number } } | undefined;
  for (let i = 0; i < 600 && group?.counts.alerts !== ALERTS; i++) {
    group = ((await call('GET', '/alerts')).body as unknown as { id: number; counts: { alerts: number } }[])[0];
    if (group?.counts.alerts !== ALERTS) await new Promise((r) => setTimeout(r, 100));
  }
  if (group?.counts.alerts !== ALERTS) throw new Error(`the group never reached ${ALERTS} alerts`);
  const path = `/alerts/${group.id}`;

  // The cursor after 19,800 alerts, found once by walking.
  let deep: string | null = null;
  for (let seen = 0; seen < ALERTS - 200; ) {
    const page = await call('GET', `${path}?limit=${Math.min(500, ALERTS - 200 - seen)}${deep ? `&cursor=${deep}` : ''}`);
    seen += page.body.alerts.length;
    deep = page.next;
  }
  const timed = async (url: string) => {
    const start = performance.now();
    const page = await call('GET', url);
    return { ms: performance.now() - start, page };
  };
  const first: number[] = [];
  const deepest: number[] = [];
  const whole: number[] = [];
  let complete = true;
  for (let round = 0; round < ROUNDS; round++) {
    first.push((await timed(`${path}?limit=100`)).ms);
    deepest.push((await timed(`${path}?limit=100&cursor=${deep}`)).ms);
    const start = performance.now();
    const ids = new Set<number>();
    let cursor: string | null = null;
    for (let n = 0; n < 100; n++) {
      const page: { body: { alerts: { id: number }[] }; next: string | null } = await call('GET', `${path}?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
      for (const a of page.body.alerts) ids.add(a.id);
      cursor = page.next;
      if (!cursor) break;
    }
    whole.push(performance.now() - start);
    complete &&= ids.size === ALERTS;
  }
  console.log(
    `${kind.padEnd(8)} first page ${fmt(median(first), 1)} ms, page after 19,800 ${fmt(median(deepest), 1)} ms (ratio ${fmt(median(deepest) / median(first), 2)}), ` +
      `all ${fmt(ALERTS)} in pages of 500 ${fmt(median(whole))} ms; each alert once: ${complete ? 'yes' : 'NO'}`,
  );
  return complete;
}

export async function main(): Promise<number> {
  return bounded('pages', 10 * 60_000, async () => {
    let ok = true;
    for (const kind of STORE_KINDS) ok = (await run(kind)) && ok;
    return ok ? 0 : 1;
  });
}
