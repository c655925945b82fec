/**
 * R10 under load and in an outage: the status page is rendered when something changes,
 * not when someone asks. Each file's bytes, gzip variant and headers (ETag, Last-Modified,
 * Cache-Control, CSP) are computed once per change and served from memory; a database
 * that stops answering leaves the last good render in place. With an export directory,
 * every render is also written there as static files (temp file + rename), for any web
 * server or object store to serve when this server cannot.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, rename, rm, rmdir, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Config } from '../config/load.js';
import type { Clock } from '../domain/model/time.js';
import type { Store } from '../store/store.js';
import type { Repository } from '../store/repository.js';
import { listComponents, recordStatusPageInventory, statusPageCreatedAt } from '../commands/components.js';
import { StatusHistory } from './status-history.js';
import { buildStatusPage, type StatusPageModel } from '../domain/status-page/view-model.js';
import { renderIncidentHtml, renderMergedIncidentHtml, renderStatusHtml } from '../presenters/status-page/html.js';
import { renderAtomFeed } from '../presenters/status-page/atom.js';
import { renderHistoryHtml } from '../presenters/status-page/history-html.js';
import { renderPostmortemHtml } from '../presenters/status-page/postmortem-html.js';
import { historyPages } from '../domain/status-page/history.js';
import { safeJson, statuspageDocuments } from '../presenters/status-page/statuspage-json.js';
import { contentHash, stylesheet } from '../presenters/status-page/branding.js';
import { publicSeverities } from '../domain/status-page/visibility.js';
import { subscribeFormHtml } from '../presenters/status-page/subscriber-pages.js';
import { FailureRecord, type Worker, type WorkerHealth } from './worker.js';
import { statusFile, type StatusFile } from './status-answers.js';

/** Where each URL path is written in an export directory: pages as `index.html` in their folder. */
export function exportPath(urlPath: string): string {
  const relative = urlPath.replace(/^\/+/, '');
  return /\.(json|atom|css)$/.test(relative) ? relative : `${relative}/index.html`;
}

const TYPES: [RegExp, string][] = [
  [/\.json$/, 'application/json; charset=utf-8'],
  [/\.atom$/, 'application/atom+xml; charset=utf-8'],
  [/\.css$/, 'text/css; charset=utf-8'],
];

function contentType(path: string): string {
  return TYPES.find(([pattern]) => pattern.test(path))?.[1] ?? 'text/html; charset=utf-8';
}

/** No script at all; style only from our own stylesheet; images only ours and the configured logo's origin. */
export function contentSecurityPolicy(config: Pick<Config, 'organization'>): string {
  const logo = config.organization.logoUrl ? ` ${new URL(config.organization.logoUrl).origin}` : '';
  return [
    "default-src 'none'",
    "style-src 'self'",
    `img-src 'self'${logo}`,
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** How many resolved public incidents the page keeps: each has its page, and the history lists them. */
export const HISTORY_LIMIT = 500;

/**
 * What one render reads: components, the open and recently resolved incidents, maintenance,
 * and — given a history — the last 90 days' recorded component statuses for the uptime bars.
 */
export async function loadStatusPage(
  repository: Repository,
  config: Config,
  now: string,
  baseUrl: string,
  history?: StatusHistory,
): Promise<StatusPageModel> {
  // Only what may be public is read: a render stays cheap however many internal incidents are open.
  const publicWith = { severities: publicSeverities(config) };
  const [components, open, resolved, maintenances, pageCreatedAt, statusSpans] = await Promise.all([
    listComponents({ tx: repository, config }),
    repository.incidents.list({ phases: ['active'], publicWith, limit: 1000 }),
    // The history pages list these: the latest HISTORY_LIMIT resolved public incidents.
    repository.incidents.list({ phases: ['resolved', 'closed'], publicWith, limit: HISTORY_LIMIT }),
    repository.maintenance.list(new Date(Date.parse(now) - config.statusPage.recentResolvedMs).toISOString()),
    statusPageCreatedAt({ tx: repository }),
    history ? history.load(repository, config, now) : [],
  ]);
  const postmortems = new Map<number, string>();
  for (const state of resolved) {
    const { onStatusPage, publishedRevision } = state.postmortemFlow;
    if (!onStatusPage || publishedRevision === null || state.postmortemUrl) continue;
    const document = await repository.postmortems.get(state.number, publishedRevision);
    if (document) postmortems.set(state.number, document.markdown);
  }
  return buildStatusPage({ now, config, baseUrl, components, incidents: [...open, ...resolved], maintenances, pageCreatedAt, statusSpans, postmortems });
}

/** Every file of the page for one model: the HTML pages, the stylesheet, the feed and the Statuspage JSON. */
export function renderStatusFiles(model: StatusPageModel, config: Config, options: { subscribe: boolean }): Map<string, string> {
  const css = stylesheet(config.organization.colors);
  const cssPath = `/status/assets/style-${contentHash(css)}.css`;
  const assets = { stylesheet: cssPath, subscribeForm: options.subscribe ? subscribeFormHtml(model.components) : null };
  const recentDays = Math.round(config.statusPage.recentResolvedMs / 86_400_000);
  const files = new Map<string, string>([
    ['/status', renderStatusHtml(model, assets, recentDays)],
    [cssPath, css],
    ['/status/feed.atom', renderAtomFeed(model)],
  ]);
  for (const incident of model.history) files.set(`/status/incidents/${incident.id}`, renderIncidentHtml(model, incident, assets));
  for (const incident of model.history)
    if (incident.postmortem !== null) files.set(`/status/incidents/${incident.id}/postmortem`, renderPostmortemHtml(model, incident, incident.postmortem, assets));
  for (const redirect of model.merged) files.set(`/status/incidents/${redirect.from}`, renderMergedIncidentHtml(model, redirect, assets));
  for (const page of historyPages(model.history, model.now)) files.set(page.path, renderHistoryHtml(model, page, assets));
  for (const [name, document] of Object.entries(statuspageDocuments(model))) files.set(`/api/v2/${name}`, safeJson(document));
  return files;
}

export interface StatusPagePublisherOptions {
  store: Store;
  config: Config;
  clock: Clock;
  /** Told of every render and whether it succeeded (/metrics counts them). */
  onRender?: (outcome: 'ok' | 'failed') => void;
  baseUrl: string;
  exportDir?: string | null;
  /** Offer the e-mail subscription form (only when e-mail goes out). */
  subscribe: boolean;
  log: { warn(object: object, message: string): void; error(object: object, message: string): void };
  /** Re-render at least this often (default 60 s): a safety net should an announcement be missed, e.g. while LISTEN reconnects. */
  refreshEveryMs?: number;
  /**
   * Leave at least this long between renders (default 200 ms): under a burst of commits
   * (reminders firing, an alert storm) renders would otherwise run back to back and hold
   * SQLite's one connection from the writers. Well inside "a change visible within 1 s".
   */
  minGapMs?: number;
}

/** The files a render changed, and every path the page has after it. */
export type FilesListener = (changed: StatusFile[], paths: string[]) => void;

export class StatusPagePublisher implements Worker {
  private files = new Map<string, StatusFile>();
  private running: Promise<void> | null = null;
  /** The running render has not read the database yet (it is waiting out the gap): a new call can share it. */
  private waiting = false;
  private lastEndedAt = -Infinity;
  private queued: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private closed = false;
  private readonly failures = new FailureRecord();
  private readonly history = new StatusHistory();
  private readonly listeners = new Set<FilesListener>();
  /** The Content-Security-Policy every status page answer carries. */
  readonly policy: string;
  private readonly cache: string;
  /** When the last render succeeded; null before the first. */
  renderedAt: string | null = null;

  constructor(private readonly options: StatusPagePublisherOptions) {
    const { cache } = options.config.statusPage;
    this.policy = contentSecurityPolicy(options.config);
    this.cache = `public, max-age=${cache.maxAgeS}, s-maxage=${cache.sMaxAgeS}, stale-while-revalidate=${cache.staleWhileRevalidateS}`;
  }

  /** Renders once, then on every change announced by the store and at every time-based change. */
  async start(): Promise<void> {
    this.unsubscribe = this.options.store.onIncidentsChanged(() => this.refresh());
    const { store, config, clock } = this.options;
    try {
      await store.transaction((tx) => recordStatusPageInventory({ tx, config, now: clock.now().toISOString() }));
    } catch (error) {
      // Not fatal: the page renders without those dates (falling back to the render's time) and the next start records them.
      this.options.log.warn({ err: error }, 'status page: could not record when its components appeared');
    }
    await this.refresh();
  }

  file(path: string): StatusFile | undefined {
    return this.files.get(path);
  }

  /**
   * Told of every render that changed the page: the files whose bytes changed and the
   * paths the page now has. Called once at once with every file, so a listener starts
   * complete. Answers how to stop listening.
   */
  onFiles(listener: FilesListener): () => void {
    this.listeners.add(listener);
    listener([...this.files.values()], [...this.files.keys()]);
    return () => this.listeners.delete(listener);
  }

  /**
   * Re-renders now. A call during a render gets one more render after it (shared by every
   * call made meanwhile), so the answer always reflects what was committed before the call.
   */
  refresh(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.running && this.waiting) return this.running;
    if (this.running) {
      this.queued ??= this.running.then(() => {
        this.queued = null;
        return this.refresh();
      });
      return this.queued;
    }
    const wait = this.lastEndedAt + (this.options.minGapMs ?? 200) - performance.now();
    this.waiting = wait > 0;
    const gap = this.waiting ? new Promise((resolve) => setTimeout(resolve, wait).unref()) : Promise.resolve();
    this.running = gap
      .then(() => {
        this.waiting = false;
        return this.render();
      })
      .finally(() => {
        this.running = null;
        this.lastEndedAt = performance.now();
      });
    return this.running;
  }

  async stop(): Promise<void> {
    this.closed = true;
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Not ready before the first render; failing while renders fail (the last good one is still served). */
  health(): WorkerHealth {
    if (this.renderedAt === null && !this.closed) return { ok: false, problem: 'not rendered yet' };
    return this.failures.health(!this.closed);
  }

  private schedule(at: string | null, failed: boolean): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.closed) return;
    const now = this.options.clock.now().getTime();
    const safety = failed ? 2_000 : (this.options.refreshEveryMs ?? 60_000);
    const wait = at === null ? safety : Math.min(safety, Math.max(0, Date.parse(at) - now) + 5);
    this.timer = setTimeout(() => void this.refresh(), wait);
    this.timer.unref();
  }

  /** Never rejects: whatever fails, the last good render stays up and another attempt is scheduled. */
  private async render(): Promise<void> {
    const { store, config, clock, baseUrl } = this.options;
    const now = clock.now().toISOString();
    let rendered: Map<string, string>;
    let nextChangeAt: string | null;
    try {
      const model = await loadStatusPage(store, config, now, baseUrl, this.history);
      rendered = renderStatusFiles(model, config, { subscribe: this.options.subscribe });
      nextChangeAt = model.nextChangeAt;
    } catch (error) {
      this.failures.failed(error, clock.now());
      this.options.onRender?.('failed');
      this.options.log.warn({ err: error }, 'status page: could not render (is the store reachable?); serving the last good render');
      this.schedule(null, true);
      return;
    }
    const next = new Map<string, StatusFile>();
    const changed: StatusFile[] = [];
    for (const [path, text] of rendered) {
      const previous = this.files.get(path);
      const body = Buffer.from(text);
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
      if (previous && previous.etag === etag) {
        next.set(path, previous);
        continue;
      }
      const file = this.build(path, body, etag, now, previous);
      next.set(path, file);
      changed.push(file);
    }
    const removed = [...this.files.keys()].some((path) => !next.has(path));
    this.files = next;
    this.renderedAt = now;
    if (changed.length || removed) for (const listener of this.listeners) listener(changed, [...next.keys()]);
    this.failures.succeeded();
    this.options.onRender?.('ok');
    this.schedule(nextChangeAt, false);
    if (this.options.exportDir && changed.length) {
      try {
        await writeExport(this.options.exportDir, changed, next.keys());
      } catch (error) {
        this.options.log.error({ err: error, dir: this.options.exportDir }, 'status page: could not write the static copy');
      }
    }
  }

  private build(path: string, body: Buffer, etag: string, now: string, previous: StatusFile | undefined): StatusFile {
    // Last-Modified has whole seconds; two renders within one must still differ, or a client
    // revalidating with If-Modified-Since alone would keep the older bytes.
    const modifiedAt = Math.max(Math.floor(Date.parse(now) / 1000) * 1000, previous ? previous.modifiedAt + 1000 : 0);
    const zipped = body.length > 1024 ? gzipSync(body, { level: 9 }) : null;
    const gzip = zipped && zipped.length < body.length * 0.9 ? zipped : null;
    const immutable = path.startsWith('/status/assets/');
    const headers: Record<string, string> = {
      'content-type': contentType(path),
      etag,
      'last-modified': new Date(modifiedAt).toUTCString(),
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : this.cache,
      'content-security-policy': this.policy,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      ...(gzip ? { vary: 'accept-encoding' } : {}),
      // The API's JSON is read by other sites' widgets, as Statuspage's is.
      ...(path.startsWith('/api/v2/') ? { 'access-control-allow-origin': '*' } : {}),
    };
    return statusFile({ path, body, gzip, etag, modifiedAt, headers });
  }
}

/** The whole page as static files under `dir`, as of `now`: what `incident status export` writes. Answers the paths written. */
export async function exportStatusPage(
  repository: Repository,
  config: Config,
  options: { now: string; baseUrl: string; subscribe: boolean },
  dir: string,
): Promise<string[]> {
  const model = await loadStatusPage(repository, config, options.now, options.baseUrl, new StatusHistory());
  const files = [...renderStatusFiles(model, config, options)].map(([path, text]) => ({ path, body: Buffer.from(text) }));
  await writeExport(dir, files, files.map((f) => f.path));
  return files.map((f) => exportPath(f.path));
}

/**
 * Writes each file atomically (a reader sees the old bytes or the new, never half of
 * either), then deletes what the page no longer has under `status/` and `api/v2/` — an
 * incident taken off the page, an old stylesheet — so the static copy shows no more than
 * the live page. Nothing else in `dir` is touched.
 */
export async function writeExport(dir: string, files: Iterable<{ path: string; body: Buffer; modifiedAt?: number }>, current: Iterable<string>): Promise<void> {
  for (const file of files) {
    const target = join(dir, exportPath(file.path));
    await mkdir(dirname(target), { recursive: true });
    const temp = `${target}.${process.pid}.tmp`;
    await writeFile(temp, file.body);
    // A web server serving the copy then says the live page's Last-Modified (docs/nginx-status-page.conf).
    if (file.modifiedAt !== undefined) await utimes(temp, file.modifiedAt / 1000, file.modifiedAt / 1000);
    await rename(temp, target);
  }
  const keep = new Set([...current].map((path) => join(dir, exportPath(path))));
  for (const tree of ['status', join('api', 'v2')]) await prune(join(dir, tree), keep);
}

/** Deletes the files under `folder` that are not in `keep` (and folders left empty). */
async function prune(folder: string, keep: Set<string>): Promise<void> {
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      await prune(path, keep);
      await rmdir(path).catch(() => undefined);
    } else if (!keep.has(path) && !entry.name.endsWith('.tmp')) {
      await rm(path, { force: true });
    }
  }
}
