/**
 * Alert storm (issue 6, "How fast"). On 127.0.0.1 only, bounded, stops by itself:
 *
 * 1. 20,000 alerts = 400 Alertmanager webhook (v4) posts of 50, from 2,000 distinct label
 *    sets in 20 groups (each alert repeated ~10 times), posted by 32 concurrent clients to
 *    one server process on SQLite, then on PostgreSQL when INCIDENT_TEST_DATABASE_URL (or
 *    DATABASE_URL) is set. Prints alerts/s accepted, the p99 answer time, and, read back
 *    from the API once the inbox has drained, the number of groups (must be 20) and of
 *    distinct alerts (must be 2,000).
 * 2. The same 20,000 alerts posted the same way to a local Alertmanager's /api/v2/alerts
 *    (in memory, no receiver): its alerts/s, and the ratio ours / Alertmanager.
 * 3. One 8 MB, 20,000-alert webhook body: the answer time, and the time until all 20,000
 *    alerts are readable from the API; then the same body BIG_REPEATS times more, back to
 *    back, as Alertmanager re-sends an unchanged snapshot: their answer times, and the time
 *    until every repeat is counted.
 *
 * One storm takes under half a second, so one alone measures mostly noise and, for Node,
 * the compiler warming up. Each side therefore gets a first round (printed, as "cold") and
 * then ROUNDS more, taking turns round by round; every round brings alerts nobody has
 * seen (a `storm_round` label) into the same 20 groups. The rate is the median round, the
 * answer times are pooled over the rounds. Ours answers once a delivery is stored; the
 * "processed/s" column is the rate through to every alert processed (until the inbox drained:
 * polled every 50 ms until the counts are complete, then the moment the server last found
 * nothing more to apply, from its /metrics, which the poll sees up to 50 ms late; "as polled",
 * the ratio by the poll alone).
 * "CPU s" is a round's CPU time (median) of the processes doing a side's work (our server and,
 * on PostgreSQL, the database's processes when it runs on this machine, until the inbox
 * drained, answering the drain polls included; Alertmanager, until its last answer) and "CPU
 * vs AM" ours over Alertmanager's: the load generator shares the machine with them (its own
 * CPU is printed too), so on a small machine a rate can be bound by cores as much as by the
 * work done.
 * "event loop s" is our server's main thread alone: how much of its one core a round used.
 *
 * Exit code 0 when every "must" holds, 1 otherwise.
 */
import { performance } from 'node:perf_hooks';
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import pg from 'pg';
import { existsSync, readFileSync } from 'node:fs';
import { bounded, cpuMs, fmt, mainThreadCpuMs, parentOf, percentile, postgresCpuMeter, running, sleep } from './support.js';
import { ADMIN_TOKEN, PG_URL, freshDatabase, startServerProcess, type Database, type ServerProcess, type StoreKind } from '../test/support/harness.js';
import {
  ALERTMANAGER_BIN,
  FIRING_ENDS_AT,
  fingerprint,
  hasAlertmanager,
  startAlertmanager,
  webhookBody,
  type PostableAlert,
  type WebhookAlert,
} from '../test/support/alertmanager.js';

const GROUPS = 20;
const PER_GROUP = 100; // 2,000 distinct label sets
const POSTS = 400;
const PER_POST = 50; // 20,000 alerts
const CLIENTS = 32;
const ROUNDS = 5;
const BIG_ALERTS = 20_000;
const BIG_REPEATS = 100;
const BIG_BYTES = 8 * 1024 * 1024;
const DRAIN_LIMIT_MS = 180_000;
const OVERALL_LIMIT_MS = 15 * 60_000;

interface Group {
  id: string | number;
  source: { id: string | number };
  groupKey: string;
  counts: { alerts: number; firing: number; resolved: number; received: number };
  alerts?: { fingerprint?: string | null; labels?: Record<string, string> }[];
}

interface Posted {
  seconds: number;
  alertsPerSecond: number;
  latencies: number[];
  throttled: number;
  failures: string[];
}

/**
 * CPU time (ms, user + system, every thread) over one round: `side`, of the processes doing
 * its work (our server, and on PostgreSQL the database's processes when it runs on this
 * machine; Alertmanager), until every alert was processed: for ours that includes answering
 * the bench's polls for the drained inbox, for Alertmanager it ends at its last answer;
 * `load`, of this process (the load generator: posting, and polling ours), which shares the
 * machine with them.
 */
interface RoundCpu {
  side: number;
  load: number;
  /** Of our server's event loop alone (null for Alertmanager): the one core it is bound by. */
  eventLoop: number | null;
  /** Of it, the database's processes' (null where they are not counted: SQLite, Alertmanager, a database elsewhere). */
  database: number | null;
}

/** A round with its CPU (see RoundCpu). */
type MeteredRound = Posted & { cpu: RoundCpu };

/** Counts a round's CPU from now until the function returned is called: `pid`'s, the database's when given, the load generator's. */
function roundCpu(pid: number, { database, eventLoop = false }: { database?: number | null; eventLoop?: boolean } = {}): () => RoundCpu {
  const start = cpuMs([pid]);
  const db = database ? postgresCpuMeter(database) : null;
  const load = process.cpuUsage();
  const loopStart = eventLoop ? mainThreadCpuMs(pid) : 0;
  return () => {
    const { user, system } = process.cpuUsage(load);
    const ofDatabase = db ? db() : null;
    return {
      side: cpuMs([pid]) - start + (ofDatabase ?? 0),
      load: (user + system) / 1000,
      eventLoop: eventLoop ? mainThreadCpuMs(pid) - loopStart : null,
      database: ofDatabase,
    };
  };
}

const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50);

interface StormRound extends Posted {
  cpu: RoundCpu;
  /** Seconds from the first post until every alert was processed: when the server found nothing more to apply, or failing that the poll that saw it. */
  drainedAfter: number | null;
  /** Until the poll that saw every alert processed (polls are 50 ms apart, so this is up to 50 ms late). */
  polledAfter: number | null;
  groups: number;
  distinct: number;
  received: number;
  ok: boolean;
}

/** The cold first round and the ROUNDS after it, summed up: median rate, answer times pooled. */
interface Summary {
  cold: number;
  rates: number[];
  alertsPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  throttled: number;
  /** Median over the measured rounds (see RoundCpu). */
  cpu: RoundCpu;
}

interface StoreResult extends Summary {
  store: StoreKind;
  rounds: StormRound[];
  /** Alerts/s from the first post until the inbox had drained (every alert processed, not only stored), median round. */
  processedPerSecond: number | null;
  /** The same, until the poll that saw it (up to 50 ms later a round). */
  processedPolledPerSecond: number | null;
  big: {
    bytes: number;
    answerMs: number;
    status: number;
    readableAfter: number | null;
    repeats: { p50: number; p99: number; max: number; failures: number; countedAfter: number | null };
  };
  ok: boolean;
}

function summarize(first: Posted, rounds: MeteredRound[]): Summary {
  const rates = rounds.map((r) => r.alertsPerSecond);
  const latencies = rounds.flatMap((r) => r.latencies).sort((a, b) => a - b);
  return {
    cold: first.alertsPerSecond,
    rates,
    alertsPerSecond: median(rates),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? 0,
    throttled: rounds.reduce((n, r) => n + r.throttled, 0),
    cpu: {
      side: median(rounds.map((r) => r.cpu.side)),
      load: median(rounds.map((r) => r.cpu.load)),
      eventLoop: rounds.some((r) => r.cpu.eventLoop === null) ? null : median(rounds.map((r) => r.cpu.eventLoop!)),
      database: rounds.some((r) => r.cpu.database === null) ? null : median(rounds.map((r) => r.cpu.database!)),
    },
  };
}

// ---------------------------------------------------------------- the workload

const STARTS_AT = new Date(Date.now() - 10 * 60_000).toISOString();

function labelSet(round: number, group: number, index: number): Record<string, string> {
  return {
    alertname: `StormGroup${String(group).padStart(2, '0')}`,
    storm_round: String(round),
    severity: group % 4 === 0 ? 'critical' : 'warning',
    service: `service-${group}`,
    job: 'node-exporter',
    region: ['eu-west-1', 'us-east-1', 'ap-south-1'][index % 3]!,
    instance: `host-${group}-${String(index).padStart(3, '0')}.prod.example:9100`,
  };
}

function webhookAlert(labels: Record<string, string>, description = ''): WebhookAlert {
  return {
    status: 'firing',
    labels,
    annotations: { summary: `${labels.alertname} on ${labels.instance}`, ...(description ? { description } : {}) },
    startsAt: STARTS_AT,
    endsAt: FIRING_ENDS_AT,
    generatorURL: 'http://prometheus.example:9090/graph?g0.expr=up%3D%3D0',
    fingerprint: fingerprint(labels),
  };
}

type Storm = { group: number; labels: Record<string, string>[] }[];

/** 400 posts of 50: post k of group g carries 50 consecutive of its 100 label sets from offset 37k (mod 100). */
export function stormPosts(round: number): Storm {
  const posts: { group: number; labels: Record<string, string>[] }[] = [];
  const perGroup = POSTS / GROUPS;
  for (let k = 0; k < perGroup; k++)
    for (let g = 0; g < GROUPS; g++) {
      const offset = (k * 37) % PER_GROUP;
      posts.push({ group: g, labels: Array.from({ length: PER_POST }, (_, j) => labelSet(round, g, (offset + j) % PER_GROUP)) });
    }
  const distinct = new Set(posts.flatMap((p) => p.labels.map((l) => l.instance)));
  if (posts.length !== POSTS || distinct.size !== GROUPS * PER_GROUP) throw new Error(`workload: ${posts.length} posts, ${distinct.size} label sets`);
  return posts;
}

/** One group of 20,000 distinct alerts, padded to 8 MiB as Alertmanager would send it. */
function bigBody(): string {
  const labels = Array.from({ length: BIG_ALERTS }, (_, i) => ({
    alertname: 'BigStorm',
    severity: 'critical',
    service: 'checkout',
    job: 'kubernetes-pods',
    namespace: 'shop',
    pod: `checkout-${(i * 2654435761 % 2 ** 32).toString(16).padStart(8, '0')}-${i}`,
    instance: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:8080`,
  }));
  const build = (description: string) => JSON.stringify(webhookBody({ alertname: 'BigStorm' }, labels.map((l) => webhookAlert(l, description))));
  const bare = Buffer.byteLength(build(''));
  const sentence = 'Pod restarted repeatedly in the last 10 minutes; check recent deploys and the node it runs on. ';
  const pad = Math.max(0, Math.ceil((BIG_BYTES - bare) / BIG_ALERTS) - 20);
  return build(sentence.repeat(Math.ceil(pad / sentence.length)).slice(0, pad));
}

// ---------------------------------------------------------------- posting

/** Posts every body with `CLIENTS` workers; a 429 waits its Retry-After and goes again (counted). */
async function postAll(bodies: string[], alertsEach: number, send: (body: string) => Promise<Response>): Promise<Posted> {
  const latencies: number[] = [];
  const failures: string[] = [];
  let throttled = 0;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= bodies.length) return;
      for (let attempt = 1; ; attempt++) {
        const t0 = performance.now();
        let res: Response;
        try {
          res = await send(bodies[i]!);
          await res.arrayBuffer();
        } catch (error) {
          failures.push(`post ${i}: ${(error as Error).message}`);
          break;
        }
        latencies.push(performance.now() - t0);
        if (res.status === 429 && attempt < 50) {
          throttled++;
          await sleep(Math.max(50, Number(res.headers.get('retry-after') ?? '1') * 1000));
          continue;
        }
        if (res.status < 200 || res.status > 299) failures.push(`post ${i}: HTTP ${res.status}`);
        break;
      }
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, worker));
  const seconds = (performance.now() - started) / 1000;
  return { seconds, alertsPerSecond: (bodies.length * alertsEach) / seconds, latencies, throttled, failures };
}

async function api<T>(server: ServerProcess, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** Every group of `sourceId`, whatever its state. */
async function groupsOf(server: ServerProcess, sourceId: string | number): Promise<Group[]> {
  const lists = await Promise.all(['open', 'acknowledged', 'resolved'].map((state) => api<Group[]>(server, 'GET', `/alerts?state=${state}`)));
  return lists.flat().filter((g) => String(g.source.id) === String(sourceId));
}

/** Every alert of a group: the group's answer pages its alerts, so the pages are followed to the end. */
async function alertsOfGroup(server: ServerProcess, id: string | number): Promise<NonNullable<Group['alerts']>> {
  const alerts: NonNullable<Group['alerts']> = [];
  let cursor: string | null = null;
  do {
    const query: string = `limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res: Response = await fetch(`${server.url}/api/v1/alerts/${encodeURIComponent(String(id))}?${query}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      signal: AbortSignal.timeout(60_000),
    });
    if (!res.ok) throw new Error(`GET /alerts/${id}: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
    alerts.push(...(((await res.json()) as Group).alerts ?? []));
    cursor = res.headers.get('x-next-cursor');
  } while (cursor);
  return alerts;
}

// ---------------------------------------------------------------- our server

interface OurSide {
  kind: StoreKind;
  server: ServerProcess;
  db: Database;
  source: { id: string | number; key: string };
  rounds: StormRound[];
  /** On PostgreSQL, the server's postmaster when it runs on this machine (its CPU is counted with ours); else null. */
  postmaster: number | null;
}

/**
 * One storm, to the side's one source, like Alertmanager's rounds to its one instance: the
 * 20 groups are the same every round and grow by 2,000 alerts a round (the `storm_round`
 * label). Posted, drained, and this round's alerts read back.
 */
async function stormRound(side: OurSide, round: number): Promise<StormRound> {
  const { server, kind, source } = side;
  const label = round === 0 ? 'cold round' : `round ${round}/${ROUNDS}`;
  const bodies = stormPosts(round).map((p) => JSON.stringify(webhookBody({ alertname: p.labels[0]!.alertname! }, p.labels.map((l) => webhookAlert(l)))));
  process.stdout.write(`  ${kind}, ${label}: posting ${fmt(POSTS)} × ${PER_POST} alerts with ${CLIENTS} clients… `);
  const cpu = roundCpu(server.child.pid!, { database: side.postmaster, eventLoop: true });
  const t0 = performance.now();
  const posted = await postAll(bodies, PER_POST, (body) => sendWebhook(server, source.key, body));
  const postedAt = performance.now();
  process.stdout.write(`${fmt(posted.alertsPerSecond)} alerts/s; `);

  // Drained: 20 groups holding this many alerts so far, and every delivery counted (`received` counts deliveries per
  // group, or alerts received, depending on the server); failing both, once the counts have stopped moving for 3 s.
  const rounds = round + 1;
  let groups: Group[] = [];
  let polledAfter: number | null = null;
  let lastReceived = -1;
  let lastChange = performance.now();
  const deadline = Date.now() + DRAIN_LIMIT_MS;
  while (Date.now() < deadline) {
    groups = await groupsOf(server, source.id);
    const alerts = groups.reduce((n, g) => n + g.counts.alerts, 0);
    const received = groups.reduce((n, g) => n + g.counts.received, 0);
    if (received !== lastReceived) {
      lastReceived = received;
      lastChange = performance.now();
    }
    if (groups.length === GROUPS && alerts === rounds * GROUPS * PER_GROUP) {
      if (received === rounds * POSTS || received === rounds * POSTS * PER_POST) {
        polledAfter = (performance.now() - t0) / 1000;
        break;
      }
      if (performance.now() - lastChange > 3_000) {
        polledAfter = (lastChange - t0) / 1000;
        break;
      }
    }
    await sleep(50);
  }
  const used = cpu();
  const toldAfter = polledAfter === null ? null : await serverDrainedAfter(server, t0, postedAt);
  const drainedAfter = polledAfter === null ? null : Math.min(polledAfter, toldAfter ?? polledAfter);
  const asPolled = toldAfter === null ? ' (as polled: the server told no drain after the last answer)' : '';
  process.stdout.write(drainedAfter === null ? 'NOT drained\n' : `drained after ${fmt(drainedAfter, 3)} s${asPolled}, polled ${fmt(polledAfter!, 2)} s\n`);

  // Read back each group in full: the distinct alerts are what the API holds, not what the counters say.
  const details = await Promise.all(groups.map((g) => alertsOfGroup(server, g.id)));
  const ofRound = details.flat().filter((a) => a.labels?.storm_round === String(round));
  const distinct = new Set(ofRound.map((a) => a.fingerprint ?? JSON.stringify(a.labels))).size;
  const ok = posted.failures.length === 0 && groups.length === GROUPS && distinct === GROUPS * PER_GROUP;
  if (!ok) for (const f of posted.failures.slice(0, 5)) console.error(`    ${f}`);
  return { ...posted, cpu: used, drainedAfter, polledAfter, groups: groups.length, distinct, received: groups.reduce((n, g) => n + g.counts.received, 0), ok };
}

/**
 * Seconds from `t0` until the server last found nothing more in its inbox to apply
 * (`incident_alert_inbox_drained_timestamp_seconds`, its clock: this machine's), or null when
 * that was before the last post was answered (not this round's end) or is not served.
 */
async function serverDrainedAfter(server: ServerProcess, t0: number, postedAt: number): Promise<number | null> {
  const text = await (await fetch(`${server.url}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
  const line = /^incident_alert_inbox_drained_timestamp_seconds (\S+)$/m.exec(text);
  if (!line) return null;
  // The wall clock read now, beside performance.now(), places the server's time on this process's timeline.
  const at = Number(line[1]) * 1000 - (Date.now() - performance.now());
  return at < postedAt ? null : (at - t0) / 1000;
}

function sendWebhook(server: ServerProcess, key: string, body: string): Promise<Response> {
  return fetch(`${server.url}/api/v1/alerts/alertmanager`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body,
    signal: AbortSignal.timeout(60_000),
  });
}

async function startOurs(kind: StoreKind): Promise<OurSide> {
  const db: Database = await freshDatabase(kind);
  const server = await startServerProcess(db);
  running.add(server);
  const source = await api<{ id: string | number; key: string }>(server, 'POST', '/alert-sources', { name: `storm-${kind}`, type: 'alertmanager' });
  return { kind, server, db, source, rounds: [], postmaster: kind === 'postgres' ? await postmasterOf(db.env.DATABASE_URL!) : null };
}

/** The postmaster of the database at `url`: the parent of a backend, when that backend is a process on this machine. */
async function postmasterOf(url: string): Promise<number | null> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
    const backend = rows[0]!.pid;
    return existsSync(`/proc/${backend}/comm`) && readFileSync(`/proc/${backend}/comm`, 'utf8').trim() === 'postgres' ? parentOf(backend) : null;
  } finally {
    await client.end();
  }
}

/** The 8 MB body end to end, then BIG_REPEATS repeats of it back to back; and the side's summary. */
async function finishOurs(side: OurSide, big: string): Promise<StoreResult> {
  const { server, kind } = side;
  try {
    process.stdout.write(`  ${kind}: one ${fmt(Buffer.byteLength(big) / 1024 / 1024, 1)} MiB body of ${fmt(BIG_ALERTS)} alerts… `);
    const source = await api<{ id: string | number; key: string }>(server, 'POST', '/alert-sources', { name: `big-${kind}`, type: 'alertmanager' });
    const bigStart = performance.now();
    const bigRes = await sendWebhook(server, source.key, big);
    await bigRes.arrayBuffer();
    const answerMs = performance.now() - bigStart;
    /** Seconds from `since` until the big group shows `done`, or null at the limit. */
    const until = async (since: number, done: (g: Group) => boolean): Promise<number | null> => {
      const deadline = Date.now() + DRAIN_LIMIT_MS;
      while (Date.now() < deadline) {
        const found = (await groupsOf(server, source.id)).find((g) => g.groupKey.includes('BigStorm'));
        if (found && done(found)) return (performance.now() - since) / 1000;
        await sleep(100);
      }
      return null;
    };
    const readableAfter = await until(bigStart, (g) => g.counts.alerts === BIG_ALERTS);
    process.stdout.write(`answered ${bigRes.status} in ${fmt(answerMs)} ms, ${readableAfter === null ? 'NOT all readable' : `all readable after ${fmt(readableAfter, 2)} s`}\n`);

    // Alertmanager re-sends an unchanged snapshot every group_interval: each repeat must be answered as fast, and be a cheap no-op.
    process.stdout.write(`  ${kind}: the same body ${BIG_REPEATS} times more, back to back… `);
    const repeatTimes: number[] = [];
    let repeatFailures = 0;
    const repeatsStart = performance.now();
    for (let i = 0; i < BIG_REPEATS; i++) {
      const t0 = performance.now();
      const res = await sendWebhook(server, source.key, big);
      await res.arrayBuffer();
      repeatTimes.push(performance.now() - t0);
      if (!res.ok) repeatFailures++;
    }
    const countedAfter = await until(repeatsStart, (g) => g.counts.received === 1 + BIG_REPEATS);
    repeatTimes.sort((a, b) => a - b);
    const repeats = { p50: percentile(repeatTimes, 50), p99: percentile(repeatTimes, 99), max: repeatTimes[repeatTimes.length - 1]!, failures: repeatFailures, countedAfter };
    process.stdout.write(`p99 ${fmt(repeats.p99)} ms, ${countedAfter === null ? 'NOT all counted' : `all counted ${fmt(countedAfter, 2)} s after the first was sent`}\n`);

    const [cold, ...rounds] = side.rounds;
    const drained = rounds.map((r) => r.drainedAfter);
    const polled = rounds.map((r) => r.polledAfter);
    const ok = side.rounds.every((r) => r.ok) && bigRes.ok && readableAfter !== null && repeatFailures === 0 && countedAfter !== null;
    if (!ok) console.error(`    server log (tail):\n${server.output().slice(-2000)}`);
    return {
      store: kind,
      ...summarize(cold!, rounds),
      rounds: side.rounds,
      processedPerSecond: drained.includes(null) ? null : (POSTS * PER_POST) / median(drained as number[]),
      processedPolledPerSecond: polled.includes(null) ? null : (POSTS * PER_POST) / median(polled as number[]),
      big: { bytes: Buffer.byteLength(big), answerMs, status: bigRes.status, readableAfter, repeats },
      ok,
    };
  } finally {
    await server.stop();
    running.delete(server);
    await side.db.cleanup();
  }
}

// ---------------------------------------------------------------- Alertmanager

interface AmSide {
  version: string;
  rounds: MeteredRound[];
  round(r: number): Promise<Posted>;
}

async function startAlertmanagerSide(): Promise<AmSide | string> {
  if (!hasAlertmanager()) return `skipped: ${ALERTMANAGER_BIN} is missing (apt-get install prometheus-alertmanager)`;
  const version = /version (\S+)/.exec(execFileSync(ALERTMANAGER_BIN, ['--version'], { encoding: 'utf8' }))?.[1] ?? '?';
  // No receiver: Alertmanager only takes the alerts in, as in the issue's "about 30,000 alerts/s on one core, in memory".
  const am = await startAlertmanager(`
route:
  receiver: blackhole
  group_by: [alertname]
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 4h
receivers:
  - name: blackhole
`);
  running.add(am);
  const side: AmSide = {
    version,
    rounds: [],
    round: async (r) => {
      const bodies = stormPosts(r).map((p) =>
        JSON.stringify(
          p.labels.map(
            (labels): PostableAlert => ({
              labels,
              annotations: { summary: `${labels.alertname} on ${labels.instance}` },
              startsAt: STARTS_AT,
              generatorURL: 'http://prometheus.example:9090/graph?g0.expr=up%3D%3D0',
            }),
          ),
        ),
      );
      process.stdout.write(`  alertmanager ${version}, ${r === 0 ? 'cold round' : `round ${r}/${ROUNDS}`}: posting ${fmt(POSTS)} × ${PER_POST} alerts to /api/v2/alerts with ${CLIENTS} clients… `);
      const cpu = roundCpu(am.child.pid!);
      const posted = await postAll(bodies, PER_POST, (body) =>
        fetch(`${am.url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(60_000) }),
      );
      const used = cpu();
      process.stdout.write(`${fmt(posted.alertsPerSecond)} alerts/s\n`);
      if (posted.failures.length) throw new Error(`Alertmanager refused alerts: ${posted.failures.slice(0, 3).join('; ')}`);
      // Our rounds end with the inbox draining; this pause keeps the rounds as far apart.
      await sleep(1_000);
      side.rounds.push({ ...posted, cpu: used });
      return posted;
    },
  };
  return side;
}

// ---------------------------------------------------------------- main

/** The median rate, its range over the rounds, the cold round, and the pooled answer times. */
function rateCells(s: Summary): string[] {
  return [fmt(s.alertsPerSecond), `${fmt(Math.min(...s.rates))}–${fmt(Math.max(...s.rates))}`, fmt(s.cold), fmt(s.p50, 1), fmt(s.p99, 1), fmt(s.max, 1)];
}

export async function main(args: string[]): Promise<number> {
  if (args.length) {
    console.error(`alert-storm takes no arguments (got ${args.join(' ')}); PostgreSQL runs when INCIDENT_TEST_DATABASE_URL or DATABASE_URL is set.`);
    return 2;
  }
  const big = bigBody();
  const stores: StoreKind[] = PG_URL ? ['sqlite', 'postgres'] : ['sqlite'];
  console.log(
    `alert-storm: ${fmt(POSTS * PER_POST)} alerts = ${POSTS} Alertmanager webhook posts of ${PER_POST}, ${fmt(GROUPS * PER_GROUP)} distinct label sets in ${GROUPS} groups, ${CLIENTS} concurrent clients, 127.0.0.1, Node ${process.version}; a cold round, then ${ROUNDS} measured`,
  );
  if (!PG_URL) console.log('  (PostgreSQL: skipped; set INCIDENT_TEST_DATABASE_URL or DATABASE_URL to run it)');

  return bounded('alert-storm', OVERALL_LIMIT_MS, async () => {
    const ours: OurSide[] = [];
    for (const kind of stores) ours.push(await startOurs(kind));
    const amSide = await startAlertmanagerSide();
    // Round by round, each side in turn, so that drift on a shared machine falls on all of them alike.
    for (let r = 0; r <= ROUNDS; r++) {
      for (const side of ours) side.rounds.push(await stormRound(side, r));
      if (typeof amSide !== 'string') await amSide.round(r);
    }
    const results: StoreResult[] = [];
    for (const side of ours) results.push(await finishOurs(side, big));
    const amSummary = typeof amSide === 'string' ? amSide : { ...summarize(amSide.rounds[0]!, amSide.rounds.slice(1)), version: amSide.version };

    console.log('');
    const am = amSummary;
    const ratio = (ours: number | null) => (typeof am === 'string' || ours === null ? '-' : `${fmt(ours / am.alertsPerSecond, 2)}×`);
    const cpuRatio = (ours: number) => (typeof am === 'string' ? '-' : `${fmt(ours / am.cpu.side, 2)}×`);
    const rows: string[][] = [
      ['', 'alerts/s (median)', 'min–max', 'cold', 'p50 ms', 'p99 ms', 'max ms', '429s', 'drained s', 'groups', 'distinct', 'ratio vs AM', 'processed/s', 'ratio', 'as polled', 'CPU s', 'CPU vs AM', 'event loop s', 'database s'],
    ];
    for (const r of results) {
      const measured = r.rounds.slice(1);
      const drained = measured.map((m) => m.drainedAfter);
      const every = <T>(values: T[], must: T) => (values.every((v) => v === must) ? `${fmt(Number(must))}` : `${values.join('/')} (must be ${fmt(Number(must))})`);
      rows.push([
        r.store,
        ...rateCells(r),
        fmt(r.throttled),
        drained.includes(null) ? 'never' : fmt(median(drained as number[]), 3),
        every(r.rounds.map((m) => m.groups), GROUPS),
        every(r.rounds.map((m) => m.distinct), GROUPS * PER_GROUP),
        ratio(r.alertsPerSecond),
        r.processedPerSecond === null ? '-' : fmt(r.processedPerSecond),
        ratio(r.processedPerSecond),
        ratio(r.processedPolledPerSecond),
        fmt(r.cpu.side / 1000, 2),
        cpuRatio(r.cpu.side),
        r.cpu.eventLoop === null ? '-' : fmt(r.cpu.eventLoop / 1000, 2),
        r.cpu.database === null ? '-' : fmt(r.cpu.database / 1000, 2),
      ]);
    }
    if (typeof am !== 'string')
      rows.push([`alertmanager ${am.version}`, ...rateCells(am), '-', '-', '-', '-', '1.00×', '-', '-', '-', fmt(am.cpu.side / 1000, 2), '1.00×', '-', '-']);
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const r of rows) console.log('  ' + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
    if (typeof am === 'string') console.log(`  alertmanager: ${am}`);
    else
      for (const r of results)
        console.log(`  cold round alone, ${r.store}: ${fmt(r.cold / am.cold, 2)}× Alertmanager's cold round`);
    const remote = ours.some((o) => o.kind === 'postgres' && o.postmaster === null);
    console.log(
      `  CPU s: a round's CPU time (median), user + system of every thread: our server's until every alert was processed (answering this bench's polls for it included), ` +
        `with the database's processes on PostgreSQL${remote ? ' (not counted here: the database is not on this machine)' : ''}; Alertmanager's until its last answer; ` +
        `"event loop s", our server's main thread alone; "database s", the database's part of "CPU s". The load generator (this process) beside them: ` +
        [...results.map((r) => `${fmt(r.cpu.load / 1000, 2)} s posting to and polling ${r.store}`), ...(typeof am === 'string' ? [] : [`${fmt(am.cpu.load / 1000, 2)} s posting to Alertmanager`])].join(', ') +
        `; ${availableParallelism()} cores in all.`,
    );

    console.log('');
    for (const r of results)
      console.log(
        `  8 MB body, ${r.store}: ${fmt(r.big.bytes / 1024 / 1024, 2)} MiB, ${fmt(BIG_ALERTS)} alerts: answered ${r.big.status} in ${fmt(r.big.answerMs)} ms; ` +
          `all ${fmt(BIG_ALERTS)} readable after ${r.big.readableAfter === null ? 'NEVER (limit reached)' : `${fmt(r.big.readableAfter, 2)} s`}; ` +
          `${BIG_REPEATS} repeats back to back answered in p50 ${fmt(r.big.repeats.p50)} / p99 ${fmt(r.big.repeats.p99)} / max ${fmt(r.big.repeats.max)} ms` +
          `${r.big.repeats.failures ? ` (${r.big.repeats.failures} NOT 2xx)` : ''}, all counted after ${r.big.repeats.countedAfter === null ? 'NEVER' : `${fmt(r.big.repeats.countedAfter, 2)} s`}`,
      );
    const failed = results.filter((r) => !r.ok);
    console.log('');
    console.log(
      failed.length
        ? `FAILED on ${failed.map((r) => r.store).join(', ')}`
        : `OK: 20 groups and 2,000 distinct alerts in every round on every store; the 8 MB body arrived whole.`,
    );
    return failed.length ? 1 : 0;
  });
}
