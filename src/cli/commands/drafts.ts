/** The Comms Lead owns outbound (`updates.publicBy: comms-lead-approves`): held public updates, approved or rejected. */
import type { Command } from 'commander';
import type { Static } from 'typebox';
import type { DraftSchema } from '../../http/schemas.js';
import type { Update } from '../client.js';
import { incidentId } from '../args.js';
import { hhmm, statusLabel, table } from '../format.js';
import { client, examples, print, printJson, printRaw, run, warn, withJson, type JsonOption } from './shared.js';

export type Draft = Static<typeof DraftSchema>;

/** What `incident update` prints when its update was held rather than posted. */
export function heldLine(draft: Draft): string {
  return `Held as draft ${draft.id}: the Comms Lead @${draft.commsLead ?? '?'} approves it before it goes out (incident drafts ${draft.incident}).`;
}

export function draftsCommand(program: Command): void {
  const cmd = program
    .command('drafts')
    .summary('public updates held for the Comms Lead to approve')
    .description('list the public updates held for the Comms Lead (updates.publicBy: comms-lead-approves), oldest first')
    .argument('<id>', 'INC-7 or 7');
  withJson(cmd);
  cmd.action(
    run(async (id: string, o: JsonOption) => {
      const drafts = await client().get<Draft[]>(`/incidents/${incidentId(id)}/drafts`);
      if (o.json) return printJson(drafts);
      if (!drafts.length) return print('No update is waiting for the Comms Lead.');
      print(table(['DRAFT', 'BY', 'AT', 'STATUS', 'IMPACT'], drafts.map((d) => [d.id, `@${d.draftedBy}`, `${hhmm(d.draftedAt)} UTC`, statusLabel(d.status), d.impact])));
    }),
  );
}

export function approveCommand(program: Command): void {
  const cmd = program
    .command('approve')
    .summary('the Comms Lead approves a held update: it is posted')
    .argument('<id>', 'INC-7 or 7')
    .argument('<draft>', 'the draft, such as d12 (incident drafts INC-7)');
  withJson(cmd);
  examples(cmd, ['incident approve INC-1 d12']);
  cmd.action(
    run(async (id: string, draft: string, o: JsonOption) => {
      const update = await client().post<Update>(`/incidents/${incidentId(id)}/drafts/${encodeURIComponent(draft)}/approve`, {});
      if (o.json) printJson(update);
      else printRaw(update.markdown);
      warn(update.warnings);
    }),
  );
}

export function rejectCommand(program: Command): void {
  const cmd = program
    .command('reject')
    .summary('the Comms Lead rejects a held update, saying why')
    .argument('<id>', 'INC-7 or 7')
    .argument('<draft>', 'the draft, such as d12')
    .requiredOption('-r, --reason <text>', 'what to change (recorded on the timeline)');
  examples(cmd, ['incident reject INC-1 d12 --reason "Impact overstated: only EU cards"']);
  cmd.action(
    run(async (id: string, draft: string, o: { reason: string }) => {
      await client().post<undefined>(`/incidents/${incidentId(id)}/drafts/${encodeURIComponent(draft)}/reject`, { reason: o.reason });
      print(`Draft ${draft} rejected; its author sees why on the timeline.`);
    }),
  );
}
