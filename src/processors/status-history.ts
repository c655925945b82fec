/**
 * The recorded history the uptime bars are computed from (src/domain/status-page/uptime.ts):
 * every non-private incident open or changed within the last 90 days, replayed from its
 * events (whether it was public, and how it held its components, at each moment), and the
 * maintenance windows of those days. An incident's spans are kept until its version moves,
 * so a render reads only the events of incidents that changed.
 */
import type { Config } from '../config/load.js';
import type { Repository } from '../store/repository.js';
import type { RecordedEvent } from '../domain/model/events.js';
import { incidentSpans, maintenanceSpans, UPTIME_DAYS, type StatusSpan } from '../domain/status-page/uptime.js';

const DAY_MS = 86_400_000;

/** The first moment the bars show: midnight UTC, UPTIME_DAYS - 1 days before today. */
export function historyStart(now: string): string {
  return new Date((Math.floor(Date.parse(now) / DAY_MS) - (UPTIME_DAYS - 1)) * DAY_MS).toISOString();
}

export class StatusHistory {
  private readonly spans = new Map<number, { version: number; spans: StatusSpan[] }>();

  async load(repository: Repository, config: Config, now: string): Promise<StatusSpan[]> {
    const since = historyStart(now);
    const incidents = await repository.incidents.list({ notPrivate: true, changedSince: since, limit: 5000 });
    const stale = incidents.filter((s) => this.spans.get(s.number)?.version !== s.version).map((s) => s.number);
    const byIncident = new Map<number, RecordedEvent[]>();
    for (let i = 0; i < stale.length; i += 200) {
      for (const event of await repository.incidents.eventsOf(stale.slice(i, i + 200))) {
        const list = byIncident.get(event.incident);
        if (list) list.push(event);
        else byIncident.set(event.incident, [event]);
      }
    }
    const current = new Set(incidents.map((s) => s.number));
    for (const number of [...this.spans.keys()]) if (!current.has(number)) this.spans.delete(number);
    for (const [number, events] of byIncident) this.spans.set(number, { version: events.at(-1)!.seq, spans: incidentSpans(events, config) });
    const windows = await repository.maintenance.list(since);
    return [...[...this.spans.values()].flatMap((e) => e.spans).filter((s) => s.to === null || s.to >= since), ...maintenanceSpans(windows)];
  }
}
