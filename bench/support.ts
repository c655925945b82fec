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

/** Clock ticks per second, the unit of /proc's CPU times (100 where `getconf` is missing). */
export const TICKS_PER_SECOND = ((): number => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU time (user + system, every thread) the processes have used so far, in ms, from
 * /proc/<pid>/stat; throws for one that is gone (a figure without it would be wrong). On a
 * machine shared with other work, rates move with the neighbours; CPU per unit of work does
 * not (much).
 */
export function cpuMs(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + statCpuMs(`/proc/${pid}/stat`), 0);
}

/** The CPU time of a process's first thread alone (for Node, the event loop's), in ms. */
export function mainThreadCpuMs(pid: number): number {
  return statCpuMs(`/proc/${pid}/task/${pid}/stat`);
}

/** utime + stime, and with `reaped` also what its children that have ended used (cutime + cstime). */
function statCpuMs(path: string, reaped = false): number {
  const stat = readFileSync(path, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces: state is field 3, utime 14, stime 15, cutime 16, cstime 17.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  const ticks = fields[11]! + fields[12]! + (reaped ? fields[13]! + fields[14]! : 0);
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** A process's parent, or null when it is not on this machine (or gone). */
export function parentOf(pid: number): number | null {
  try {
    const ppid = /^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return ppid ? Number(ppid[1]) : null;
  } catch {
    return null;
  }
}

/** The processes whose parent is `pid`, from /proc. */
export function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && parentOf(Number(entry)) === pid)
    .map(Number);
}

/**
 * CPU used from now on by a PostgreSQL server running on this machine, in ms: its postmaster
 * and every process under it (backends, background workers), those opened meanwhile in full,
 * and those that ended meanwhile through what the postmaster reaped from them.
 */
export function postgresCpuMeter(postmaster: number): () => number {
  const read = (pid: number) => {
    try {
      return statCpuMs(`/proc/${pid}/stat`, pid === postmaster);
    } catch {
      // Ended meanwhile: what it used is in the postmaster's reaped time once it is reaped.
      return null;
    }
  };
  const start = new Map([postmaster, ...childrenOf(postmaster)].map((pid) => [pid, read(pid)]));
  return () => {
    let used = 0;
    const seen = new Set([postmaster, ...childrenOf(postmaster)]);
    for (const pid of seen) {
      const now = read(pid);
      if (now !== null) used += now - (start.get(pid) ?? 0);
    }
    // One that ended meanwhile is in the reaped time whole: its part from before the start is not this meter's.
    for (const [pid, before] of start) if (!seen.has(pid) && before !== null) used -= before;
    return used;
  };
}
