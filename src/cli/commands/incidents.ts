/** declare, list, show, severity, resolve, postmortem. */
import { Option, type Command } from 'commander';
import { UsageError, type Incident } from '../client.js';
import { collect, futureTime, handle, incidentId, pastTime, positiveInt } from '../args.js';
import { incidentSummary, incidentTable, utc } from '../format.js';
import { describeStage, postmortemFlowCommands } from './postmortem-flow.js';
import { answer, client, examples, print, printError, printJson, printRaw, run, warn, withJson, type JsonOption } from './shared.js';

interface DeclareOptions extends JsonOption {
  severity: string;
  summary?: string;
  startedAt?: string;
  component: string[];
  commander?: string;
  private?: boolean;
  statusPage?: string;
  dashboard?: string;
  runbook?: string;
}

export function declareCommand(program: Command): void {
  const cmd = program
    .command('declare')
    .summary('declare an incident (R1): INC-n, channel, clock; you are IC')
    .description('declare an incident: opens INC-n and its channel, starts the clock, makes you IC (R1)')
    .argument('<title>', 'what is wrong, in a few words ("Checkout errors")')
    .requiredOption('-s, --severity <level>', 'SEV1, SEV2 or SEV3 (when in doubt, declare higher)')
    .option('--summary <text>', 'one line on the impact ("Checkout returning 500s for ~30% of users")')
    .option('--started-at <time>', 'when impact began, if before now: ISO, HH:MM UTC, or "20m ago"')
    .option('--component <id>', 'affected component (repeatable, or comma-separated)', collect, [])
    .option('--commander <handle>', 'name someone else as Incident Commander')
    .option('--private', 'only the people in it (and admins) can see it')
    .option('--status-page <url>', 'status page link for the announcement')
    .option('--dashboard <url>', 'dashboard link for the announcement')
    .option('--runbook <url>', 'runbook link for the announcement');
  withJson(cmd);
  examples(cmd, [
    'incident declare "Checkout errors" --severity SEV2 --summary "Checkout returning 500s for ~30% of users" \\',
    '    --component checkout --dashboard https://grafana.example.com/d/checkout',
    'incident declare "Payments down" -s SEV1 --started-at 14:14 --commander alex',
    '',
    'Prints the channel announcement to paste into chat.',
  ]);
  cmd.action(
    run(async (title: string, o: DeclareOptions) => {
      const links = { statusPage: o.statusPage, dashboard: o.dashboard, runbook: o.runbook };
      const body = {
        title,
        severity: o.severity.toUpperCase(),
        summary: o.summary,
        startedAt: o.startedAt ? pastTime(o.startedAt, '--started-at') : undefined,
        components: o.component.length ? o.component : undefined,
        commander: o.commander ? handle(o.commander) : undefined,
        private: o.private ? true : undefined,
        links: Object.values(links).some(Boolean) ? links : undefined,
      };
      const api = client();
      const incident = await api.post<Incident>('/incidents', body);
      answer(incident, o, () => incident.announcement ?? `Declared ${incident.id}: #${incident.channel}`);
      // The announcement (stdout) is for pasting into chat; the id is what every next command refers to.
      if (!o.json) printError(`Declared ${incident.id}: refer to it as ${incident.id} (e.g. incident show ${incident.id}).\n`);
    }),
  );
}

interface ListOptions extends JsonOption {
  state?: string;
  severity?: string;
  overdue?: boolean;
  limit?: string;
}

export function listCommand(program: Command): void {
  const cmd = program
    .command('list')
    .summary('incidents, open first, flagged OVERDUE / ROLE GAP / postmortem owed')
    .alias('ls')
    .description('incidents, open first: id, severity, status, age, IC, and OVERDUE / ROLE GAP / postmortem owed flags')
    .addOption(new Option('--state <state>', 'only these').choices(['open', 'resolved', 'closed']))
    .option('-s, --severity <level>', 'only this severity')
    .option('--overdue', 'only open incidents whose "next update by" has passed')
    .option('--limit <n>', 'at most this many');
  withJson(cmd);
  examples(cmd, ['incident list', 'incident list --state open --overdue', 'incident list --severity SEV1 --json']);
  cmd.action(
    run(async (o: ListOptions) => {
      const query = {
        state: o.state,
        severity: o.severity?.toUpperCase(),
        overdue: o.overdue ? true : undefined,
      };
      const incidents = await client().all<Incident>('/incidents', query, o.limit ? positiveInt(o.limit, '--limit') : undefined);
      if (o.json) printJson(incidents);
      else print(incidentTable(incidents, new Date()));
    }),
  );
}

export function showCommand(program: Command): void {
  const cmd = program
    .command('show')
    .summary('one incident: roles, handoff, gaps, last update, next update by')
    .description('one incident: roles, SMEs, pending handoff, role gaps, warnings, last update, next update by, postmortem')
    .argument('<id>', 'INC-7 or 7')
    .option('--at <time>', 'as it stood then, folded from its timeline: an ISO time, HH:MM in UTC, or how long ago (90m ago)')
    .option('--announcement', 'print the channel announcement (announcement.md) instead');
  withJson(cmd);
  examples(cmd, ['incident show INC-1', 'incident show INC-1 --at 14:30', 'incident show 1 --announcement', 'incident show INC-1 --json | jq .roles']);
  cmd.action(
    run(async (id: string, o: JsonOption & { announcement?: boolean; at?: string }) => {
      const api = client();
      const incident = incidentId(id);
      if (o.at !== undefined) {
        if (o.announcement) throw new UsageError('--at shows the incident as it stood; --announcement prints the current announcement: use one.');
        const when = pastTime(o.at, '--at');
        const then = await api.get<Incident>(`/incidents/${incident}?at=${encodeURIComponent(when)}`);
        // The server takes a time after now as now, and says so in asOf.
        const asOf = then.asOf ?? when;
        if (o.json) printJson(then);
        else print(`As it stood at ${utc(asOf)}:\n${incidentSummary(then, new Date(asOf))}`);
        return;
      }
      if (o.announcement) {
        const markdown = await api.getText(`/incidents/${incident}/announcement.md`);
        if (o.json) printJson({ incident, markdown });
        else printRaw(markdown);
        return;
      }
      const found = await api.get<Incident>(`/incidents/${incident}`);
      if (o.json) printJson(found);
      else print(incidentSummary(found, new Date()));
    }),
  );
}

export function severityCommand(program: Command): void {
  const cmd = program
    .command('severity')
    .summary('change severity, with a reason (R2)')
    .description('change severity, up or down, with a reason (R2); it lands on the timeline')
    .argument('<id>', 'INC-7 or 7')
    .argument('<severity>', 'the new level, e.g. SEV1')
    .requiredOption('-r, --reason <text>', 'why (recorded on the timeline)');
  withJson(cmd);
  examples(cmd, [
    'incident severity INC-1 SEV1 --reason "Revenue stopped: all checkouts failing"',
    'incident severity INC-1 SEV3 --reason "Workaround in place, impact limited"',
  ]);
  cmd.action(
    run(async (id: string, severity: string, o: JsonOption & { reason: string }) => {
      const incident = await client().post<Incident>(`/incidents/${incidentId(id)}/severity`, { severity: severity.toUpperCase(), reason: o.reason });
      answer(incident, o, () => {
        const next = incident.nextUpdateBy ? ` Next update by ${utc(incident.nextUpdateBy)}.` : '';
        return `${incident.id} is now ${incident.severity}: ${o.reason.trim().replace(/([^.!?])$/, '$1.')}${next}`;
      });
    }),
  );
}

interface ResolveOptions extends JsonOption {
  impact: string;
  whatWeKnow: string;
  nextStep?: string;
  audience?: 'public' | 'internal';
}

export function resolveCommand(program: Command): void {
  const cmd = program
    .command('resolve')
    .summary('resolve with a final status update (R11)')
    .description('resolve with a final status update (R11); prints the update as rendered')
    .argument('<id>', 'INC-7 or 7')
    .requiredOption('--impact <text>', 'what users saw, start to end')
    .requiredOption('--what-we-know <text>', 'the cause, as far as it is known')
    .option('--next-step <text>', 'follow-ups (default: watch for recurrence; follow-ups go to the postmortem)')
    .addOption(new Option('--audience <audience>', 'who hears it (default: the severity policy)').choices(['public', 'internal']));
  withJson(cmd);
  examples(cmd, [
    'incident resolve INC-1 --impact "~30% of checkouts failed 14:14-15:02 UTC." \\',
    '    --what-we-know "A batch job exhausted the DB connection pool; it is throttled and the pool has headroom."',
  ]);
  cmd.action(
    run(async (id: string, o: ResolveOptions) => {
      const body = { impact: o.impact, whatWeKnow: o.whatWeKnow, nextStep: o.nextStep, audience: o.audience };
      const incident = await client().post<Incident>(`/incidents/${incidentId(id)}/resolve`, body);
      if (o.json) printJson(incident);
      else printRaw(incident.lastUpdate?.markdown ?? `${incident.id} resolved.\n`);
      warn(incident.warnings, incident.roleGaps);
      if (!o.json && incident.postmortem.state === 'owed')
        printError(`\nA postmortem is owed. Give it an owner and a date: incident postmortem ${incident.id} --owner <handle> --date <when>\n`);
    }),
  );
}

interface PostmortemOptions extends JsonOption {
  owner?: string;
  date?: string;
  draft?: boolean;
}

export function postmortemCommand(program: Command): void {
  const cmd = program
    .command('postmortem')
    .summary('set the postmortem owner and date, or print the --draft (R11, R12)')
    .description('give the postmortem an owner and a date (R11), or print the blameless draft built from the timeline (R12)')
    .argument('<id>', 'INC-7 or 7')
    .option('--owner <handle>', 'who runs the postmortem')
    .option('--date <when>', 'when it happens: ISO (2026-06-09T15:00:00Z), or from now (3d)')
    .option('--draft', 'print the postmortem draft (postmortem.md)');
  withJson(cmd);
  // Its own --owner/--date are read only before a subcommand, so `schedule --owner` is the subcommand's.
  cmd.enablePositionalOptions();
  postmortemFlowCommands(cmd);
  examples(cmd, [
    'incident postmortem schedule INC-1 --owner alex --at 2026-06-09T15:00:00Z',
    'incident postmortem INC-1 --owner alex --date 2026-06-09T15:00:00Z',
    'incident postmortem INC-1 --draft > INC-1-postmortem.md',
    'incident postmortem INC-1            # who owns it, and when',
  ]);
  cmd.action(
    run(async (id: string, o: PostmortemOptions) => {
      const api = client();
      const incident = incidentId(id);
      if (o.draft) {
        if (o.owner || o.date) throw new UsageError('--draft prints the draft; set --owner/--date in a separate call.');
        const markdown = await api.getText(`/incidents/${incident}/postmortem.md`);
        if (o.json) printJson({ incident, markdown });
        else printRaw(markdown);
        return;
      }
      if (o.owner || o.date) {
        if (!o.owner || !o.date) throw new UsageError('a postmortem needs both --owner <handle> and --date <when>.');
        const body = { owner: handle(o.owner), scheduledFor: futureTime(o.date, '--date') };
        const answered = await api.put<Incident>(`/incidents/${incident}/postmortem`, body);
        answer(answered, o, () => `${answered.id} postmortem: ${describePostmortem(answered)}`);
        return;
      }
      const current = await api.get<Incident>(`/incidents/${incident}`);
      if (o.json) printJson(current.postmortem);
      else print(`${current.id} postmortem: ${describePostmortem(current)}\nStage: ${describeStage(current)}`);
    }),
  );
}

function describePostmortem(i: Incident): string {
  const pm = i.postmortem;
  if (pm.state === 'assigned') return `owned by @${pm.owner}, scheduled for ${pm.scheduledFor ? utc(pm.scheduledFor) : '(no date)'}.`;
  if (pm.state === 'owed')
    return i.state === 'open' ? 'required once resolved.' : `OWED: incident postmortem ${i.id} --owner <handle> --date <when>`;
  return 'not required by policy.';
}
