/**
 * Reminders (issue 3, "How fast"). On 127.0.0.1 only, bounded, stops by itself:
 *
 * 1. SQLite, one real server process: 10,000 open SEV2 incidents (not public: `POLICY`), each promising its next
 *    update at a moment spread evenly over 60 s, so each has one `update_overdue` reminder
 *    due in that minute (the promise is made less than the 5 min lead time ahead, so no
 *    due-soon; the escalation is 30 min later). The incidents are seeded before the server
 *    starts, straight into its database through the same commands and `Repository.append`
 *    as the API: the reminders are the real stored rows. Prints the p50/p99/max lateness
 *    of the firings (the `UpdateOverdue` event's `recorded_at` minus its `promisedBy`,
 *    as the server recorded them), duplicates and misses (both must be 0), and the server
 *    process's CPU (utime + stime from /proc/<pid>/stat) while idle after the last firing,
 *    as a % of one core, and while firing.
 * 2. Baseline, in the same run and at the same moments: a plain Node process with one
 *    setTimeout per deadline that only notes the time; its lateness and idle CPU, and the
 *    ratios ours / baseline.
 * 3. PostgreSQL (INCIDENT_TEST_DATABASE_URL or DATABASE_URL), two server processes on one
 *    database, the same 10,000 incidents: duplicates and misses (must be 0), lateness,
 *    firings per instance, each instance's idle CPU.
 *
 * Exit code 0 when every "must" holds, 1 otherwise.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { TICKS_PER_SECOND, bounded, cpuMs, fmt, percentile, running, sleep, stopAll } from './support.js';
import { ADMIN_TOKEN, PG_URL, freshDatabase, startServerProcess, type Database, type ServerProcess, type StoreKind } from '../test/support/harness.js';

/**
 * The seeding runs the built code the server runs (dist/, built by `prebench`), not the
 * sources: were they to differ (an edit since the build), the server would find a read
 * model written by another READ_MODEL_VERSION and re-fold every incident at start.
 */
const built = <T>(path: string) => import(new URL(`../dist/${path}`, import.meta.url).href) as Promise<T>;
const [{ Store }, { buildConfig }, { bootstrapAdmin }, { declareIncident }, { postUpdate }] = await Promise.all([
  built<typeof import('../src/store/store.js')>('store/store.js'),
  built<typeof import('../src/config/load.js')>('config/load.js'),
  built<typeof import('../src/commands/bootstrap-admin.js')>('commands/bootstrap-admin.js'),
  built<typeof import('../src/commands/declare-incident.js')>('commands/declare-incident.js'),
  built<typeof import('../src/commands/post-update.js')>('commands/post-update.js'),
]);

/**
 * The built-in SEV2 (1 h cadence, 5 min due-soon lead, escalation after 30 min), told to
 * stakeholders instead of the public status page: 10,000 public incidents would have every
 * firing re-render a status page that lists all of them, which measures the status page
 * (issue 5), not the scheduler.
 */
const POLICY = {
  severities: [
    {
      id: 'SEV2',
      name: 'Major',
      impact: 'Significant degradation, or one feature broken for many users',
      response: 'On-call + relevant SMEs, IC assigned',
      updateEvery: '1h',
      audience: 'stakeholders',
      roles: 'comms-separate',
      postmortem: 'required',
    },
  ],
};

const INCIDENTS = 10_000;
const SPREAD_MS = 60_000;
const BATCH = 250;
/** Longer than the scheduler's and the notifier's longest sleep (30 s), so it holds each one's periodic wake-up. */
const IDLE_WINDOW_MS = 31_000;
/** After the last deadline: how long the firings may take to all appear before the rest count as missed. */
const FIRING_LIMIT_MS = 60_000;
const OVERALL_LIMIT_MS = 12 * 60_000;

const sleepUntil = (at: number) => sleep(Math.max(0, at - Date.now()));

interface Lateness {
  p50: number;
  p99: number;
  max: number;
}

function lateness(values: number[]): Lateness {
  const sorted = [...values].sort((a, b) => a - b);
  if (!sorted.length) return { p50: NaN, p99: NaN, max: NaN };
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1]! };
}

// ---------------------------------------------------------------- CPU from /proc

interface CpuWindow {
  /** CPU ms used over the window. */
  used: number;
  /** Wall ms of the window. */
  wall: number;
}

const percentOfCore = (w: CpuWindow) => (100 * w.used) / w.wall;

async function measureIdle(pids: number[], ms: number): Promise<CpuWindow[]> {
  const start = pids.map((pid) => cpuMs([pid]));
  const t0 = Date.now();
  await sleep(ms);
  const wall = Date.now() - t0;
  return pids.map((pid, i) => ({ used: cpuMs([pid]) - start[i]!, wall }));
}

// ---------------------------------------------------------------- seeding

/**
 * Declares `dues.length` SEV2 incidents and posts each one's first update promising the next
 * by `dues[i]`, in transactions of BATCH, through the commands the API runs. `dues` is
 * computed once the declarations are in, from how long they took: `plan(declareMs)`.
 */
async function seed(db: Database, plan: (declareMs: number) => number[]): Promise<{ declareMs: number; updateMs: number; dues: number[] }> {
  const store = await Store.open({ databaseUrl: db.env.DATABASE_URL, dataDir: db.dataDir });
  try {
    const config = buildConfig(POLICY, 'bench');
    await bootstrapAdmin(store, db.dataDir, new Date().toISOString(), ADMIN_TOKEN);
    const actor = (await store.people.get('admin'))!;
    const numbers: number[] = [];
    const t0 = Date.now();
    for (let from = 0; from < INCIDENTS; from += BATCH)
      await store.transaction(async (tx) => {
        for (let i = from; i < Math.min(INCIDENTS, from + BATCH); i++) {
          const declared = await declareIncident({ tx, config, actor, now: new Date().toISOString() }, { title: `Reminder bench ${i}`, severity: 'SEV2' });
          numbers.push(declared.state.number);
        }
      });
    const declareMs = Date.now() - t0;
    const dues = plan(declareMs);
    const t1 = Date.now();
    for (let from = 0; from < INCIDENTS; from += BATCH)
      await store.transaction(async (tx) => {
        for (let i = from; i < Math.min(INCIDENTS, from + BATCH); i++)
          await postUpdate({ tx, config, actor, now: new Date().toISOString() }, numbers[i]!, {
            status: 'investigating',
            impact: 'Checkout fails for some users.',
            whatWeKnow: 'Looking into it.',
            nextStep: 'Find the cause.',
            nextUpdateBy: new Date(dues[i]!).toISOString(),
          });
      });
    return { declareMs, updateMs: Date.now() - t1, dues };
  } finally {
    await store.close();
  }
}

/**
 * The deadlines: evenly over SPREAD_MS, starting once the updates are posted and the
 * server(s) have started — estimated from the declarations (posting an update costs about
 * the same; each server's start-up re-derives every incident's reminders, about half as
 * much again), with room to spare so the servers are idle when the first one falls due.
 * `slack` multiplies it for a second try when a loaded machine made the estimate too short.
 */
function planDeadlines(declareMs: number, startups: number, slack: number): number[] {
  const first = Date.now() + Math.round(declareMs * (1.2 + startups / 2) * slack) + 10_000 * slack;
  return Array.from({ length: INCIDENTS }, (_, i) => first + Math.round((i * SPREAD_MS) / INCIDENTS));
}

// ---------------------------------------------------------------- reading what the servers recorded

interface Firing {
  incident: number;
  due: number;
  recorded: number;
}

interface Probe {
  /** Every `UpdateOverdue` event, one row each (duplicates included). */
  firings(): Promise<Firing[]>;
  /** Fired reminders per claiming instance. */
  byInstance(): Promise<Map<string, number>>;
  close(): Promise<void>;
}

type FiringRow = { incident: number | string; recorded_at: string; data: string };
const FIRINGS_SQL = `select incident, recorded_at, data from incident_events where type = 'UpdateOverdue'`;
const BY_INSTANCE_SQL = `select claimed_by, count(*) as n from reminders where outcome = 'fired' group by claimed_by`;
const toFiring = (r: FiringRow): Firing => ({
  incident: Number(r.incident),
  due: Date.parse((JSON.parse(r.data) as { promisedBy: string }).promisedBy),
  recorded: Date.parse(r.recorded_at),
});

async function probe(db: Database): Promise<Probe> {
  if (db.kind === 'sqlite') {
    const sqlite = new SQLite(join(db.dataDir, 'incident.sqlite'), { readonly: true });
    return {
      firings: async () => (sqlite.prepare(FIRINGS_SQL).all() as FiringRow[]).map(toFiring),
      byInstance: async () => new Map((sqlite.prepare(BY_INSTANCE_SQL).all() as { claimed_by: string; n: number }[]).map((r) => [r.claimed_by, Number(r.n)])),
      close: async () => void sqlite.close(),
    };
  }
  const client = new pg.Client({ connectionString: db.env.DATABASE_URL });
  await client.connect();
  return {
    firings: async () => (await client.query<FiringRow>(FIRINGS_SQL)).rows.map(toFiring),
    byInstance: async () => new Map((await client.query<{ claimed_by: string; n: string }>(BY_INSTANCE_SQL)).rows.map((r) => [r.claimed_by, Number(r.n)])),
    close: () => client.end(),
  };
}

/** Polls until every incident has fired (or the limit after the last deadline passes); answers what is recorded then. */
async function awaitFirings(p: Probe, lastDue: number): Promise<Firing[]> {
  for (;;) {
    const fired = await p.firings();
    if (new Set(fired.map((f) => f.incident)).size >= INCIDENTS || Date.now() > lastDue + FIRING_LIMIT_MS) return fired;
    await sleep(1_000);
  }
}

// ---------------------------------------------------------------- the baseline: plain timers

/** One setTimeout per deadline, each noting how late it ran; then idle until killed. Plain Node, no dependencies. */
const TIMERS_SOURCE = `
let input = '';
process.stdin.on('data', (d) => (input += d));
process.stdin.on('end', () => {
  const dues = JSON.parse(input);
  const late = new Array(dues.length);
  let left = dues.length;
  dues.forEach((due, i) =>
    setTimeout(() => {
      late[i] = Date.now() - due;
      if (--left === 0) process.stdout.write(JSON.stringify(late) + '\\n');
    }, due - Date.now()),
  );
  setTimeout(() => {}, 3_600_000);
});
`;

interface Baseline {
  child: ChildProcess;
  /** Resolves with each timer's lateness once all have run. */
  done: Promise<number[]>;
}

function startTimers(dues: number[]): Baseline {
  const child = spawn(process.execPath, ['-e', TIMERS_SOURCE], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  const done = new Promise<number[]>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.endsWith('\n')) resolve(JSON.parse(out) as number[]);
    });
    child.once('exit', (code) => reject(new Error(`the timer baseline exited (${code}) before its timers ran`)));
  });
  child.stdin!.end(JSON.stringify(dues));
  running.add({ stop: async () => void child.kill('SIGKILL') });
  return { child, done };
}

// ---------------------------------------------------------------- one store

interface Run {
  store: StoreKind;
  servers: number;
  seeding: { declareMs: number; updateMs: number };
  /** ms from the last server being ready to the first deadline (negative: it was late). */
  readyAhead: number;
  firings: number;
  duplicates: number;
  missed: number;
  lateness: Lateness;
  /** CPU while firing, per server: over the minute of deadlines. */
  busy: CpuWindow[];
  idle: CpuWindow[];
  byInstance: Map<string, number>;
  baseline: { lateness: Lateness; idle: CpuWindow } | null;
  ok: boolean;
}

/**
 * One store, tried again once with three times the lead when the seeding or the start-up
 * ran into the deadlines: firings late because the server was not up yet say nothing
 * about the scheduler.
 */
async function runStore(kind: StoreKind, servers: number, withBaseline: boolean): Promise<Run> {
  const first = await tryStore(kind, servers, withBaseline, 1);
  if (first !== 'too late') return first;
  console.log(`  ${kind}: the seeding and start-up ran into the deadlines (a loaded machine?); once more with three times the lead`);
  const second = await tryStore(kind, servers, withBaseline, 3);
  if (second !== 'too late') return second;
  throw new Error(`${kind}: the seeding and start-up ran into the deadlines twice; the machine is too loaded to measure`);
}

async function tryStore(kind: StoreKind, servers: number, withBaseline: boolean, slack: number): Promise<Run | 'too late'> {
  const db = await freshDatabase(kind);
  const configFile = join(db.dataDir, 'bench.config.yaml');
  // The servers run the seeder's policy (JSON is YAML), whatever INCIDENT_CONFIG the environment has.
  writeFileSync(configFile, JSON.stringify(POLICY));
  const started: ServerProcess[] = [];
  let p: Probe | null = null;
  try {
    process.stdout.write(`  ${kind}: seeding ${fmt(INCIDENTS)} incidents… `);
    const seeded = await seed(db, (declareMs) => planDeadlines(declareMs, servers, slack)).catch((error: unknown) => {
      // A deadline that passed before its update was posted is refused as in the past.
      if ((error as { code?: string }).code !== 'NEXT_UPDATE_IN_PAST') throw error;
      process.stdout.write('a deadline passed before its update was posted\n');
      return 'too late' as const;
    });
    if (seeded === 'too late') return seeded;
    const firstDue = seeded.dues[0]!;
    const lastDue = seeded.dues[seeded.dues.length - 1]!;
    process.stdout.write(`declared in ${fmt(seeded.declareMs / 1000, 1)} s, updates posted in ${fmt(seeded.updateMs / 1000, 1)} s; `);
    started.push(...(await Promise.all(Array.from({ length: servers }, () => startServerProcess(db, { INCIDENT_CONFIG: configFile })))));
    // Killed at the end: a graceful stop would first finish any backlog of firings, and there is nothing to keep.
    for (const s of started) running.add({ stop: () => s.stop('SIGKILL') });
    const readyAhead = firstDue - Date.now();
    process.stdout.write(`${servers === 1 ? 'server' : `${servers} servers`} ready ${fmt(readyAhead / 1000, 1)} s before the first deadline\n`);
    if (readyAhead < 3_000) return 'too late';
    const baseline = withBaseline ? startTimers(seeded.dues) : null;
    p = await probe(db);

    const pids = started.map((s) => s.child.pid!);
    await sleepUntil(firstDue);
    const busyStart = pids.map((pid) => cpuMs([pid]));
    const busyT0 = Date.now();
    await sleepUntil(lastDue);
    const busyWall = Date.now() - busyT0;
    const busy = pids.map((pid, i) => ({ used: cpuMs([pid]) - busyStart[i]!, wall: busyWall }));
    process.stdout.write(`  ${kind}: deadlines passed; waiting for the firings… `);
    const fired = await awaitFirings(p, lastDue);
    process.stdout.write(`${fmt(fired.length)} recorded; idle for ${IDLE_WINDOW_MS / 1000} s… `);
    // Let the notification processor finish with the outbox the firings filled before calling it idle.
    await sleep(3_000);
    const all = [...pids, ...(baseline ? [baseline.child.pid!] : [])];
    const idleAll = await measureIdle(all, IDLE_WINDOW_MS);
    process.stdout.write('done\n');

    const firedAgain = await p.firings();
    const perIncident = new Map<number, number>();
    for (const f of firedAgain) perIncident.set(f.incident, (perIncident.get(f.incident) ?? 0) + 1);
    const duplicates = [...perIncident.values()].reduce((n, c) => n + c - 1, 0);
    const missed = INCIDENTS - perIncident.size;
    const byInstance = await p.byInstance();
    let baselineResult: Run['baseline'] = null;
    if (baseline) baselineResult = { lateness: lateness(await baseline.done), idle: idleAll[pids.length]! };
    const ok = duplicates === 0 && missed === 0;
    if (!ok) for (const s of started) console.error(`    server log (tail):\n${s.output().slice(-2000)}`);
    return {
      store: kind,
      servers,
      seeding: { declareMs: seeded.declareMs, updateMs: seeded.updateMs },
      readyAhead,
      firings: firedAgain.length,
      duplicates,
      missed,
      lateness: lateness(firedAgain.map((f) => f.recorded - f.due)),
      busy,
      idle: idleAll.slice(0, pids.length),
      byInstance,
      baseline: baselineResult,
      ok,
    };
  } finally {
    await p?.close();
    await stopAll();
    await db.cleanup();
  }
}

// ---------------------------------------------------------------- main

const ms = (n: number) => (Number.isNaN(n) ? '-' : fmt(n));
const pct = (w: CpuWindow) => `${fmt(percentOfCore(w), 2)}%`;
const ratio = (ours: number, base: number) => (base > 0 ? `${fmt(ours / base, 1)}×` : ours > 0 ? '∞ (baseline 0)' : 'both 0');

function report(r: Run): void {
  const name = `${r.store}, ${r.servers} server${r.servers === 1 ? '' : 's'}`;
  console.log(`  ${name}:`);
  console.log(
    `    firings ${fmt(r.firings)} for ${fmt(INCIDENTS)} deadlines: duplicates ${r.duplicates} (must be 0), ` +
      `missed ${r.missed} (not fired ${FIRING_LIMIT_MS / 1000} s after the last deadline; must be 0)` +
      (r.servers > 1 ? `; fired by ${[...r.byInstance.entries()].map(([who, n]) => `${who.split(':').slice(1, 2).join('')}=${fmt(n)}`).join(', ')}` : ''),
  );
  console.log(
    `    lateness (recorded - due): p50 ${ms(r.lateness.p50)} ms, p99 ${ms(r.lateness.p99)} ms, max ${ms(r.lateness.max)} ms` +
      `  [goal p99 < 1,000 ms: ${r.lateness.p99 < 1_000 ? 'met' : 'NOT met'}]`,
  );
  r.idle.forEach((w, i) =>
    console.log(
      `    server${r.servers > 1 ? ` ${i + 1}` : ''} CPU: ${r.missed ? 'NOT idle (firings still pending)' : 'idle'} ${pct(w)} of a core (${fmt(w.used)} ms over ${fmt(w.wall / 1000, 1)} s after the last firing); ` +
        `while firing ${pct(r.busy[i]!)} (${fmt(r.busy[i]!.used)} ms over the ${fmt(r.busy[i]!.wall / 1000, 1)} s of deadlines)`,
    ),
  );
  if (r.baseline) {
    const b = r.baseline;
    console.log(
      `    baseline (plain setTimeout, same moments): lateness p50 ${ms(b.lateness.p50)} ms, p99 ${ms(b.lateness.p99)} ms, max ${ms(b.lateness.max)} ms; ` +
        `idle ${pct(b.idle)} of a core (${fmt(b.idle.used)} ms over ${fmt(b.idle.wall / 1000, 1)} s)`,
    );
    console.log(
      `    ratio ours / baseline: lateness p99 ${ratio(r.lateness.p99, b.lateness.p99)}, max ${ratio(r.lateness.max, b.lateness.max)}; ` +
        `idle CPU ${ratio(r.idle[0]!.used, b.idle.used)} (${fmt(r.idle[0]!.used)} ms vs ${fmt(b.idle.used)} ms)`,
    );
  }
  console.log(`    seeding: declared in ${fmt(r.seeding.declareMs / 1000, 1)} s, updates in ${fmt(r.seeding.updateMs / 1000, 1)} s; ready ${fmt(r.readyAhead / 1000, 1)} s before the first deadline`);
}

export async function main(args: string[]): Promise<number> {
  if (args.length) {
    console.error(`reminders takes no arguments (got ${args.join(' ')}); PostgreSQL runs when INCIDENT_TEST_DATABASE_URL or DATABASE_URL is set.`);
    return 2;
  }
  console.log(
    `reminders: ${fmt(INCIDENTS)} open SEV2 incidents (audience stakeholders), one update_overdue deadline each, spread over ${SPREAD_MS / 1000} s; real server processes on 127.0.0.1, Node ${process.version}`,
  );
  console.log(`  CPU: utime + stime from /proc/<pid>/stat, in ${1000 / TICKS_PER_SECOND} ms ticks; idle = the ${IDLE_WINDOW_MS / 1000} s after every firing is recorded`);
  if (!PG_URL) console.log('  (PostgreSQL: skipped; set INCIDENT_TEST_DATABASE_URL or DATABASE_URL to run it)');
  return bounded('reminders', OVERALL_LIMIT_MS, async () => {
    const runs: Run[] = [await runStore('sqlite', 1, true)];
    if (PG_URL) runs.push(await runStore('postgres', 2, false));
    console.log('');
    for (const r of runs) report(r);
    const failed = runs.filter((r) => !r.ok);
    console.log('');
    console.log(failed.length ? `FAILED on ${failed.map((r) => r.store).join(', ')}` : 'OK: every deadline fired exactly once on every store.');
    return failed.length ? 1 : 0;
  });
}
