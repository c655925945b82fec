/**
 * `npm run bench -- slack` (issue 12 "How fast"), in process, against the fake Slack
 * answering every call in 50 ms, on SQLite and then PostgreSQL (INCIDENT_TEST_DATABASE_URL):
 *
 * 1. 50 incidents declared at once through the API: time until every room has its pinned announcement.
 * 2. 500 timeline notes (10 per incident, in waves of one per incident) through the API:
 *    p50/p99 from the commit (the API's answer) to the note reaching the fake, beside a bare
 *    @slack/web-api loop per channel handed the same messages at the same moments (the ratio).
 * 3. Meanwhile, 100 signed `/incident status` slash commands: p50/p99 of the acknowledgement.
 */
import { WebClient } from '@slack/web-api';
import { slackApp } from '../test/support/slack-app.js';
import { STORE_KINDS } from '../test/support/harness.js';
import { bounded, fmt, percentile, sleep } from './support.js';

const INCIDENTS = 50;
const NOTES_PER_INCIDENT = 10;

async function run(kind: 'sqlite' | 'postgres'): Promise<void> {
  const s = await slackApp(kind);
  // The workers read the test clock: keep it at the real time.
  const tick = setInterval(() => s.clock.set(new Date().toISOString()), 20);
  try {
    s.slack.delayMs = 50;
    await s.api('POST', '/api/v1/people', { handle: 'alice', name: 'Alice', role: 'responder', chat: { slack: 'UALICE01' } });
    const arrived = new Map<string, number>();
    s.slack.onMessage = (_channel, text) => {
      const marker = /\[m(\d+)\]/.exec(text);
      if (marker) arrived.set(marker[1]!, performance.now());
    };

    const declaredAt = performance.now();
    const ids: string[] = await Promise.all(
      Array.from({ length: INCIDENTS }, async (_, i) => (await s.api('POST', '/api/v1/incidents', { title: `Bench incident ${i}`, severity: 'SEV2', commander: 'alice' })).json().id as string),
    );
    while ([...s.slack.channels.values()].filter((c) => c.pins.length).length < INCIDENTS) await sleep(10);
    const roomsMs = performance.now() - declaredAt;

    const committed = new Map<string, { at: number; channel: string }>();
    const acks: number[] = [];
    const room = [...s.slack.channels.values()].find((c) => c.name.startsWith('inc-'))!.id;
    const slash = (async () => {
      for (let i = 0; i < 100; i++) {
        const t0 = performance.now();
        const res = await s.command('UALICE01', room, 'status');
        if (res.statusCode !== 200) throw new Error(`slash command answered ${res.statusCode}`);
        acks.push(performance.now() - t0);
        await sleep(15);
      }
    })();
    let n = 0;
    for (let wave = 0; wave < NOTES_PER_INCIDENT; wave++) {
      await Promise.all(
        ids.map(async (id) => {
          const marker = String(n++);
          const res = await s.api('POST', `/api/v1/incidents/${id}/timeline`, { kind: 'note', text: `note [m${marker}]` });
          if (res.statusCode !== 201) throw new Error(`note answered ${res.statusCode}: ${res.body}`);
          committed.set(marker, { at: performance.now(), channel: id });
        }),
      );
    }
    await slash;
    const deadline = performance.now() + 120_000;
    while (arrived.size < committed.size && performance.now() < deadline) await sleep(20);
    const ours = [...committed].map(([m, c]) => (arrived.get(m) ?? Infinity) - c.at).sort((a, b) => a - b);
    const start = Math.min(...[...committed.values()].map((c) => c.at));

    // The baseline: one bare loop per channel, handed each message at the moment ours was committed.
    const bare = new WebClient('xoxb-bench', { slackApiUrl: s.slack.url, retryConfig: { retries: 0 } });
    const baseArrived = new Map<string, number>();
    s.slack.onMessage = (_channel, text) => {
      const marker = /\[b(\d+)\]/.exec(text);
      if (marker) baseArrived.set(marker[1]!, performance.now());
    };
    const base0 = performance.now();
    const byChannel = new Map<string, [string, number][]>();
    for (const [m, c] of committed) (byChannel.get(c.channel) ?? byChannel.set(c.channel, []).get(c.channel)!).push([m, c.at - start]);
    const baseAvailable = new Map<string, number>();
    await Promise.all(
      [...byChannel].map(async ([, messages]) => {
        for (const [m, offset] of messages.sort((a, b) => a[1] - b[1])) {
          const wait = base0 + offset - performance.now();
          if (wait > 0) await sleep(wait);
          baseAvailable.set(m, base0 + offset);
          await bare.chat.postMessage({ channel: room, text: `note [b${m}]` });
        }
      }),
    );
    const baseline = [...baseAvailable].map(([m, at]) => baseArrived.get(m)! - at).sort((a, b) => a - b);
    acks.sort((a, b) => a - b);
    const p99 = percentile(ours, 99);
    const base99 = percentile(baseline, 99);
    console.log(`${kind}: ${INCIDENTS} rooms opened (pinned announcement) in ${fmt(roomsMs)} ms`);
    console.log(`${kind}: ${committed.size} notes, commit → fake Slack p50 ${fmt(percentile(ours, 50))} ms, p99 ${fmt(p99)} ms (${ours.filter((x) => x === Infinity).length} missing)`);
    console.log(`${kind}: bare @slack/web-api loop per channel, same moments: p50 ${fmt(percentile(baseline, 50))} ms, p99 ${fmt(base99)} ms; ratio p99 ${fmt(p99 / base99, 2)}`);
    console.log(`${kind}: slash-command acknowledgement while busy (100): p50 ${fmt(percentile(acks, 50), 1)} ms, p99 ${fmt(percentile(acks, 99), 1)} ms, max ${fmt(acks.at(-1)!, 1)} ms`);
    if (s.slack.violations.length) throw new Error(`calls Slack's description refuses: ${s.slack.violations.slice(0, 3).join('; ')}`);
  } finally {
    clearInterval(tick);
    await s.close();
  }
}

export async function main(): Promise<number> {
  return bounded('slack', 10 * 60_000, async () => {
    for (const kind of STORE_KINDS) await run(kind);
    return 0;
  });
}
