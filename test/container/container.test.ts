/**
 * The container: Dockerfile, .dockerignore and compose.yaml hold what an operator relies on
 * (checked always, by reading them), and the image is built and run with podman where podman
 * and the base images are on the machine (reported as skipped, with why, where not).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ADMIN_TOKEN, ROOT, freePort } from '../support/harness.js';
import { SHUTDOWN_GRACE_MS } from '../../src/http/server.js';

interface Instruction {
  keyword: string;
  args: string;
}

/** The Dockerfile's instructions, continuation lines joined, comments left out. */
function instructions(text: string): Instruction[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [keyword, ...rest] = line.split(/\s+/);
      return { keyword: keyword!.toUpperCase(), args: rest.join(' ') };
    });
}

const dockerfile = instructions(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const froms = dockerfile.flatMap((i, n) => (i.keyword === 'FROM' ? [n] : []));
const runtime = dockerfile.slice(froms[froms.length - 1]);
const baseImages = dockerfile.filter((i) => i.keyword === 'FROM').map((i) => i.args.split(/\s+/)[0]!);

describe('container files', () => {
  it('the Dockerfile builds in one stage with npm ci and runs in another, as a user other than root', () => {
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const image of baseImages) expect(image).toMatch(/(^|\/)node:20(-|$)/);
    const build = dockerfile.slice(0, froms[froms.length - 1]).map((i) => `${i.keyword} ${i.args}`);
    const ci = build.findIndex((line) => /^RUN .*\bnpm ci\b/.test(line));
    const built = build.findIndex((line) => /^RUN .*\bnpm run build\b/.test(line));
    expect(ci).toBeGreaterThan(0);
    expect(built).toBeGreaterThan(ci);
    const users = runtime.filter((i) => i.keyword === 'USER').map((i) => i.args);
    expect(users.length).toBeGreaterThan(0);
    expect(users[users.length - 1]).not.toMatch(/^(root|0)(:|$)/);
  });

  it('checks /readyz, keeps its data in a volume, and runs node itself (exec form) so that SIGTERM reaches it', () => {
    const health = runtime.find((i) => i.keyword === 'HEALTHCHECK');
    expect(health?.args).toMatch(/\bCMD\b.*\/readyz/);
    const env = runtime.filter((i) => i.keyword === 'ENV').map((i) => i.args).join(' ');
    const dataDir = /INCIDENT_DATA_DIR=(\S+)/.exec(env)?.[1];
    expect(dataDir).toBeDefined();
    const volumes = runtime.filter((i) => i.keyword === 'VOLUME').flatMap((i) => JSON.parse(i.args) as string[]);
    expect(volumes).toContain(dataDir);
    expect(env).toMatch(/HOST=0\.0\.0\.0/);
    const cmd = runtime.filter((i) => i.keyword === 'CMD');
    expect(cmd).toHaveLength(1);
    const argv = JSON.parse(cmd[0]!.args) as string[];
    expect(argv[0]).toBe('node');
    expect(argv).toContain('serve');
    expect(runtime.some((i) => i.keyword === 'ENTRYPOINT')).toBe(false);
  });

  it('copies only what exists and what .dockerignore lets through', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    for (const left of ['node_modules', 'dist', 'data', '.git']) expect(ignored).toContain(left);
    const sources = dockerfile
      .filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from'))
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(existsSync(join(ROOT, source)), source).toBe(true);
      expect(ignored, source).not.toContain(source);
    }
  });

  it('ships the drill scripts at /app/drills, next to dist/, where the server looks for them (README "Drills")', () => {
    const copies = runtime.filter((i) => i.keyword === 'COPY').map((i) => i.args);
    expect(copies).toContain('drills drills');
    expect(runtime.find((i) => i.keyword === 'WORKDIR')?.args).toBe('/app');
  });

  it('compose.yaml starts the server once PostgreSQL is healthy, with DATABASE_URL pointing at it', () => {
    const compose = parse(readFileSync(join(ROOT, 'compose.yaml'), 'utf8')) as {
      services: Record<string, { image?: string; build?: unknown; healthcheck?: { test?: unknown }; depends_on?: Record<string, { condition?: string }>; environment?: Record<string, string>; volumes?: string[]; ports?: string[] }>;
    };
    const [dbName, db] = Object.entries(compose.services).find(([, s]) => /(^|\/)postgres:/.test(s.image ?? ''))!;
    expect(db.healthcheck?.test).toEqual(expect.arrayContaining([expect.stringMatching(/pg_isready/)]));
    const app = Object.values(compose.services).find((s) => s.build !== undefined)!;
    expect(app.depends_on?.[dbName]?.condition).toBe('service_healthy');
    expect(app.environment?.DATABASE_URL).toMatch(new RegExp(`^postgres://[^@]+@${dbName}:5432/`));
    expect(app.volumes?.some((v) => v.endsWith(':/data'))).toBe(true);
    for (const port of app.ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
  });
});

/** Why the image cannot be built and run here, or null when it can. */
function podmanMissing(): string | null {
  if (spawnSync('podman', ['--version']).status !== 0) return 'podman is not installed';
  const absent = baseImages.filter((image) => spawnSync('podman', ['image', 'exists', image]).status !== 0);
  return absent.length ? `base image${absent.length > 1 ? 's' : ''} ${absent.join(', ')} not on this machine (no registry to pull from)` : null;
}

const missing = podmanMissing();
if (missing) console.log(`Container suite: SKIPPED (${missing})`);

describe.skipIf(missing !== null)('the container image (podman)', () => {
  const tag = `localhost/incident-command-test:${randomBytes(4).toString('hex')}`;
  const name = `incident-test-${randomBytes(4).toString('hex')}`;
  const volume = `${name}-data`;
  const podman = (args: string[], timeout = 60_000) => {
    const result = spawnSync('podman', args, { encoding: 'utf8', timeout });
    if (result.status !== 0) throw new Error(`podman ${args.join(' ')}: ${result.stderr}`);
    return result.stdout.trim();
  };

  afterAll(() => {
    spawnSync('podman', ['rm', '-f', name]);
    spawnSync('podman', ['volume', 'rm', '-f', volume]);
    spawnSync('podman', ['rmi', '-f', tag]);
  });

  it('builds, becomes ready, declares an incident, and stops promptly on SIGTERM', async () => {
    // --pull=never: the base images are the ones on the machine.
    await new Promise<void>((done, fail) => {
      const build = spawn('podman', ['build', '--pull=never', '-t', tag, '-f', 'Dockerfile', '.'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      build.stdout.on('data', (d) => (output += d));
      build.stderr.on('data', (d) => (output += d));
      build.on('exit', (code) => (code === 0 ? done() : fail(new Error(`podman build exited with ${code}:\n${output.slice(-4000)}`))));
    });
    expect(podman(['image', 'inspect', '--format', '{{.Config.User}}', tag])).toBe('node');

    const port = await freePort();
    podman(['run', '-d', '--name', name, '-p', `127.0.0.1:${port}:3000`, '-v', `${volume}:/data`, '-e', `INCIDENT_BOOTSTRAP_TOKEN=${ADMIN_TOKEN}`, tag]);
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 90_000;
    for (;;) {
      const ready = await fetch(`${url}/readyz`).then((r) => r.ok, () => false);
      if (ready) break;
      if (Date.now() > deadline) throw new Error(`not ready:\n${podman(['logs', name])}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(podman(['exec', name, 'id', '-u'])).not.toBe('0');

    const declared = await fetch(`${url}/api/v1/incidents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json', 'idempotency-key': randomBytes(8).toString('hex') },
      body: JSON.stringify({ title: 'Declared in a container', severity: 'SEV2' }),
    });
    expect(declared.status).toBe(201);
    const listed = (await (await fetch(`${url}/api/v1/incidents`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as unknown;
    expect(JSON.stringify(listed)).toContain('Declared in a container');

    const started = Date.now();
    podman(['kill', '--signal', 'TERM', name]);
    const exitCode = podman(['wait', name], SHUTDOWN_GRACE_MS + 20_000);
    const tookMs = Date.now() - started;
    expect(exitCode).toBe('0');
    expect(tookMs).toBeLessThan(SHUTDOWN_GRACE_MS + 5_000);
    expect(podman(['logs', name])).toMatch(/shutting down/i);
  }, 900_000);
});
