/** insights: how incidents went over a period, as a compact table (or CSV / JSON). */
import type { Command } from 'commander';
import { span, table, utc } from '../format.js';
import { client, examples, print, printJson, printRaw, run, withJson, type JsonOption } from './shared.js';

interface Distribution {
  count: number;
  medianSeconds: number | null;
  p90Seconds: number | null;
}

interface Compliance {
  judged: number;
  kept: number;
  share: number | null;
  medianLatenessSeconds: number | null;
  worstLatenessSeconds: number | null;
}

interface Insights {
  from: string;
  to: string;
  severity: string | null;
  incidents: { total: number; bySeverity: { severity: string; count: number }[] };
  durations: Record<'timeToAcknowledge' | 'timeToDeclare' | 'timeToFirstUpdate' | 'timeToResolve', Distribution>;
  timeInStatus: Record<'investigating' | 'identified' | 'monitoring', Distribution>;
  updatePromises: { overall: Compliance; bySeverity: ({ severity: string } & Compliance)[]; byCommsLead: ({ commsLead: string | null } & Compliance)[] };
  overdue: { incident: string; severity: string; overdueMinutes: number }[];
  postmortems: { required: number; published: number; afterResolve: Distribution };
  followUps: { opened: number; done: number; wontDo: number; overdue: number; overdueAt: string };
}

interface InsightsOptions extends JsonOption {
  from?: string;
  to?: string;
  severity?: string;
  csv?: boolean;
}

const seconds = (s: number | null) => (s === null ? '-' : span(s * 1000));
const share = (c: Compliance) => (c.share === null ? '-' : `${Math.round(c.share * 100)}% (${c.kept}/${c.judged})`);

function render(r: Insights): string {
  const spread = (name: string, d: Distribution) => [name, String(d.count), seconds(d.medianSeconds), seconds(d.p90Seconds)];
  const promises = (name: string, c: Compliance) => [name, share(c), seconds(c.medianLatenessSeconds), seconds(c.worstLatenessSeconds)];
  const severities = r.incidents.bySeverity.map((s) => `${s.severity} ${s.count}`).join(', ');
  return [
    `${utc(r.from)} → ${utc(r.to)}${r.severity ? ` (${r.severity})` : ''}: ${r.incidents.total} incident${r.incidents.total === 1 ? '' : 's'}${severities ? ` — ${severities}` : ''}`,
    '',
    table(['', 'N', 'MEDIAN', 'P90'], [
      spread('time to acknowledge', r.durations.timeToAcknowledge),
      spread('time to declare', r.durations.timeToDeclare),
      spread('time to first update', r.durations.timeToFirstUpdate),
      spread('time to resolve', r.durations.timeToResolve),
      spread('investigating', r.timeInStatus.investigating),
      spread('identified', r.timeInStatus.identified),
      spread('monitoring', r.timeInStatus.monitoring),
      spread('postmortem after resolve', r.postmortems.afterResolve),
    ]),
    table(['UPDATE PROMISES', 'KEPT', 'MEDIAN LATE', 'WORST LATE'], [
      promises('all', r.updatePromises.overall),
      ...r.updatePromises.bySeverity.map((c) => promises(c.severity, c)),
      ...r.updatePromises.byCommsLead.map((c) => promises(c.commsLead === null ? 'no Comms Lead' : `@${c.commsLead}`, c)),
    ]),
    `postmortems: ${r.postmortems.published} of ${r.postmortems.required} required published`,
    table(['FOLLOW-UPS', 'OPENED', 'DONE', "WON'T DO", 'OVERDUE'], [['in the period', String(r.followUps.opened), String(r.followUps.done), String(r.followUps.wontDo), `${r.followUps.overdue} at ${utc(r.followUps.overdueAt)}`]]),
    r.overdue.length ? `most overdue: ${r.overdue.slice(0, 5).map((o) => `${o.incident} ${o.overdueMinutes}m`).join(', ')}` : 'no update promise broken',
  ].join('\n');
}

export function insightsCommand(program: Command): void {
  const cmd = program
    .command('insights')
    .description('how incidents went over a period: times to acknowledge, declare, first update and resolve; update promises kept; postmortems; follow-ups opened, done and overdue')
    .option('--from <time>', 'from this UTC time, inclusive (default: 90 days before --to)')
    .option('--to <time>', 'to this UTC time, exclusive (default: now)')
    .option('--severity <id>', 'only incidents of this severity')
    .option('--csv', 'the figures as CSV, one per row');
  withJson(cmd);
  examples(cmd, ['incident insights', 'incident insights --from 2026-01-01T00:00:00Z --severity SEV1', 'incident insights --csv > insights.csv']);
  cmd.action(
    run(async (o: InsightsOptions) => {
      const query = Object.fromEntries(Object.entries({ from: o.from, to: o.to, severity: o.severity }).filter((e): e is [string, string] => e[1] !== undefined));
      if (o.csv) {
        printRaw(await client().getText(`/insights.csv?${new URLSearchParams(query)}`));
        return;
      }
      const report = await client().get<Insights>('/insights', query);
      if (o.json) printJson(report);
      else print(render(report));
    }),
  );
}
