/**
 * The insights page's charts (the page and Chart.js are loaded only when it is opened: see
 * App.tsx). Each canvas is an image with a one-line summary for screen
 * readers; the tables beside them hold every number.
 */
import { useEffect, useRef } from 'react';
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip, type ChartConfiguration } from 'chart.js';
import type { Insights } from '../types.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

/** Severity colours in the order severities are configured: the worst first, red. */
const PALETTE = ['#e5484d', '#f59e0b', '#3b82f6', '#8b5cf6', '#10b981', '#6b7280'];

function cssColor(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

function useChart(config: () => ChartConfiguration<'bar'>, deps: unknown[]) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const text = cssColor('--text', '#15181e');
    const grid = cssColor('--border', '#d5d9e0');
    Chart.defaults.color = text;
    Chart.defaults.borderColor = grid;
    const chart = new Chart(canvas.current, config());
    return () => chart.destroy();
    // Rebuilt when its data changes (`deps`), not when the builder closure does.
  }, deps);
  return canvas;
}

export function WeeklyChart({ report, severities }: { report: Insights; severities: string[] }) {
  const weeks = report.incidents.byWeek;
  const canvas = useChart(
    () => ({
      type: 'bar',
      data: {
        labels: weeks.map((w) => w.week),
        datasets: severities.map((severity, i) => ({ label: severity, data: weeks.map((w) => w.bySeverity[severity] ?? 0), backgroundColor: PALETTE[i % PALETTE.length] })),
      },
      options: { animation: false, maintainAspectRatio: false, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
    }),
    [report, severities],
  );
  const summary = `Incidents declared per week, by severity: ${weeks.map((w) => `${w.week} ${w.total}`).join(', ') || 'none'}.`;
  return (
    <div className="chart">
      <canvas ref={canvas} role="img" aria-label={summary} />
    </div>
  );
}

export function PromiseChart({ report }: { report: Insights }) {
  const rows = [
    ...report.updatePromises.bySeverity.map((c) => ({ label: c.severity, share: c.share })),
    ...report.updatePromises.byCommsLead.map((c) => ({ label: c.commsLead === null ? 'no Comms Lead' : `@${c.commsLead}`, share: c.share })),
  ];
  const canvas = useChart(
    () => ({
      type: 'bar',
      data: {
        labels: rows.map((r) => r.label),
        datasets: [{ label: 'Update promises kept (%)', data: rows.map((r) => (r.share === null ? 0 : Math.round(r.share * 100))), backgroundColor: '#10b981' }],
      },
      options: { animation: false, maintainAspectRatio: false, indexAxis: 'y', scales: { x: { min: 0, max: 100 } }, plugins: { legend: { display: false } } },
    }),
    [report],
  );
  const summary = `Share of update promises kept: ${rows.map((r) => `${r.label} ${r.share === null ? 'none judged' : `${Math.round(r.share * 100)}%`}`).join(', ') || 'none judged'}.`;
  return (
    <div className="chart">
      <canvas ref={canvas} role="img" aria-label={summary} />
    </div>
  );
}
