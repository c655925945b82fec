/** follow-ups (list with filters) and follow-up add | done | wontdo | edit: the action items incidents leave behind. */
import { Option, type Command } from 'commander';
import type { Static } from 'typebox';
import type { FollowUpSchema } from '../../http/routes/follow-ups.js';
import { UsageError } from '../client.js';
import { handle, incidentId, positiveInt } from '../args.js';
import { table } from '../format.js';
import { client, examples, print, printJson, run, withJson, type JsonOption } from './shared.js';

type FollowUp = Static<typeof FollowUpSchema>;

const STATES = ['open', 'done', 'wont_do'];
const PRIORITIES = ['P1', 'P2', 'P3'];
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function day(text: string, what: string): string {
  if (!DAY.test(text)) throw new UsageError(`${what} "${text}" is not a day; use YYYY-MM-DD, e.g. 2026-06-20.`);
  return text;
}

function followUpId(text: string): string {
  if (!/^fu_[0-9a-f]{16}$/.test(text)) throw new UsageError(`"${text}" is not a follow-up id; use the fu_… id from "incident follow-ups".`);
  return text;
}

function stateLabel(item: FollowUp): string {
  if (item.overdue) return 'OVERDUE';
  return item.state === 'wont_do' ? "won't do" : item.state;
}

export function followUpTable(items: FollowUp[]): string {
  if (!items.length) return 'No follow-ups.';
  return table(
    ['ID', 'INCIDENT', 'DUE', 'PRI', 'STATE', 'OWNER', 'ISSUE', 'TITLE'],
    items.map((i) => [i.id, i.incident, i.due, i.priority, stateLabel(i), `@${i.owner}`, i.link?.key ?? '-', i.title]),
  );
}

function line(item: FollowUp): string {
  const issue = item.link ? ` Issue: ${item.link.key} ${item.link.url}` : '';
  return `${item.id} (${item.incident}) ${stateLabel(item)}: ${item.title} — @${item.owner}, due ${item.due}, ${item.priority}.${issue}`;
}

interface ListOptions extends JsonOption {
  state?: string;
  owner?: string;
  incident?: string;
  overdue?: boolean;
  dueBefore?: string;
  limit?: string;
}

export function followUpsCommand(program: Command): void {
  const cmd = program
    .command('follow-ups')
    .summary('follow-up action items, earliest due first')
    .description('follow-up action items from incidents, earliest due first; OVERDUE marks open ones past their due day')
    .addOption(new Option('--state <state>', 'only those in this state').choices(STATES))
    .option('--owner <handle>', 'only those this person owns')
    .option('--incident <id>', 'only those from this incident (INC-7 or 7)')
    .option('--overdue', 'only open ones past their due day')
    .option('--due-before <day>', 'only those due before this day (YYYY-MM-DD)')
    .option('--limit <n>', 'at most this many');
  withJson(cmd);
  examples(cmd, ['incident follow-ups --state open', 'incident follow-ups --owner priya --overdue', 'incident follow-ups --incident INC-4 --json', 'incident follow-ups export fu_1a2b3c4d5e6f7a8b --to github']);
  cmd.action(
    run(async (o: ListOptions) => {
      const query = {
        state: o.state,
        owner: o.owner === undefined ? undefined : handle(o.owner),
        incident: o.incident === undefined ? undefined : incidentId(o.incident),
        overdue: o.overdue ? 'true' : undefined,
        dueBefore: o.dueBefore === undefined ? undefined : day(o.dueBefore, '--due-before'),
      };
      const items = await client().all<FollowUp>('/follow-ups', query, o.limit ? positiveInt(o.limit, '--limit') : undefined);
      if (o.json) printJson(items);
      else print(followUpTable(items));
    }),
  );

  const exporting = cmd
    .command('export')
    .description('export a follow-up to GitHub Issues or Jira (as set up on the server), once: asked again, it shows the issue it has; closing the issue there closes the follow-up')
    .argument('<id>', 'the follow-up (fu_…)')
    .addOption(new Option('--to <tracker>', 'where to').choices(['github', 'jira']).makeOptionMandatory());
  withJson(exporting);
  exporting.action(
    run(async (id: string, o: JsonOption & { to: string }) => {
      const item = await client().post<FollowUp>(`/follow-ups/${followUpId(id)}/export`, { tracker: o.to });
      if (o.json) printJson(item);
      else print(`Exported ${line(item)}`);
    }),
  );
}

async function change(id: string, body: Record<string, unknown>, o: JsonOption): Promise<void> {
  const item = await client().patch<FollowUp>(`/follow-ups/${followUpId(id)}`, body);
  if (o.json) printJson(item);
  else print(line(item));
}

export function followUpCommand(program: Command): void {
  const cmd = program.command('follow-up').summary('open, close or change one follow-up action item: add, done, wontdo, edit');
  examples(cmd, [
    'incident follow-up add INC-4 "Alert on checkout error rate" --owner priya --due 2026-06-20 --priority P1',
    'incident follow-up add INC-4 "Runbook for rollback" --owner sam --due 2026-06-30 --entry 12',
    'incident follow-up done fu_1a2b3c4d5e6f7a8b',
    'incident follow-up wontdo fu_1a2b3c4d5e6f7a8b --reason "Replaced by the new deploy system"',
    'incident follow-up edit fu_1a2b3c4d5e6f7a8b --due 2026-07-01 --owner dana',
  ]);

  const add = cmd
    .command('add')
    .description("open a follow-up from an incident (its postmortem, or a timeline entry with --entry); a note on the incident's timeline says so")
    .argument('<incident>', 'INC-7 or 7')
    .argument('<title>', 'what will change')
    .requiredOption('--owner <handle>', 'who sees it through (a responder or admin)')
    .requiredOption('--due <day>', 'the UTC day it is due (YYYY-MM-DD); overdue from the day after')
    .addOption(new Option('--priority <p>', 'P1: before anything like this can happen again; P2: this planning cycle; P3: when there is room').choices(PRIORITIES))
    .option('--entry <id>', 'the timeline entry it came from (its id in "incident timeline --json")');
  withJson(add);
  add.action(
    run(async (inc: string, title: string, o: JsonOption & { owner: string; due: string; priority?: string; entry?: string }) => {
      const body = {
        title,
        owner: handle(o.owner),
        due: day(o.due, '--due'),
        ...(o.priority ? { priority: o.priority } : {}),
        ...(o.entry ? { sourceEntry: positiveInt(o.entry, '--entry') } : {}),
      };
      const item = await client().post<FollowUp>(`/incidents/${incidentId(inc)}/follow-ups`, body);
      if (o.json) printJson(item);
      else print(`Opened ${line(item)}`);
    }),
  );

  const done = cmd.command('done').description('mark a follow-up done (a note on its incident\'s timeline)').argument('<id>', 'the follow-up (fu_…)');
  withJson(done);
  done.action(run((id: string, o: JsonOption) => change(id, { state: 'done' }, o)));

  const wontdo = cmd
    .command('wontdo')
    .description("decide a follow-up will not be done, saying why (a note on its incident's timeline)")
    .argument('<id>', 'the follow-up (fu_…)')
    .requiredOption('-r, --reason <text>', 'why it is not worth doing');
  withJson(wontdo);
  wontdo.action(run((id: string, o: JsonOption & { reason: string }) => change(id, { state: 'wont_do', reason: o.reason }, o)));

  const edit = cmd
    .command('edit')
    .description('change an open follow-up (--reopen first for one done or dropped)')
    .argument('<id>', 'the follow-up (fu_…)')
    .option('--title <text>', 'what will change')
    .option('--owner <handle>', 'who sees it through')
    .option('--due <day>', 'the UTC day it is due (YYYY-MM-DD)')
    .addOption(new Option('--priority <p>', 'P1, P2 or P3').choices(PRIORITIES))
    .option('--reopen', 'reopen one that is done or will not be done');
  withJson(edit);
  edit.action(
    run(async (id: string, o: JsonOption & { title?: string; owner?: string; due?: string; priority?: string; reopen?: boolean }) => {
      const body = {
        ...(o.title !== undefined ? { title: o.title } : {}),
        ...(o.owner !== undefined ? { owner: handle(o.owner) } : {}),
        ...(o.due !== undefined ? { due: day(o.due, '--due') } : {}),
        ...(o.priority !== undefined ? { priority: o.priority } : {}),
        ...(o.reopen ? { state: 'open' } : {}),
      };
      if (!Object.keys(body).length) throw new UsageError('say what to change: --title, --owner, --due, --priority or --reopen.');
      await change(id, body, o);
    }),
  );
}
