/** Issue 16: `incident postmortem schedule|review|publish INC-n` and `incident postmortems`. */
import type { Command } from 'commander';
import { UsageError, type Incident } from '../client.js';
import { futureTime, handle, incidentId, positiveInt } from '../args.js';
import { utc } from '../format.js';
import { answer, client, examples, print, printJson, run, withJson, type JsonOption } from './shared.js';

const STAGES = ['owed', 'scheduled', 'drafting', 'in_review', 'published'];

/** Where the postmortem stands, in one line. */
export function describeStage(i: Incident): string {
  const pm = i.postmortem;
  switch (pm.stage) {
    case 'owed':
      return pm.required ? 'owed: schedule the review.' : 'not required; schedule one if it helps.';
    case 'scheduled':
      return `scheduled: ${utc(pm.scheduledFor ?? '')} for ${pm.minutes} min, owned by @${pm.owner}.`;
    case 'drafting':
      return `drafting: revision ${pm.revision}, owned by @${pm.owner}.`;
    case 'in_review':
      return `in review: revision ${pm.revision}, owned by @${pm.owner}.`;
    case 'published':
      return `published${pm.url ? ` at ${pm.url}` : ` (revision ${pm.publishedRevision}, frozen)`}${pm.onStatusPage ? ', linked from the status page' : ''}.`;
  }
}

/** The subcommands of `incident postmortem`. */
export function postmortemFlowCommands(postmortem: Command): void {
  const schedule = postmortem
    .command('schedule')
    .description('schedule the postmortem review; the invite (.ics) is e-mailed to the owner, the roles and the SMEs')
    .argument('<id>', 'INC-7 or 7')
    .requiredOption('--owner <handle>', 'who owns the postmortem')
    .requiredOption('--at <when>', 'when the review starts: ISO (2026-06-09T15:00:00Z), or from now (3d)')
    .option('--duration <minutes>', 'how long the review lasts, minutes', '60');
  withJson(schedule);
  examples(schedule, ['incident postmortem schedule INC-1 --owner alex --at 2026-06-09T15:00:00Z --duration 45']);
  schedule.action(
    run(async (id: string, o: JsonOption & { owner: string; at: string; duration: string }) => {
      const body = { owner: handle(o.owner), scheduledFor: futureTime(o.at, '--at'), durationMinutes: positiveInt(o.duration, '--duration') };
      const answered = await client().post<Incident>(`/incidents/${incidentId(id)}/postmortem/schedule`, body);
      answer(answered, o, () => `${answered.id} postmortem ${describeStage(answered)}`);
    }),
  );

  const review = postmortem.command('review').description('put the written postmortem up for review (drafting → in review)').argument('<id>', 'INC-7 or 7');
  withJson(review);
  review.action(
    run(async (id: string, o: JsonOption) => {
      const answered = await client().post<Incident>(`/incidents/${incidentId(id)}/postmortem/review`);
      answer(answered, o, () => `${answered.id} postmortem ${describeStage(answered)}`);
    }),
  );

  const publish = postmortem
    .command('publish')
    .description('publish the reviewed postmortem: the document is frozen; --status-page links it from the public status page')
    .argument('<id>', 'INC-7 or 7')
    .option('--status-page', 'link it from the incident on the public status page')
    .option('--no-status-page', 'keep it off the public status page')
    .option('--url <url>', 'where it is published, when kept elsewhere (a wiki)');
  withJson(publish);
  examples(publish, ['incident postmortem publish INC-1 --status-page', 'incident postmortem publish INC-1 --url https://wiki.example.com/pm/inc-1']);
  publish.action(
    run(async (id: string, o: JsonOption & { statusPage?: boolean; url?: string }) => {
      const body = { ...(o.url ? { url: o.url } : {}), ...(o.statusPage === undefined ? {} : { statusPage: o.statusPage }) };
      const answered = await client().put<Incident>(`/incidents/${incidentId(id)}/postmortem/publication`, body);
      answer(answered, o, () => `${answered.id} postmortem ${describeStage(answered)}`);
    }),
  );
}

export function postmortemsCommand(program: Command): void {
  const cmd = program
    .command('postmortems')
    .description('resolved incidents by their postmortem: owed, scheduled, drafting, in review, published')
    .option('--state <stage>', `only this stage: ${STAGES.join(', ')}`);
  withJson(cmd);
  cmd.action(
    run(async (o: JsonOption & { state?: string }) => {
      if (o.state && !STAGES.includes(o.state)) throw new UsageError(`--state is one of ${STAGES.join(', ')}; "${o.state}" is not.`);
      const list = await client().get<Incident[]>('/postmortems', o.state ? { state: o.state } : undefined);
      if (o.json) return printJson(list);
      print(list.length ? list.map((i) => `${i.id}  ${i.severity}  ${i.title}: ${describeStage(i)}`).join('\n') : 'No postmortems.');
    }),
  );
}
