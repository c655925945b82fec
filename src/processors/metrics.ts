/**
 * What `/metrics` tells Prometheus: requests by route pattern and status class, how deep and
 * how old every queue is, how late reminders fire, open event streams, PostgreSQL pool use,
 * status-page renders, and the process's own figures. One registry per server (not
 * prom-client's global one), so several servers in one process (tests) do not mix. Labels are
 * route patterns, queue and channel names only: never an incident, a person or a URL as sent.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../domain/model/time.js';
import type { Store } from '../store/store.js';
import type { Firing } from './reminder-scheduler.js';
import type { Retained } from '../domain/retention/policy.js';
import { RequestSeries, type Meter } from './request-series.js';

export interface MetricsSources {
  store: Store;
  clock: Clock;
  log: Pick<FastifyBaseLogger, 'warn'>;
  /** Open realtime (SSE) streams right now. */
  streams: () => number;
}

export class Metrics {
  readonly registry = new Registry();
  readonly contentType = this.registry.contentType;
  private readonly requests: RequestSeries;
  private readonly lateness: Histogram<'kind'>;
  private readonly renders: Counter<'outcome'>;
  private readonly prunedRecords: Counter<'record'>;
  private readonly depth: Gauge<'queue'>;
  private readonly age: Gauge<'queue'>;
  private readonly failed: Gauge<'channel'>;
  private readonly queuesUp: Gauge;
  private readonly inboxDrainedAt: Gauge;

  constructor(private readonly sources: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    // Gauges prom-client names like counters, which `promtool check metrics` rejects; the open handles say little anyway.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) this.registry.removeSingleMetric(name);
    this.requests = new RequestSeries(
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      {
        count: { name: 'incident_http_requests_total', help: 'HTTP requests answered, by route pattern and status class.' },
        duration: { name: 'incident_http_request_duration_seconds', help: 'Time from a request arriving to its answer being sent, by route pattern and status class.' },
      },
      this.registry,
    );
    this.lateness = new Histogram({
      name: 'incident_reminder_lateness_seconds',
      help: 'How long after it fell due each reminder fired.',
      labelNames: ['kind'],
      buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900],
      registers,
    });
    this.renders = new Counter({ name: 'incident_status_page_renders_total', help: 'Status page renders, by outcome.', labelNames: ['outcome'], registers });
    this.prunedRecords = new Counter({ name: 'incident_retention_pruned_total', help: 'Records pruned past their keeping time, by kind.', labelNames: ['record'], registers });
    this.depth = new Gauge({ name: 'incident_queue_depth', help: 'Items waiting in each queue (counted up to 100000).', labelNames: ['queue'], registers });
    this.age = new Gauge({ name: 'incident_queue_oldest_age_seconds', help: 'How long the oldest waiting item of each queue has waited (reminders: since due); 0 when empty.', labelNames: ['queue'], registers });
    this.failed = new Gauge({ name: 'incident_deliveries_failed', help: 'Deliveries given up on and still kept, by channel (counted up to 100000).', labelNames: ['channel'], registers });
    this.queuesUp = new Gauge({ name: 'incident_queue_stats_up', help: '1 when the queue figures were read from the database in this scrape, 0 when that failed.', registers });
    this.inboxDrainedAt = new Gauge({
      name: 'incident_alert_inbox_drained_timestamp_seconds',
      help: 'When alert intake on this instance last found nothing more in the inbox to apply (Unix time); 0 before it first looked.',
      registers,
    });
    new Gauge({ name: 'incident_sse_clients', help: 'Open realtime event streams (SSE).', registers, collect: function () { this.set(sources.streams()); } });
    const pool = sources.store.poolUse();
    if (pool) {
      const poolGauge = (name: string, help: string, pick: (use: NonNullable<ReturnType<Store['poolUse']>>) => number) =>
        new Gauge({ name, help, registers, collect: function () { const use = sources.store.poolUse(); if (use) this.set(pick(use)); } });
      poolGauge('incident_db_pool_connections', 'PostgreSQL connections open in the pool.', (use) => use.total);
      poolGauge('incident_db_pool_idle_connections', 'PostgreSQL connections open and idle.', (use) => use.idle);
      poolGauge('incident_db_pool_waiting_queries', 'Queries waiting for a PostgreSQL connection.', (use) => use.waiting);
      poolGauge('incident_db_pool_max_connections', 'The most PostgreSQL connections the pool opens.', (use) => use.max);
    }
  }

  /** An answered HTTP request; `route` is the matched pattern (`/api/v1/incidents/:id`), never the URL as sent. */
  request(method: string, route: string, statusCode: number, seconds: number): void {
    this.requests.record(method, route, statusCode, seconds);
  }

  /** The request-duration histogram's bounds, for counts made in another process. */
  get requestBounds(): number[] {
    return this.requests.bounds;
  }

  /** Requests answered by the status page's own process, counted there. */
  requestsCounted(tallies: Parameters<RequestSeries['fold']>[0][]): void {
    for (const tally of tallies) this.requests.fold(tally);
  }

  /** The same as request(), for a caller that answers one method, route and status many times (the status page's fast path). */
  requestMeter(method: string, route: string, statusCode: number): Meter {
    return this.requests.meter(method, route, statusCode);
  }

  reminderFired(firing: Firing): void {
    if (firing.outcome !== 'fired' && firing.outcome !== 'skipped') return;
    const late = (Date.parse(firing.firedAt) - Date.parse(firing.reminder.dueAt)) / 1000;
    this.lateness.observe({ kind: firing.reminder.kind }, Math.max(0, late));
  }

  alertInboxDrained(at: Date): void {
    this.inboxDrainedAt.set(at.getTime() / 1000);
  }

  statusPageRendered(outcome: 'ok' | 'failed'): void {
    this.renders.inc({ outcome });
  }

  pruned(record: Retained, count: number): void {
    this.prunedRecords.inc({ record }, count);
  }

  /** The text exposition, with the queues read now (a few capped queries). */
  async scrape(): Promise<string> {
    const { store, clock, log } = this.sources;
    const now = clock.now();
    try {
      const [queues, failed] = await Promise.all([store.queueStats.queues(now.toISOString()), store.queueStats.failed()]);
      for (const { queue, depth, oldest } of queues) {
        this.depth.set({ queue }, depth);
        this.age.set({ queue }, oldest ? Math.max(0, (now.getTime() - Date.parse(oldest)) / 1000) : 0);
      }
      for (const { channel, failed: count } of failed) this.failed.set({ channel }, count);
      this.queuesUp.set(1);
    } catch (error) {
      // The rest (requests, the process) is still worth scraping while the database is away.
      log.warn({ err: error }, 'metrics: could not read the queues');
      this.queuesUp.set(0);
    }
    return this.registry.metrics();
  }
}
