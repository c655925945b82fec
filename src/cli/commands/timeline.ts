/** note, timeline, update: the Scribe's record (R9) and the Comms Lead's updates (R7). */
import { Option, type Command } from 'commander';
import { UsageError, type Entry, type Update } from '../client.js';
import { heldLine, type Draft } from './drafts.js';
import { futureTime, handle, incidentId, pastTime, positiveInt } from '../args.js';
import { timelineLines, utc } from '../format.js';
import { MANUAL_ENTRY_KINDS } from '../../domain/model/events.js';
import { ENTRY_KINDS } from '../../presenters/timeline.js';
import { client, examples, print, printJson, printRaw, run, warn, withJson, type JsonOption } from './shared.js';

const MANUAL_KINDS: readonly string[] = MANUAL_ENTRY_KINDS;
const ALL_KINDS: readonly string[] = ENTRY_KINDS;

function kindName(text: string): string {
  return text.trim().toLowerCase().replace(/-/g, '_').replace(/^ruled\s*out$/, 'ruled_out');
}

interface NoteOptions extends JsonOption {
  kind: string;
  at?: string;
  corrects?: string;
  to?: string;
}

export function noteCommand(program: Command): void {
  const cmd = program
    .command('note')
    .summary('add a timeline entry: observation, action, ruled_out… (R9)')
    .description('add a timeline entry; backdate with --at, correct an earlier entry with --corrects (R9)')
    .argument('<id>', 'INC-7 or 7')
    .argument('<text>', 'what happened, was seen, decided, suspected or ruled out')
    .option('-k, --kind <kind>', MANUAL_KINDS.join(', '), 'note')
    .option('--at <time>', 'when it happened, for catch-up: ISO, HH:MM UTC, or "10m ago"')
    .option('--corrects <entry>', 'the #id of the entry this one corrects (the timeline is append-only)')
    .option('--to <handle>', 'a finding only: whom it is reported to (default: the Incident Commander)');
  withJson(cmd);
  examples(cmd, [
    'incident note INC-1 "Error rate 30% on /checkout" --kind observation --at 14:14',
    'incident note INC-1 "Deploy 4821 rollback: errors continue" --kind ruled_out',
    'incident note INC-1 "Batch job is holding 95 of 100 DB connections" --kind hypothesis',
    'incident note INC-1 "Errors began 14:12, not 14:14" --corrects 7',
    'incident note INC-1 "The batch job holds 95 connections" --kind finding     # reported up to the IC',
  ]);
  cmd.action(
    run(async (id: string, text: string, o: NoteOptions) => {
      const kind = kindName(o.kind);
      if (!MANUAL_KINDS.includes(kind)) throw new UsageError(`--kind must be one of ${MANUAL_KINDS.join(', ')}; "${o.kind}" is not.`);
      const body = {
        kind,
        text,
        at: o.at ? pastTime(o.at, '--at') : undefined,
        corrects: o.corrects ? positiveInt(o.corrects, '--corrects') : undefined,
        to: o.to ? handle(o.to) : undefined,
      };
      const entry = await client().post<Entry>(`/incidents/${incidentId(id)}/timeline`, body);
      if (o.json) printJson(entry);
      else print(`Recorded #${entry.id} ${entry.kind}${entry.to ? ` for @${entry.to}` : ''} at ${utc(entry.at)}${entry.corrects ? ` (corrects #${entry.corrects})` : ''}.`);
      warn(entry.warnings);
    }),
  );
}

export function timelineCommand(program: Command): void {
  const cmd = program
    .command('timeline')
    .summary('the timeline; --kind ruled_out: what have we ruled out?')
    .description('the timeline in the order things happened: UTC time, #id, kind, actor, text')
    .argument('<id>', 'INC-7 or 7')
    .option('-k, --kind <kinds>', 'only these kinds, comma-separated (ruled_out answers "what have we ruled out?")');
  withJson(cmd);
  examples(cmd, [
    'incident timeline INC-1',
    'incident timeline INC-1 --kind ruled_out            # what have we ruled out?',
    'incident timeline INC-1 --kind hypothesis,ruled_out',
    '',
    `Kinds: ${ALL_KINDS.join(', ')}`,
  ]);
  cmd.action(
    run(async (id: string, o: JsonOption & { kind?: string }) => {
      let kind: string | undefined;
      if (o.kind) {
        const kinds = o.kind.split(',').map(kindName).filter(Boolean);
        const unknown = kinds.filter((k) => !ALL_KINDS.includes(k));
        if (unknown.length || !kinds.length) throw new UsageError(`unknown timeline kind "${unknown.join(', ') || o.kind}"; kinds are ${ALL_KINDS.join(', ')}.`);
        kind = kinds.join(',');
      }
      const entries = await client().all<Entry>(`/incidents/${incidentId(id)}/timeline`, { kind });
      if (o.json) printJson(entries);
      else if (!entries.length && kind) print(`No ${kind.replace(/,/g, ' or ')} entries.`);
      else print(timelineLines(entries));
    }),
  );
}

interface UpdateOptions extends JsonOption {
  status: string;
  impact: string;
  whatWeKnow: string;
  nextStep: string;
  nextUpdateBy?: string;
  audience?: string;
}

export function updateCommand(program: Command): void {
  const cmd = program
    .command('update')
    .summary('post a status update, promising the next one (R7)')
    .description('post a status update: Status, Impact, What we know, Next step, Next update by (R7); prints it as rendered')
    .argument('<id>', 'INC-7 or 7')
    .addOption(new Option('--status <status>', 'the status-page word').choices(['investigating', 'identified', 'monitoring']).makeOptionMandatory())
    .requiredOption('--impact <text>', 'who is affected and how, in human words')
    .requiredOption('--what-we-know <text>', 'what is known so far')
    .requiredOption('--next-step <text>', 'what happens next')
    .option('--next-update-by <time>', 'promise the next update: ISO, HH:MM UTC, or from now (30m); default: the severity cadence')
    .addOption(new Option('--audience <audience>', 'public (status page + stakeholders) or internal (default: the severity policy)').choices(['public', 'internal']));
  withJson(cmd);
  examples(cmd, [
    'incident update INC-1 --status investigating \\',
    '    --impact "~30% of checkout attempts failing with a 500 error. Browsing, cart, and account features are unaffected." \\',
    '    --what-we-know "Errors began at 14:14 after a batch job exhausted the DB connection pool. We\'re isolating the job now." \\',
    '    --next-step "Throttle the batch job and add pool headroom." --next-update-by 15:00',
    '',
    'To resolve, use "incident resolve": the final update takes no next-update time.',
  ]);
  cmd.action(
    run(async (id: string, o: UpdateOptions) => {
      const body = {
        status: o.status,
        impact: o.impact,
        whatWeKnow: o.whatWeKnow,
        nextStep: o.nextStep,
        nextUpdateBy: o.nextUpdateBy ? futureTime(o.nextUpdateBy, '--next-update-by') : undefined,
        audience: o.audience,
      };
      const update = await client().post<Update | Draft>(`/incidents/${incidentId(id)}/updates`, body);
      if (o.json) printJson(update);
      else if ('draftedBy' in update) print(heldLine(update));
      else printRaw(update.markdown);
      warn(update.warnings);
    }),
  );
}
