/** change (record one), changes (list, or an incident's), suspect (a change as a hypothesis): README "What changed". */
import { Option, type Command } from 'commander';
import type { Static } from 'typebox';
import type { ChangeAccepted, ChangeSchema, IncidentChangesSchema } from '../../http/change-schemas.js';
import type { Entry } from '../client.js';
import { UsageError } from '../client.js';
import { collect, incidentId, pastTime, positiveInt } from '../args.js';
import { hhmm, table } from '../format.js';
import { client, examples, print, printJson, run, warn, withJson, type JsonOption } from './shared.js';
import { CHANGE_KINDS } from '../../domain/changes/change.js';

type Change = Static<typeof ChangeSchema>;
type RoomChange = Static<typeof IncidentChangesSchema>['changes'][number];

function changeId(text: string): string {
  const id = text.trim();
  if (!/^chg_[0-9a-f]{16}$/.test(id)) throw new UsageError(`"${text}" is not a change id; they look like chg_3f2a9c0d1e4b5a67 (incident changes).`);
  return id;
}

function changeRows(changes: (Change & { mark?: string })[]): string[][] {
  return changes.map((c) => [c.id, `${c.at.slice(0, 10)} ${hhmm(c.at)}`, c.kind, c.components.join(',') || '-', `${c.mark ?? ''}${c.summary}`]);
}

export function changeCommand(program: Command): void {
  const cmd = program
    .command('change')
    .summary('record what changed: a deploy, a config push, a flag, a batch job')
    .description('record a change as yourself (deploy pipelines send change events with a changes source key instead: README "What changed")')
    .argument('<summary>', 'what changed, e.g. "Deployed checkout-api v2.14.0"')
    .addOption(new Option('-k, --kind <kind>', 'what sort of change').choices(CHANGE_KINDS).default('other'))
    .option('-c, --component <id>', 'a component it touched (repeatable, or comma-separated)', collect)
    .option('-l, --link <url>', 'a link to the change: the pipeline run, the pull request (repeatable)', collect)
    .option('--at <time>', 'when it happened, if not now: ISO, HH:MM UTC, or 15m ago')
    .option('-s, --source <name>', 'the system that made it, e.g. argocd');
  withJson(cmd);
  examples(cmd, [
    'incident change "Deployed checkout-api v2.14.0" --kind deploy --component checkout --link https://ci.example.com/812',
    'incident change "Nightly reconciliation batch" --kind batch-job --at 13:55',
  ]);
  cmd.action(
    run(async (summary: string, o: JsonOption & { kind: string; component?: string[]; link?: string[]; at?: string; source?: string }) => {
      const sent = await client().post<Static<typeof ChangeAccepted>>('/changes', {
        payload: { summary, ...(o.at ? { timestamp: pastTime(o.at, '--at') } : {}), ...(o.source ? { source: o.source } : {}) },
        kind: o.kind,
        ...(o.component ? { components: o.component } : {}),
        ...(o.link ? { links: o.link.map((href) => ({ href })) } : {}),
      });
      if (o.json) printJson(sent);
      else print(`Recorded change ${sent.change.id} (${sent.change.kind}) at ${hhmm(sent.change.at)} UTC: ${sent.change.summary}`);
    }),
  );
}

export function changesCommand(program: Command): void {
  const cmd = program
    .command('changes')
    .summary('what changed: newest first, or around an incident')
    .description("list changes, newest first; with an incident, those of the hour before its impact began and since, the ones on its components first (marked *)")
    .argument('[incident]', 'INC-7 or 7: the changes around that incident')
    .option('--from <time>', 'changes at or after this time')
    .option('--to <time>', 'changes at or before this time')
    .option('-c, --component <id>', 'only changes touching this component')
    .addOption(new Option('-k, --kind <kind>', 'only this sort of change').choices(CHANGE_KINDS))
    .option('-n, --limit <n>', 'at most this many (default 50)');
  withJson(cmd);
  examples(cmd, ['incident changes --kind deploy --component checkout', 'incident changes INC-7', 'incident suspect INC-7 chg_3f2a9c0d1e4b5a67']);
  cmd.action(
    run(async (incident: string | undefined, o: JsonOption & { from?: string; to?: string; component?: string; kind?: string; limit?: string }) => {
      if (incident) {
        const room = await client().get<Static<typeof IncidentChangesSchema>>(`/incidents/${incidentId(incident)}/changes`);
        if (o.json) return printJson(room);
        const mark = (c: RoomChange) => `${c.touchesIncident ? '* ' : ''}${c.when === 'before' ? '(before) ' : ''}${c.hypothesis !== null ? `[hypothesis #${c.hypothesis}] ` : ''}`;
        print(`Changes around ${room.incident}, ${hhmm(room.from)}–${hhmm(room.to)} UTC (* touches its components):`);
        print(room.changes.length ? table(['CHANGE', 'AT (UTC)', 'KIND', 'COMPONENTS', 'SUMMARY'], changeRows(room.changes.map((c) => ({ ...c, mark: mark(c) })))) : 'No changes in that window.\n');
        return;
      }
      const query = { from: o.from && pastTime(o.from, '--from'), to: o.to && pastTime(o.to, '--to'), component: o.component, kind: o.kind };
      const changes = await client().all<Change>('/changes', query, o.limit ? positiveInt(o.limit, '--limit') : 50);
      if (o.json) return printJson(changes);
      print(changes.length ? table(['CHANGE', 'AT (UTC)', 'KIND', 'COMPONENTS', 'SUMMARY'], changeRows(changes)) : 'No changes.\n');
    }),
  );
}

export function suspectCommand(program: Command): void {
  const cmd = program
    .command('suspect')
    .description('put a change on the incident timeline as a hypothesis (once per change)')
    .argument('<id>', 'INC-7 or 7')
    .argument('<change>', 'the change id (chg_…), from incident changes INC-7');
  withJson(cmd);
  examples(cmd, ['incident changes INC-7                          # find the change', 'incident suspect INC-7 chg_3f2a9c0d1e4b5a67']);
  cmd.action(
    run(async (id: string, change: string, o: JsonOption) => {
      const entry = await client().post<Entry>(`/incidents/${incidentId(id)}/changes/${changeId(change)}/hypothesis`, {});
      if (o.json) printJson(entry);
      else print(`Hypothesis #${entry.id} on ${incidentId(id)}: ${entry.text}`);
      warn(entry.warnings);
    }),
  );
}
