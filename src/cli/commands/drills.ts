/** drill start/list/show/stop/scripts: rehearse an incident from a script, and read its scorecard (README "Drills"). */
import type { Command } from 'commander';
import type { Static } from 'typebox';
import type { DrillSchema, DrillScriptSchema } from '../../http/routes/drills.js';
import { UsageError } from '../client.js';
import { roleLabel, span, table, utc } from '../format.js';
import { client, examples, print, printJson, run, withJson, type JsonOption } from './shared.js';

export type Drill = Static<typeof DrillSchema>;
type DrillScript = Static<typeof DrillScriptSchema>;
type Scorecard = NonNullable<Drill['scorecard']>;

const DRILL_ID = /^drl_[0-9a-f]{12}$/;

function drillId(text: string): string {
  const id = text.trim().toLowerCase();
  if (!DRILL_ID.test(id)) throw new UsageError(`"${text}" is not a drill id; use the drl_… id from "incident drill list".`);
  return id;
}

function speedOf(text: string): number {
  const speed = Number(text.trim().replace(/x$/i, ''));
  if (!Number.isFinite(speed) || speed <= 0) throw new UsageError(`--speed must be a number above 0 (10 plays the script ten times faster); "${text}" is not.`);
  return speed;
}

/** A person's handle as @handle; a scripted voice (`drill:lee`) as it is. */
const who = (by: string) => (by.includes(':') ? by : `@${by}`);
const seconds = (s: number | null) => (s === null ? '-' : span(s * 1000));
const progress = (d: Drill) => `${d.stepsDone}/${d.steps}`;
const stateOf = (d: Drill) => (d.state === 'running' ? 'running' : `ended (${d.endedHow ?? 'stopped'})`);

function drillTable(drills: Drill[]): string {
  if (!drills.length) return 'No drills yet. Start one: incident drill start checkout --speed 10\n';
  const rows = drills.map((d) => [d.id, d.script, stateOf(d), `${d.speed}x`, progress(d), d.incident ?? '-', `@${d.startedBy}`, utc(d.startedAt)]);
  return table(['ID', 'SCRIPT', 'STATE', 'SPEED', 'STEPS', 'INCIDENT', 'BY', 'STARTED'], rows);
}

/** The scorecard, one line per thing the playbook asks of an IC. */
export function scorecardText(card: Scorecard): string {
  const declared = card.declared ? seconds(card.timeToDeclareSeconds) : 'never declared';
  const roles = card.roles.map((r) =>
    r.person === null ? `  ${roleLabel(r.role)}: not named` : `  ${roleLabel(r.role)}: @${r.person}${r.afterDeclareSeconds ? ` (${seconds(r.afterDeclareSeconds)} after declaring)` : ''}`,
  );
  const lapses = card.handsOff.lapses.map((l) => `  ${utc(l.at)} @${l.commander} went hands-on (${l.via === 'sme' ? 'added as an SME' : 'an action entry'})`);
  const judged = card.updates.onTime + card.updates.late;
  const worst = Math.max(0, ...card.updates.promises.map((p) => p.lateSeconds));
  const updates = judged === 0 ? 'no update promise fell due' : `${card.updates.onTime} of ${judged} on time${card.updates.late ? `, worst ${seconds(worst)} late` : ''}`;
  const found = card.ruledOut.found.length ? card.ruledOut.found.join(', ') : 'nothing';
  return [
    'Scorecard',
    `  Time to declare:     ${declared}`,
    `  Roles named:`,
    ...roles.map((r) => `  ${r}`),
    `  IC kept hands off:   ${card.handsOff.kept ? 'yes' : `no (${card.handsOff.lapses.length})`}`,
    ...lapses.map((l) => `  ${l}`),
    `  Updates on time:     ${updates}`,
    `  Ruled out:           ${found}${card.ruledOut.expected.length ? ` (of ${card.ruledOut.expected.join(', ')})` : ''}`,
    ...(card.ruledOut.missed.length ? [`  Missed:              ${card.ruledOut.missed.join(', ')}`] : []),
    ...card.ruledOut.entries.map((e) => `    ${utc(e.at)} ${who(e.by)}: ${e.text}`),
    `  Resolved:            ${card.resolved ? 'yes' : 'no'}`,
  ].join('\n');
}

function drillText(d: Drill): string {
  const head = [
    `${d.id} "${d.title}" (script ${d.script}, ${d.speed}x) — ${stateOf(d)}`,
    `Started ${utc(d.startedAt)} by @${d.startedBy}; steps ${progress(d)}${d.nextStepAt ? `, next at ${utc(d.nextStepAt)}` : ''}`,
    d.incident ? `Incident: ${d.incident} (incident show ${d.incident})` : 'Incident: not declared yet (the drill alerts are in "incident alerts")',
    ...(d.notify ? ['Notifications ON: this drill reaches webhooks, e-mail, chat and the status page.'] : []),
    ...(d.endedAt ? [`Ended ${utc(d.endedAt)}`] : []),
  ];
  if (!d.scorecard) return head.join('\n');
  return [...head, '', d.state === 'running' ? `${scorecardText(d.scorecard)}\n(so far: the drill is still running)` : scorecardText(d.scorecard)].join('\n');
}

interface StartOptions extends JsonOption {
  speed?: string;
  notify?: boolean;
}

export function drillCommand(program: Command): void {
  const drill = program
    .command('drill')
    .summary('rehearse an incident from a script: start, list, show (the scorecard), stop, scripts')
    .description(
      'drills replay a scripted incident at a chosen speed: alerts arrive, scripted SMEs post findings, a stakeholder asks for news; ' +
        'the trainee runs it with the real commands. Drill incidents never reach the status page, chat, e-mail or webhooks (unless started with --notify), nor insights.',
    );
  examples(drill, ['incident drill scripts', 'incident drill start checkout --speed 10', 'incident drill list', 'incident drill show drl_0123456789ab']);

  const scripts = drill.command('scripts').description('the scripts a drill can be started from');
  withJson(scripts);
  scripts.action(
    run(async (o: JsonOption) => {
      const list = await client().get<DrillScript[]>('/drills/scripts');
      if (o.json) return printJson(list);
      print(list.length ? table(['SCRIPT', 'STEPS', 'TITLE'], list.map((s) => [s.name, String(s.steps), s.title])) : 'No drill scripts on the server.');
    }),
  );

  const start = drill
    .command('start')
    .description('start a drill from a script; its alerts arrive like any other, and the trainee declares and runs the incident')
    .argument('<script>', 'the script name (incident drill scripts)')
    .option('--speed <n>', 'how many times faster than the script plays (default 1)')
    .option('--notify', 'let the drill incident reach webhooks, e-mail, chat and the status page (normally kept in)');
  withJson(start);
  examples(start, ['incident drill start checkout', 'incident drill start checkout --speed 10']);
  start.action(
    run(async (script: string, o: StartOptions) => {
      const body = { script: script.trim(), ...(o.speed !== undefined ? { speed: speedOf(o.speed) } : {}), ...(o.notify ? { notify: true } : {}) };
      const d = await client().post<Drill>('/drills', body);
      if (o.json) return printJson(d);
      print(
        [
          `Started drill ${d.id} "${d.title}" at ${d.speed}x (${d.steps} steps).`,
          'Its first alert arrives in "incident alerts": acknowledge, assess and declare as in a real incident.',
          `Scorecard: incident drill show ${d.id}    Stop: incident drill stop ${d.id}`,
        ].join('\n'),
      );
    }),
  );

  const list = drill.command('list', { isDefault: true }).alias('ls').description('drills, the latest started first');
  withJson(list);
  list.action(
    run(async (o: JsonOption) => {
      const drills = await client().get<Drill[]>('/drills');
      if (o.json) printJson(drills);
      else print(drillTable(drills));
    }),
  );

  const show = drill.command('show').description('one drill: its progress, its incident and its scorecard').argument('<id>', 'the drill id (drl_…)');
  withJson(show);
  show.action(
    run(async (id: string, o: JsonOption) => {
      const d = await client().get<Drill>(`/drills/${drillId(id)}`);
      if (o.json) printJson(d);
      else print(drillText(d));
    }),
  );

  const stop = drill.command('stop').description('stop a drill now; it ends with its scorecard').argument('<id>', 'the drill id (drl_…)');
  withJson(stop);
  stop.action(
    run(async (id: string, o: JsonOption) => {
      const d = await client().post<Drill>(`/drills/${drillId(id)}/stop`);
      if (o.json) printJson(d);
      else print(`Stopped.\n${drillText(d)}`);
    }),
  );
}
