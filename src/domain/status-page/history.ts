/**
 * The status page's history (`/status/history`): every public incident by the UTC month it
 * was declared in, newest month first, three months to a page as Statuspage does, from the
 * current month back to the month of the oldest one. Pure: the incidents and the time come in.
 */
import type { PublicIncident } from './view-model.js';

export const MONTHS_PER_PAGE = 3;

export interface HistoryMonth {
  /** YYYY-MM */
  month: string;
  /** Newest first. */
  incidents: PublicIncident[];
}

export interface HistoryPage {
  /** 1 is the newest. */
  number: number;
  of: number;
  /** Its URL path: /status/history for the first, /status/history/2… after. */
  path: string;
  months: HistoryMonth[];
}

export function historyPath(page: number): string {
  return page === 1 ? '/status/history' : `/status/history/${page}`;
}

function previousMonth(month: string): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${year - 1}-12` : `${year}-${String(m - 1).padStart(2, '0')}`;
}

export function historyPages(incidents: readonly PublicIncident[], now: string): HistoryPage[] {
  const byMonth = new Map<string, PublicIncident[]>();
  for (const incident of [...incidents].sort((a, b) => (a.declaredAt < b.declaredAt ? 1 : -1))) {
    const month = incident.declaredAt.slice(0, 7);
    byMonth.set(month, [...(byMonth.get(month) ?? []), incident]);
  }
  const oldest = [...byMonth.keys()].reduce((a, b) => (b < a ? b : a), now.slice(0, 7));
  const months: HistoryMonth[] = [];
  for (let month = now.slice(0, 7); month >= oldest; month = previousMonth(month)) months.push({ month, incidents: byMonth.get(month) ?? [] });
  const of = Math.ceil(months.length / MONTHS_PER_PAGE);
  return Array.from({ length: of }, (_, i) => ({
    number: i + 1,
    of,
    path: historyPath(i + 1),
    months: months.slice(i * MONTHS_PER_PAGE, (i + 1) * MONTHS_PER_PAGE),
  }));
}
