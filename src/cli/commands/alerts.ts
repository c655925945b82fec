/** alerts (list/show/ack/declare/dismiss), ack, alert-sources: step 1 of the playbook, acknowledge and assess. */
import { Option, type Command } from 'commander';
import { ApiError, type AlertGroup, type AlertSource, type Incident, type NewAlertSource, type RotatedAlertSource } from '../client.js';
import { alertGroupId, positiveInt } from '../args.js';
import { span, utc } from '../format.js';
import { alertGroupSummary, alertGroupTable, sourceTable } from '../format-alerts.js';
import { receiverSnippet } from '../../presenters/alert-receiver.js';
import { answer, client, examples, print, printJson, run, withJson, type JsonOption } from './shared.js';

const STATES = ['open', 'acknowledged', 'resolved', 'dismissed'] as const;
const SOURCE_TYPES = ['alertmanager', 'events', 'changes'] as const;

const groupPath = (id: string, action = '') => `/alerts/${encodeURIComponent(alertGroupId(id))}${action ? `/${action}` : ''}`;

function nextSteps(g: AlertGroup): string {
  return [
    'Assess (is it real? what is the blast radius?), then:',
    `  incident alerts declare ${g.id} --severity ${g.suggestedSeverity}`,
    `  incident alerts dismiss ${g.id} --reason "..."`,
  ].join('\n');
}

/** After `ack`: who, when, how long it took, and what to do next. */
function acknowledged(g: AlertGroup): string {
  const took = g.secondsToAcknowledge !== null ? `, ${span(g.secondsToAcknowledge * 1000)} after it first fired` : '';
  const when = g.acknowledgedAt ? ` at ${utc(g.acknowledgedAt)}` : '';
  const head = `Acknowledged alert group ${g.id} "${g.title}" (${g.counts.alerts} alerts, ${g.counts.firing} firing)${when}${took}.`;
  return g.incident ? `${head}\nIt is already attached to ${g.incident}: new firings go to its timeline.` : `${head}\n${nextSteps(g)}`;
}

function addAck(parent: Command, name: string): void {
  const cmd = parent
    .command(name)
    .summary('acknowledge an alert group: you have it (time to acknowledge is kept)')
    .description('acknowledge an alert group: records who and when (time to acknowledge is kept); then declare or dismiss it')
    .argument('<groupId>', 'the group id from "incident alerts"');
  withJson(cmd);
  examples(cmd, ['incident ack 3', 'incident alerts ack 3 --json']);
  cmd.action(
    run(async (id: string, o: JsonOption) => {
      const group = await client().post<AlertGroup>(groupPath(id, 'ack'));
      if (o.json) printJson(group);
      else print(acknowledged(group));
    }),
  );
}

interface DeclareOptions extends JsonOption {
  severity?: string;
  title?: string;
}

export function alertsCommand(program: Command): void {
  const alerts = program
    .command('alerts')
    .summary('alert groups to acknowledge and assess: list, show, ack, declare, dismiss')
    .description('alert groups from Alertmanager and Events v2 sources: list (default), show, ack, declare an incident, dismiss');
  examples(alerts, [
    'incident alerts                         # open groups: severity, source, counts, first/last seen, differing labels',
    'incident alerts --state acknowledged',
    'incident alerts show 3',
    'incident ack 3',
    'incident alerts declare 3 --severity SEV2 --title "Checkout errors"',
    'incident alerts dismiss 4 --reason "Load test in staging"',
  ]);

  const list = alerts
    .command('list', { isDefault: true })
    .alias('ls')
    .description('alert groups in one state (default open): id, state, severity→suggested SEV, source, counts, first/last seen, title, differing labels')
    .addOption(new Option('--state <state>', 'which groups').choices(STATES).default('open'))
    .option('--limit <n>', 'at most this many (most recently seen first)');
  withJson(list);
  examples(list, ['incident alerts', 'incident alerts --state resolved', 'incident alerts --json | jq ".[].id"']);
  list.action(
    run(async (o: JsonOption & { state: string; limit?: string }) => {
      const groups = await client().all<AlertGroup>('/alerts', { state: o.state }, o.limit ? positiveInt(o.limit, '--limit') : undefined);
      if (o.json) printJson(groups);
      else print(alertGroupTable(groups, new Date(), o.state));
    }),
  );

  const show = alerts
    .command('show')
    .description('one alert group: state, counts, common and differing labels, suggestions, and each alert')
    .argument('<groupId>', 'the group id from "incident alerts"');
  withJson(show);
  examples(show, ['incident alerts show 3', 'incident alerts show 3 --json | jq ".alerts[].labels"']);
  show.action(
    run(async (id: string, o: JsonOption) => {
      let group: AlertGroup | undefined;
      for await (const page of client().pages<AlertGroup>(groupPath(id), {}, { rows: (p) => p.alerts?.length ?? 0 }))
        group = group ? { ...group, alerts: [...(group.alerts ?? []), ...(page.alerts ?? [])] } : page;
      if (!group) throw new Error('the server answered no page');
      if (o.json) printJson(group);
      else print(alertGroupSummary(group, new Date()));
    }),
  );

  addAck(alerts, 'ack');

  const declare = alerts
    .command('declare')
    .description('declare an incident from an alert group (R1): title, components and severity suggested from its labels; its alerts go on the timeline')
    .argument('<groupId>', 'the group id from "incident alerts"')
    .option('-s, --severity <level>', 'SEV1, SEV2 or SEV3 (default: suggested from the alerts; when in doubt, declare higher)')
    .option('--title <text>', 'the incident title (default: suggested from the alerts)');
  withJson(declare);
  examples(declare, ['incident alerts declare 3', 'incident alerts declare 3 --severity SEV1 --title "Checkout down"', '', 'Prints the channel announcement to paste into chat; you are IC.']);
  declare.action(
    run(async (id: string, o: DeclareOptions) => {
      const body = { severity: o.severity?.trim().toUpperCase(), title: o.title };
      const incident = await client().post<Incident>(groupPath(id, 'declare'), body);
      answer(incident, o, () => incident.announcement ?? `Declared ${incident.id}: #${incident.channel}`);
    }),
  );

  const dismiss = alerts
    .command('dismiss')
    .description('close an alert group without an incident, with a reason')
    .argument('<groupId>', 'the group id from "incident alerts"')
    .requiredOption('-r, --reason <text>', 'why this is not an incident');
  withJson(dismiss);
  examples(dismiss, ['incident alerts dismiss 4 --reason "Load test in staging"']);
  dismiss.action(
    run(async (id: string, o: JsonOption & { reason: string }) => {
      const group = await client().post<AlertGroup>(groupPath(id, 'dismiss'), { reason: o.reason });
      if (o.json) printJson(group);
      else print(`Dismissed alert group ${group.id} "${group.title}": ${group.dismissedReason ?? o.reason}`);
    }),
  );
}

export function ackCommand(program: Command): void {
  addAck(program, 'ack');
}

interface AddSourceOptions extends JsonOption {
  type: (typeof SOURCE_TYPES)[number];
}

export function alertSourcesCommand(program: Command): void {
  const sources = program
    .command('alert-sources')
    .summary('where alerts come from: add (prints its key and receiver config), list, or rotate a key')
    .description('alert sources, each with its own key: add one (admin) and paste the receiver into Alertmanager, list them, or rotate a key (admin)');
  examples(sources, [
    'incident alert-sources add prometheus --type alertmanager',
    'incident alert-sources add pager --type events',
    'incident alert-sources list',
    'incident alert-sources rotate-key src_0123456789ab',
  ]);

  const list = sources.command('list', { isDefault: true }).alias('ls').description('list alert sources (keys are never shown again)');
  withJson(list);
  list.action(
    run(async (o: JsonOption) => {
      const found = await client().all<AlertSource>('/alert-sources');
      if (o.json) printJson(found);
      else print(sourceTable(found));
    }),
  );

  const add = sources
    .command('add')
    .description('add an alert source (admin): prints its key, shown once, and an Alertmanager receiver to paste')
    .argument('<name>', 'what sends the alerts, e.g. prometheus')
    .addOption(new Option('--type <type>', 'alertmanager (webhook_configs), events (PagerDuty Events v2, pagerduty_configs) or changes (change events: deploys, config pushes)').choices(SOURCE_TYPES).makeOptionMandatory());
  withJson(add);
  examples(add, [
    'incident alert-sources add prometheus --type alertmanager',
    'incident alert-sources add pager --type events',
    'incident alert-sources add prometheus --type alertmanager --json | jq -r .key',
    '',
    'The receiver URL is INCIDENT_URL; change it if Alertmanager reaches this server at another address.',
  ]);
  add.action(
    run(async (name: string, o: AddSourceOptions) => {
      const api = client();
      const source = await api.post<NewAlertSource>('/alert-sources', { name, type: o.type });
      if (o.json) {
        printJson(source);
        return;
      }
      if (source.key === null)
        throw new ApiError(409, 'KEY_ANSWER_LOST', `alert source ${source.id} was added, but its answer was lost on the way and a key is shown once: add another source`);
      const key = source.key;
      const snippet = receiverSnippet(source, key, api.connection.url);
      const receiver = `incident-command-${source.name}`;
      const what =
        source.type === 'changes'
          ? `Send change events (PagerDuty Change Events format) to ${api.connection.url}/api/v1/changes with this routing_key, e.g. from a deploy pipeline:`
          : source.type === 'alertmanager'
          ? `Add this receiver to alertmanager.yml and route alerts to it ("receiver: ${receiver}" in a route):`
          : `Add this receiver to alertmanager.yml and route alerts to it ("receiver: ${receiver}" in a route),\nor send PagerDuty Events v2 to ${api.connection.url}/api/v1/alerts/events with this routing_key:`;
      print(
        [
          `Added alert source ${source.id} "${source.name}" (${source.type}). Its key is shown once:`,
          '',
          `  ${key}`,
          '',
          what,
          '',
          snippet,
        ].join('\n'),
      );
    }),
  );

  const rotate = sources
    .command('rotate-key')
    .description('a new key for an alert source (admin), shown once; the old key is still accepted for 24 hours, refused after')
    .argument('<id>', 'the source id (src_…), from incident alert-sources list');
  withJson(rotate);
  rotate.action(
    run(async (id: string, o: JsonOption) => {
      const source = await client().post<RotatedAlertSource>(`/alert-sources/${encodeURIComponent(id)}/rotate-key`, {});
      if (o.json) {
        printJson(source);
        return;
      }
      if (source.key === null)
        throw new ApiError(409, 'KEY_ANSWER_LOST', `the key of alert source ${source.id} was rotated, but the answer was lost on the way and a key is shown once: rotate it again`);
      print(
        [
          `Rotated the key of alert source ${source.id} "${source.name}". The new key is shown once:`,
          '',
          `  ${source.key}`,
          '',
          `Put it in the sender's configuration (Alertmanager: http_config.authorization.credentials; Events v2: routing_key).`,
          `The old key is still accepted until ${utc(source.previousKeyValidUntil)}, and refused after.`,
        ].join('\n'),
      );
    }),
  );
}
