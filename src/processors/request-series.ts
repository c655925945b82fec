/**
 * The two request series of /metrics (requests by route pattern and status class, and their
 * durations), kept in plain numbers and handed to prom-client only when scraped. They are
 * told of every request, the status page's spikes included: prom-client's own Counter and
 * Histogram build a label object and hash it into a string key on every call, which
 * `npm run bench -- status-page` measured as a visible share of a fast-path answer's CPU;
 * here a request is three Map lookups and a few additions, with no allocation once its
 * label set has been seen.
 */
import type { Registry } from 'prom-client';

/** Records one answered request's duration in seconds. */
export type Meter = (seconds: number) => void;

type Labels = { method: string; route: string; status_class: string };

interface Tally {
  labels: Labels;
  count: number;
  sum: number;
  /** Not cumulative: buckets[i] counts the requests in (bounds[i-1], bounds[i]]; the last one is +Inf. */
  buckets: Float64Array;
}

const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'];

/** The shape prom-client's Registry reads from a metric (`get()`), as its own Counter and Histogram give it. */
interface Exposed {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  aggregator: 'sum';
  get(): Promise<{ name: string; help: string; type: string; aggregator: 'sum'; values: { labels: Record<string, string | number>; value: number; metricName?: string }[] }>;
  reset(): void;
}

export class RequestSeries {
  /** method → route → status class. */
  private readonly tallies = new Map<string, Map<string, Map<number, Tally>>>();

  constructor(
    readonly bounds: number[],
    names: { count: { name: string; help: string }; duration: { name: string; help: string } },
    registry: Registry,
  ) {
    const all = () => [...this.tallies.values()].flatMap((routes) => [...routes.values()].flatMap((classes) => [...classes.values()]));
    // Zeroed, not dropped: a meter handed out keeps its tally.
    const reset = () =>
      all().forEach((tally) => {
        tally.count = 0;
        tally.sum = 0;
        tally.buckets.fill(0);
      });
    const counter: Exposed = {
      ...names.count,
      type: 'counter',
      aggregator: 'sum',
      get: async () => ({ ...names.count, type: 'counter', aggregator: 'sum', values: all().map((t) => ({ labels: t.labels, value: t.count })) }),
      reset,
    };
    const histogram: Exposed = {
      ...names.duration,
      type: 'histogram',
      aggregator: 'sum',
      get: async () => ({ ...names.duration, type: 'histogram', aggregator: 'sum', values: all().flatMap((t) => this.histogramValues(names.duration.name, t)) }),
      reset,
    };
    // Registry.registerMetric takes any object of this shape; its types ask for a full Metric class.
    registry.registerMetric(counter as unknown as Parameters<Registry['registerMetric']>[0]);
    registry.registerMetric(histogram as unknown as Parameters<Registry['registerMetric']>[0]);
  }

  record(method: string, route: string, statusCode: number, seconds: number): void {
    this.add(this.tally(method, route, Math.floor(statusCode / 100)), seconds);
  }

  /** Records for one label set, looked up once. */
  meter(method: string, route: string, statusCode: number): Meter {
    const tally = this.tally(method, route, Math.floor(statusCode / 100));
    return (seconds) => this.add(tally, seconds);
  }

  /** Counts made elsewhere (the status page's own process), histogram and all, with these bounds. */
  fold(counted: { method: string; route: string; status: number; count: number; sum: number; buckets: readonly number[] }): void {
    const tally = this.tally(counted.method, counted.route, Math.floor(counted.status / 100));
    tally.count += counted.count;
    tally.sum += counted.sum;
    counted.buckets.forEach((n, i) => (tally.buckets[i]! += n));
  }

  private add(tally: Tally, seconds: number): void {
    tally.count++;
    tally.sum += seconds;
    let i = 0;
    while (i < this.bounds.length && seconds > this.bounds[i]!) i++;
    tally.buckets[i]!++;
  }

  private tally(method: string, route: string, statusClass: number): Tally {
    let routes = this.tallies.get(method);
    if (!routes) this.tallies.set(method, (routes = new Map()));
    let classes = routes.get(route);
    if (!classes) routes.set(route, (classes = new Map()));
    let tally = classes.get(statusClass);
    if (!tally) {
      const labels = { method, route, status_class: STATUS_CLASSES[statusClass - 1] ?? `${statusClass}xx` };
      classes.set(statusClass, (tally = { labels, count: 0, sum: 0, buckets: new Float64Array(this.bounds.length + 1) }));
    }
    return tally;
  }

  private histogramValues(name: string, tally: Tally) {
    let cumulative = 0;
    const buckets = [...this.bounds, '+Inf'].map((le, i) => {
      cumulative += tally.buckets[i]!;
      return { labels: { ...tally.labels, le }, value: cumulative, metricName: `${name}_bucket` };
    });
    return [...buckets, { labels: tally.labels, value: tally.sum, metricName: `${name}_sum` }, { labels: tally.labels, value: tally.count, metricName: `${name}_count` }];
  }
}
