/** What every benchmark needs: number formatting, percentiles, CPU time from /proc, and stopping every process it started, whatever happens. */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The p-th percentile of ascending `sorted` (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Processes a benchmark started (servers, Alertmanager, timer baselines): stopped at the end, on a signal, or at the time limit. */
export const running = new Set<{ stop(): Promise<void> }>();

export async function stopAll(): Promise<void> {
  const all = [...running];
  running.clear();
  await Promise.all(all.map((p) => p.stop().catch(() => undefined)));
}

/** Runs `body` with a time limit (exit 1) and Ctrl-C (exit 130) that stop every process first; stops them at the end too. */
export async function bounded(name: string, limitMs: number, body: () => Promise<number>): Promise<number> {
  const guard = setTimeout(() => {
    console.error(`${name}: still running after ${limitMs / 60_000} minutes; stopping.`);
    void stopAll().finally(() => process.exit(1));
  }, limitMs);
  guard.unref();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stopAll().finally(() => process.exit(130)));
  try {
    return await body();
  } finally {
    clearTimeout(guard);
    await stopAll();
  }
}

export const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/**
 * CPU time (user + system, every thread) the processes have used so far, in ms, from
 * /proc/<pid>/stat; a process that is gone counts 0. On a machine shared with other work,
 * rates move with the neighbours; CPU per unit of work does not (much).
 */
export function cpuMs(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + statCpuMs(`/proc/${pid}/stat`), 0);
}

/** The CPU time of a process's first thread alone (for Node, the event loop's), in ms. */
export function mainThreadCpuMs(pid: number): number {
  return statCpuMs(`/proc/${pid}/task/${pid}/stat`);
}

function statCpuMs(path: string): number {
  let stat: string;
  try {
    stat = readFileSync(path, 'utf8');
  } catch {
    return 0;
  }
  // Fields after the command name, which is in parentheses and may hold spaces: state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

/** The PostgreSQL server's processes on this machine (postmaster, backends, background workers). */
export function postgresPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/**
 * CPU used from now on by the processes `pids()` names when asked (read again at the end,
 * so a backend opened meanwhile counts in full), in ms.
 */
export function cpuMeter(pids: () => number[]): () => number {
  const start = new Map(pids().map((pid) => [pid, cpuMs([pid])]));
  return () => pids().reduce((sum, pid) => sum + cpuMs([pid]) - (start.get(pid) ?? 0), 0);
}
