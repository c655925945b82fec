/**
 * `npm run bench -- slack` (issue 12 "How fast"), in process, against the fake Slack
 * answering every call in 50 ms, on SQLite and then PostgreSQL (INCIDENT_TEST_DATABASE_URL):
 *
 * 1. 50 incidents declared at once through the API: time until every room has its pinned announcement.
 * 2. 500 timeline notes (10 per incident, in waves of one per incident) through the API:
 *    p50/p99 from the commit (the API's answer) to the note reaching the fake, beside a bare
 *    @slack/web-api loop per channel handed the same message at the same moment (the ratio).
 *    The bare loops run alongside ours, in the same process against the same fake, so both
 *    see the same load; each posts to a channel of its own, in order, one call at a time.
 *    Afterwards the bare loops replay the same notes at the same moments in the idle process:
 *    a second ratio, against Slack calls with nothing else to do. The event loop's delay
 *    while the notes went out says how busy the process was.
 * 3. Meanwhile, 100 signed `/incident status` slash commands: p50/p99 of the acknowledgement.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
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
    const baseArrived = new Map<string, number>();
    const idleArrived = new Map<string, number>();
    const arrivals = { m: arrived, b: baseArrived, i: idleArrived };
    s.slack.onMessage = (_channel, text) => {
      const marker = /\[([mbi])(\d+)\]/.exec(text);
      if (marker) arrivals[marker[1] as keyof typeof arrivals].set(marker[2]!, performance.now());
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
    // The baseline: one bare loop per channel, handed each note the moment ours was committed.
    const bare = new WebClient('xoxb-bench', { slackApiUrl: s.slack.url, retryConfig: { retries: 0 } });
    const bareQueues = new Map<string, Promise<void>>();
    const bareSend = (id: string, marker: string) =>
      bareQueues.set(id, (bareQueues.get(id) ?? Promise.resolve()).then(async () => void (await bare.chat.postMessage({ channel: `bare-${id.toLowerCase()}`, text: `note [b${marker}]` }))));
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    let n = 0;
    for (let wave = 0; wave < NOTES_PER_INCIDENT; wave++) {
      await Promise.all(
        ids.map(async (id) => {
          const marker = String(n++);
          const res = await s.api('POST', `/api/v1/incidents/${id}/timeline`, { kind: 'note', text: `note [m${marker}]` });
          if (res.statusCode !== 201) throw new Error(`note answered ${res.statusCode}: ${res.body}`);
          committed.set(marker, { at: performance.now(), channel: id });
          bareSend(id, marker);
        }),
      );
    }
    await slash;
    await Promise.all(bareQueues.values());
    const deadline = performance.now() + 120_000;
    while (arrived.size < committed.size && performance.now() < deadline) await sleep(20);
    loopDelay.disable();
    const ours = [...committed].map(([m, c]) => (arrived.get(m) ?? Infinity) - c.at).sort((a, b) => a - b);
    const baseline = [...committed].map(([m, c]) => baseArrived.get(m)! - c.at).sort((a, b) => a - b);

    // The same notes at the same moments, by the bare loops alone.
    const start = Math.min(...[...committed.values()].map((c) => c.at));
    const idle0 = performance.now();
    const byChannel = new Map<string, [string, number][]>();
    for (const [m, c] of committed) (byChannel.get(c.channel) ?? byChannel.set(c.channel, []).get(c.channel)!).push([m, c.at - start]);
    await Promise.all(
      [...byChannel].map(async ([id, messages]) => {
        for (const [m, offset] of messages.sort((a, b) => a[1] - b[1])) {
          const wait = idle0 + offset - performance.now();
          if (wait > 0) await sleep(wait);
          await bare.chat.postMessage({ channel: `bare-${id.toLowerCase()}`, text: `note [i${m}]` });
        }
      }),
    );
    const idle = [...committed].map(([m, c]) => idleArrived.get(m)! - (idle0 + c.at - start)).sort((a, b) => a - b);
    acks.sort((a, b) => a - b);
    const p99 = percentile(ours, 99);
    const base99 = percentile(baseline, 99);
    const idle99 = percentile(idle, 99);
    console.log(`${kind}: ${INCIDENTS} rooms opened (pinned announcement) in ${fmt(roomsMs)} ms`);
    console.log(`${kind}: ${committed.size} notes, commit → fake Slack p50 ${fmt(percentile(ours, 50))} ms, p99 ${fmt(p99)} ms (${ours.filter((x) => x === Infinity).length} missing)`);
    console.log(`${kind}: bare @slack/web-api loop per channel, same moments, same load: p50 ${fmt(percentile(baseline, 50))} ms, p99 ${fmt(base99)} ms; ratio p99 ${fmt(p99 / base99, 2)}`);
    console.log(`${kind}: the same bare loops replayed in the idle process: p50 ${fmt(percentile(idle, 50))} ms, p99 ${fmt(idle99)} ms; ratio p99 ${fmt(p99 / idle99, 2)}`);
    console.log(`${kind}: event-loop delay while the notes went out: p50 ${fmt(loopDelay.percentile(50) / 1e6)} ms, p99 ${fmt(loopDelay.percentile(99) / 1e6)} ms, max ${fmt(loopDelay.max / 1e6)} ms`);
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
