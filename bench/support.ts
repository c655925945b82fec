/** What every benchmark needs: number formatting, percentiles, and stopping every process it started, whatever happens. */

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
