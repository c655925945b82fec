/**
 * nginx serving a status page export with the shipped configuration
 * (docs/nginx-status-page.conf), started as an ordinary process with its own prefix in a
 * temp folder (no root, no system files touched), and the header-by-header comparison of
 * its answers with the live server's. Used by test/status-page/nginx.test.ts and
 * `npm run bench -- status-page`.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { freePort, ROOT } from './harness.js';

export const NGINX_CONF = join(ROOT, 'docs/nginx-status-page.conf');

export interface Nginx {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Where the Debian package puts nginx, or null when it is not installed. */
export function nginxBinary(): string | null {
  for (const path of ['/usr/sbin/nginx', '/usr/bin/nginx']) if (existsSync(path)) return path;
  try {
    return execFileSync('sh', ['-c', 'command -v nginx']).toString().trim() || null;
  } catch {
    return null;
  }
}

/** The shipped server block, listening on `port` and serving `root`. */
export function statusServerBlock(root: string, port: number): string {
  const conf = readFileSync(NGINX_CONF, 'utf8');
  if (!/^\s*listen\s+[^;]+;/m.test(conf) || !/^\s*root\s+[^;]+;/m.test(conf)) throw new Error(`${NGINX_CONF} has no listen or root line to set`);
  return conf.replace(/^(\s*)listen\s+[^;]+;/m, `$1listen 127.0.0.1:${port};`).replace(/^(\s*)root\s+[^;]+;/m, `$1root ${root};`);
}

/**
 * Starts nginx (one worker, no access log) with the shipped server block for `root`.
 * `http`: extra http-level settings (the bench's default and tuned variants); `command`
 * prefixes the command line (the bench pins it to a core with taskset).
 */
export async function startStatusNginx(root: string, options: { http?: string; command?: string[] } = {}): Promise<Nginx> {
  const port = await freePort();
  return startNginx(statusServerBlock(root, port), port, '/api/v2/summary.json', options);
}

/** The shipped docs/nginx-instances.conf in front of the servers on `upstreams`, listening on `port`. */
export function instancesServerBlock(port: number, upstreams: number[]): string {
  const shipped = readFileSync(join(ROOT, 'docs/nginx-instances.conf'), 'utf8');
  const servers = shipped.match(/^ {2}server 127\.0\.0\.1:\d+ max_fails=0;$/gm) ?? [];
  if (servers.length !== 2 || !/^ {2}listen 80;$/m.test(shipped)) throw new Error('docs/nginx-instances.conf no longer has two upstream servers and `listen 80;`');
  return shipped
    .replace(servers.join('\n'), upstreams.map((p) => `  server 127.0.0.1:${p} max_fails=0;`).join('\n'))
    .replace(/^ {2}listen 80;$/m, `  listen 127.0.0.1:${port};`);
}

/** nginx with `serverBlock` (listening on `port`) in a temp prefix, once `readyPath` answers 2xx through it. */
export async function startNginx(serverBlock: string, port: number, readyPath: string, options: { http?: string; command?: string[] } = {}): Promise<Nginx> {
  const binary = nginxBinary();
  if (!binary) throw new Error('nginx is not installed (Debian: apt-get install nginx)');
  const prefix = mkdtempSync(join(tmpdir(), 'incident-nginx-'));
  mkdirSync(join(prefix, 'logs'));
  const conf = `worker_processes 1;
daemon off;
pid ${prefix}/nginx.pid;
error_log ${prefix}/logs/error.log warn;
events { worker_connections 4096; }
http {
  ${options.http ?? ''}
  access_log off;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  ${serverBlock}
}
`;
  writeFileSync(join(prefix, 'nginx.conf'), conf);
  const [command, ...args] = [...(options.command ?? []), binary, '-p', prefix, '-c', join(prefix, 'nginx.conf')];
  const child = spawn(command!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((done) => {
      const finish = () => {
        rmSync(prefix, { recursive: true, force: true });
        done();
      };
      if (child.exitCode !== null || child.signalCode !== null) return finish();
      child.once('exit', finish);
      // QUIT lets the master finish its worker gracefully.
      child.kill('SIGQUIT');
    });
  const deadline = Date.now() + 20_000;
  let last = '';
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`nginx exited ${child.exitCode}: ${log}`);
    }
    try {
      const res = await fetch(`${url}${readyPath}`);
      if (res.ok) break;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = String((error as Error).cause ?? error);
    }
    if (Date.now() > deadline) {
      const errors = existsSync(join(prefix, 'logs/error.log')) ? readFileSync(join(prefix, 'logs/error.log'), 'utf8').slice(-1000) : '';
      await stop();
      throw new Error(`nginx did not start (${last}): ${log}${errors}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url, child, stop };
}

/** Headers that must be equal, value for value, between the live page and nginx. */
export const SAME_HEADERS = [
  'content-type',
  'cache-control',
  'content-security-policy',
  'x-content-type-options',
  'referrer-policy',
  'access-control-allow-origin',
  'last-modified',
  'content-encoding',
  'vary',
] as const;

interface Got {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A raw GET (fetch would ask for compression and undo it on its own). */
export function rawGet(base: string, path: string, headers: Record<string, string> = {}): Promise<Got> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Each path fetched from both, plain and asking for gzip: the differences, one line each
 * (none when nginx answers as the live page does). Both must send an ETag and answer 304 to
 * their own; the values differ by design (see the configuration's comment).
 */
export async function headerDifferences(live: string, nginx: string, paths: string[]): Promise<string[]> {
  const differences: string[] = [];
  for (const path of paths)
    for (const asked of [{}, { 'accept-encoding': 'gzip' }] as Record<string, string>[]) {
      const label = `${path}${'accept-encoding' in asked ? ' (gzip)' : ''}`;
      const [ours, theirs] = await Promise.all([rawGet(live, path, asked), rawGet(nginx, path, asked)]);
      if (ours.status !== theirs.status) differences.push(`${label}: status ${ours.status} live, ${theirs.status} nginx`);
      for (const name of SAME_HEADERS) {
        const [a, b] = [ours.headers[name], theirs.headers[name]].map((v) => (v === undefined ? undefined : String(v).toLowerCase()));
        if (a !== b) differences.push(`${label}: ${name} ${JSON.stringify(a)} live, ${JSON.stringify(b)} nginx`);
      }
      if (!ours.body.equals(theirs.body) && !('accept-encoding' in asked)) differences.push(`${label}: the bytes differ`);
      for (const [who, base, got] of [['live', live, ours], ['nginx', nginx, theirs]] as const) {
        const etag = got.headers.etag;
        if (typeof etag !== 'string') {
          differences.push(`${label}: no ETag from ${who}`);
          continue;
        }
        const again = await rawGet(base, path, { ...asked, 'if-none-match': etag });
        if (again.status !== 304) differences.push(`${label}: ${who} answers ${again.status}, not 304, to its own ETag`);
      }
    }
  return differences;
}
