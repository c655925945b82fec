/**
 * `npm run bench -- <name>`: runs one benchmark (the `prebench` script builds dist/ first).
 *
 *   alert-storm   issue 6 "How fast": 20,000 alerts from 32 clients on SQLite, then PostgreSQL
 *                 (INCIDENT_TEST_DATABASE_URL or DATABASE_URL), beside a local Alertmanager,
 *                 and one 8 MB webhook body end to end.
 *   reminders     issue 3 "How fast": 10,000 deadlines over 60 s on one SQLite server beside plain Node timers,
 *                 then two servers on PostgreSQL: lateness, duplicates, misses, idle CPU.
 *   console       issue 4 "How fast": the built console's JS and CSS (raw, gzip, initial vs all) against the 200 KB budget;
 *                 a write's arrival at 500 SSE clients of one SQLite server (p50/p99) beside a bare Node SSE broadcast.
 *   status-page   issue 5 "How fast", issue 17 item 5: GET /status and /api/v2/summary.json under wrk (64 and 256 connections,
 *                 rounds taking turns) beside a bare Node server sending the same bytes and nginx (docs/nginx-status-page.conf,
 *                 default and tuned) serving the exported copy, checked header by header; CPU per request ratios vs bare Node
 *                 and vs nginx; servers on core 0, wrk on core 1; and a change visible on the page within 1 s under load.
 *   slack         issue 12 "How fast": 50 incidents declared at once, then 500 notes, against a fake Slack answering in 50 ms:
 *                 commit → Slack p99 beside a bare @slack/web-api loop (ratio), slash-command acknowledgement p99 while busy.
 *   faults        issue 18 "How fast, how sure": two servers on a private PostgreSQL cluster behind nginx under steady writes,
 *                 updates (webhook + e-mail), reads, alert intake and two resuming event streams; a baseline, then PostgreSQL
 *                 restarted, one server SIGKILLed, SMTP stalled, a slow webhook receiver: failed answers, lost writes,
 *                 reminders missed or doubled, recovery time per fault.
 *   pages         issue 18 item 2: a 20,000-alert group paged on SQLite, then PostgreSQL: the first page beside one
 *                 19,800 alerts deep (ratio), and the whole group walked in pages of 500.
 */
const BENCHES: Record<string, () => Promise<{ main(args: string[]): Promise<number> }>> = {
  'alert-storm': () => import('./alert-storm.js'),
  'status-page': () => import('./status-page.js'),
  console: () => import('./console.js'),
  faults: () => import('./faults.js'),
  pages: () => import('./pages.js'),
  reminders: () => import('./reminders.js'),
  slack: () => import('./slack.js'),
};

const [name, ...rest] = process.argv.slice(2);
if (!name || !(name in BENCHES)) {
  console.error(`usage: npm run bench -- <name>\nbenchmarks: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}

// Each server process is given its store explicitly: PostgreSQL comes from INCIDENT_TEST_DATABASE_URL
// (or DATABASE_URL), and a DATABASE_URL left in the environment must not turn the SQLite run into a second PostgreSQL one.
if (!process.env.INCIDENT_TEST_DATABASE_URL && process.env.DATABASE_URL) process.env.INCIDENT_TEST_DATABASE_URL = process.env.DATABASE_URL;
delete process.env.DATABASE_URL;

const bench = await BENCHES[name]!();
process.exit(await bench.main(rest));
