/**
 * A real Prometheus Alertmanager (Debian package `prometheus-alertmanager`) as a child
 * process on 127.0.0.1, clustering off, its own temp storage: for the real-Alertmanager
 * test and the alert-storm benchmark. Also Alertmanager-shaped payloads.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './harness.js';

export const ALERTMANAGER_BIN = process.env.ALERTMANAGER_BIN || '/usr/bin/prometheus-alertmanager';
export const hasAlertmanager = (): boolean => existsSync(ALERTMANAGER_BIN);

/** Alertmanager's "still firing" endsAt in webhook bodies. */
export const FIRING_ENDS_AT = '0001-01-01T00:00:00Z';

export interface AlertmanagerProcess {
  url: string;
  port: number;
  child: ChildProcess;
  output(): string;
  /** Alertmanager's own Prometheus metrics, as text. */
  metrics(): Promise<string>;
  stop(): Promise<void>;
}


/** Starts Alertmanager with `configYaml`; resolves once `/-/ready` answers (at most 20 s). */
export async function startAlertmanager(configYaml: string): Promise<AlertmanagerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'alertmanager-'));
  const configFile = join(dir, 'alertmanager.yml');
  writeFileSync(configFile, configYaml);
  const port = await freePort();
  let log = '';
  const child = spawn(
    ALERTMANAGER_BIN,
    [
      `--config.file=${configFile}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (d) => (log += d));
  child.stderr?.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((done) => {
      const finish = () => {
        rmSync(dir, { recursive: true, force: true });
        done();
      };
      if (child.exitCode !== null || child.signalCode !== null) return finish();
      const hard = setTimeout(() => child.kill('SIGKILL'), 5_000);
      child.once('exit', () => {
        clearTimeout(hard);
        finish();
      });
      child.kill('SIGTERM');
    });
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`alertmanager exited with ${child.exitCode}:\n${log}`);
    }
    try {
      const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`alertmanager did not become ready:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    child,
    output: () => log,
    metrics: async () => (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) })).text(),
    stop,
  };
}

/** An alert as Alertmanager's API v2 takes it (`POST /api/v2/alerts`). */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
  generatorURL?: string;
}

/** Posts alerts to Alertmanager's own API; throws unless it answers 200. */
export async function postToAlertmanager(am: { url: string }, alerts: PostableAlert[]): Promise<void> {
  const res = await fetch(`${am.url}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(alerts),
    signal: AbortSignal.timeout(30_000),
  });
  if (res.status !== 200) throw new Error(`alertmanager answered ${res.status}: ${await res.text()}`);
  await res.body?.cancel();
}

/** The sum of a counter over the series whose labels include `match` (0 when absent). */
export function metricSum(text: string, name: string, match: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const labels = m[2] ?? '';
    if (Object.entries(match).every(([k, v]) => labels.includes(`${k}="${v}"`))) sum += Number(m[3]);
  }
  return sum;
}

/** Alertmanager's fingerprint is a hash of the label set; any stable hash serves for recorded bodies. */
export function fingerprint(labels: Record<string, string>): string {
  const text = Object.keys(labels)
    .sort()
    .map((k) => `${k}\u0000${labels[k]}`)
    .join('\u0000');
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

export interface WebhookAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

/** A webhook (version 4) body for one group, shaped as Alertmanager 0.25 sends it. */
export function webhookBody(groupLabels: Record<string, string>, alerts: WebhookAlert[], receiver = 'incident-command'): Record<string, unknown> {
  const common: Record<string, string> = {};
  const first = alerts[0]?.labels ?? {};
  for (const [k, v] of Object.entries(first)) if (alerts.every((a) => a.labels[k] === v)) common[k] = v;
  const firstAnnotations = alerts[0]?.annotations ?? {};
  const commonAnnotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(firstAnnotations)) if (alerts.every((a) => a.annotations[k] === v)) commonAnnotations[k] = v;
  const groupKey = `{}:{${Object.entries(groupLabels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ')}}`;
  return {
    receiver,
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    alerts,
    groupLabels,
    commonLabels: common,
    commonAnnotations,
    externalURL: 'http://alertmanager.example:9093',
    version: '4',
    groupKey,
    truncatedAlerts: 0,
  };
}
