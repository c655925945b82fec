/** Understanding evolves: edit an incident's details, reopen it, merge it into another. */
import type { Command } from 'commander';
import { UsageError, type Incident } from '../client.js';
import { collect, incidentId, pastTime } from '../args.js';
import { utc } from '../format.js';
import { answer, client, examples, run, withJson, type JsonOption } from './shared.js';

interface EditOptions extends JsonOption {
  reason: string;
  title?: string;
  summary?: string;
  startedAt?: string;
  component: string[];
  statusPage?: string;
  dashboard?: string;
  runbook?: string;
}

/** `none` clears a link or the summary. */
const orNull = (value: string | undefined) => (value === undefined ? undefined : value.trim().toLowerCase() === 'none' ? null : value);

export function editCommand(program: Command): void {
  const cmd = program
    .command('edit')
    .summary('correct the title, summary, links, components or impact start, with a reason')
    .description('correct what the incident says as understanding evolves; each change lands on the timeline with who and why')
    .argument('<id>', 'INC-7 or 7')
    .requiredOption('-r, --reason <text>', 'why (recorded on the timeline)')
    .option('--title <text>', 'the new title')
    .option('--summary <text>', 'the new summary ("none" clears it)')
    .option('--started-at <time>', 'when impact began: ISO, HH:MM UTC, or "20m ago"')
    .option('--component <id>', 'the affected components, all of them (repeatable, or comma-separated)', collect, [])
    .option('--status-page <url>', 'status page link ("none" removes it)')
    .option('--dashboard <url>', 'dashboard link ("none" removes it)')
    .option('--runbook <url>', 'runbook link ("none" removes it)');
  withJson(cmd);
  examples(cmd, [
    'incident edit INC-1 --title "Checkout and payments failing" --component checkout,payments --reason "Payments share the pool"',
    'incident edit INC-1 --started-at 14:02 --reason "The batch job started at 14:02"',
    'incident edit INC-1 --dashboard none --reason "Wrong dashboard"',
  ]);
  cmd.action(
    run(async (id: string, o: EditOptions) => {
      const links = { statusPage: orNull(o.statusPage), dashboard: orNull(o.dashboard), runbook: orNull(o.runbook) };
      const body = {
        title: o.title,
        summary: orNull(o.summary),
        startedAt: o.startedAt ? pastTime(o.startedAt, '--started-at') : undefined,
        components: o.component.length ? o.component : undefined,
        links: Object.values(links).some((v) => v !== undefined) ? Object.fromEntries(Object.entries(links).filter(([, v]) => v !== undefined)) : undefined,
        reason: o.reason,
      };
      if (Object.entries(body).every(([k, v]) => k === 'reason' || v === undefined))
        throw new UsageError('say what to change: --title, --summary, --started-at, --component, --status-page, --dashboard or --runbook');
      const incident = await client().patch<Incident>(`/incidents/${incidentId(id)}`, body);
      answer(incident, o, () => `${incident.id} now reads: ${incident.title} (impact since ${utc(incident.startedAt)}).`);
    }),
  );
}

export function reopenCommand(program: Command): void {
  const cmd = program
    .command('reopen')
    .summary('reopen an incident resolved too early, with a reason')
    .description('reopen a resolved incident: back to its last open status, an update owed again, the postmortem kept')
    .argument('<id>', 'INC-7 or 7')
    .requiredOption('-r, --reason <text>', 'what shows it is not over (recorded on the timeline)');
  withJson(cmd);
  examples(cmd, ['incident reopen INC-1 --reason "Checkout errors are back since 16:05"']);
  cmd.action(
    run(async (id: string, o: JsonOption & { reason: string }) => {
      const incident = await client().post<Incident>(`/incidents/${incidentId(id)}/reopen`, { reason: o.reason });
      answer(incident, o, () => `${incident.id} is open again (${incident.status}).${incident.nextUpdateBy ? ` Next update by ${utc(incident.nextUpdateBy)}.` : ''}`);
    }),
  );
}

export function mergeCommand(program: Command): void {
  const cmd = program
    .command('merge')
    .summary('merge an incident into another open one (its IC)')
    .description('merge an open incident into another: its timeline entries and alerts are carried over, and it is closed with a pointer')
    .argument('<id>', 'the incident to merge away: INC-7 or 7')
    .requiredOption('--into <id>', 'the open incident it becomes part of')
    .option('-r, --reason <text>', 'why (recorded on both timelines)');
  withJson(cmd);
  examples(cmd, ['incident merge INC-2 --into INC-1 --reason "Same DB pool exhaustion"']);
  cmd.action(
    run(async (id: string, o: JsonOption & { into: string; reason?: string }) => {
      const incident = await client().post<Incident>(`/incidents/${incidentId(id)}/merge`, { into: incidentId(o.into), reason: o.reason });
      answer(incident, o, () => `${incident.id} is merged into ${incident.mergedInto}: follow it there.`);
    }),
  );
}
