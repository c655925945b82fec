/** role, accept, decline, sme: who does what (R3, R4, R5, R6). */
import type { Command } from 'commander';
import { ApiError, UsageError, type Incident } from '../client.js';
import { handle, incidentId, roleName } from '../args.js';
import { roleLabel, rolesLine } from '../format.js';
import { answer, client, examples, run, withJson, type JsonOption } from './shared.js';

export function roleCommand(program: Command): void {
  const cmd = program
    .command('role')
    .summary('name Comms Lead or Scribe, offer IC (needs a yes), or --release')
    .description('name the Comms Lead or Scribe; offer Incident Commander (they must accept, R3); or --release a role')
    .argument('<id>', 'INC-7 or 7')
    .argument('<role>', 'ic (incident_commander), comms (comms_lead) or scribe')
    .argument('[person]', 'their handle (not with --release)')
    .option('--release', 'release whoever holds the role');
  withJson(cmd);
  examples(cmd, [
    'incident role INC-1 comms priya       # "Priya, you are Comms Lead"',
    'incident role INC-1 scribe sam',
    'incident role INC-1 ic priya          # offers IC; @priya answers with incident accept INC-1',
    'incident role INC-1 scribe --release',
  ]);
  cmd.action(
    run(async (id: string, roleText: string, person: string | undefined, o: JsonOption & { release?: boolean }) => {
      const incident = incidentId(id);
      const role = roleName(roleText);
      if (o.release) {
        if (person) throw new UsageError(`--release frees whoever holds ${roleLabel(role)}; leave out "${person}".`);
        const answered = await client().delete<Incident>(`/incidents/${incident}/roles/${role}`);
        answer(answered, o, () => `${answered.id}: ${roleLabel(role)} released.\n${rolesLine(answered)}`);
        return;
      }
      if (!person) throw new UsageError(`name who takes ${roleLabel(role)}: incident role ${incident} ${roleText} <handle>`);
      const answered = await client().post<Incident>(`/incidents/${incident}/roles`, { role, person: handle(person) });
      answer(answered, o, () => {
        const h = answered.pendingHandoff;
        if (role === 'incident_commander' && h)
          return [
            `${answered.id}: offered Incident Commander to @${h.to} (handoff ${h.id}). @${h.from} stays IC until they say yes.`,
            `  @${h.to} accepts with:  incident accept ${answered.id} ${h.id}`,
            `  or declines with:  incident decline ${answered.id} ${h.id}`,
          ].join('\n');
        return `${answered.id}: @${handle(person)} is ${roleLabel(role)}.\n${rolesLine(answered)}`;
      });
    }),
  );
}

/** The handoff to answer: the one named, or the incident's pending one. */
async function pendingHandoffId(incident: string, given: string | undefined): Promise<string> {
  if (given) {
    if (!/^h[0-9]{1,9}$/.test(given.trim())) throw new UsageError(`"${given}" is not a handoff id; they look like h7 (see incident show ${incident}).`);
    return given.trim();
  }
  const found = await client().get<Incident>(`/incidents/${incident}`);
  if (!found.pendingHandoff) throw new ApiError(409, 'HANDOFF_NOT_PENDING', `${incident} has no pending Incident Commander handoff.`);
  return found.pendingHandoff.id;
}

function answerCommand(program: Command, verb: 'accept' | 'decline'): void {
  const cmd = program
    .command(verb)
    .summary(verb === 'accept' ? 'accept the Incident Commander role offered to you (R3)' : 'decline the IC role offered to you; IC stays put (R3)')
    .description(
      verb === 'accept'
        ? 'say yes to the Incident Commander role offered to you (R3)'
        : 'say no to the Incident Commander role offered to you; IC stays where it was (R3)',
    )
    .argument('<id>', 'INC-7 or 7')
    .argument('[handoffId]', "the offer's id (default: the incident's pending handoff)");
  withJson(cmd);
  examples(cmd, [`incident ${verb} INC-1`, `incident ${verb} INC-1 h7`, '', 'Run it with your own token (INCIDENT_TOKEN): only the person offered IC can answer.']);
  cmd.action(
    run(async (id: string, given: string | undefined, o: JsonOption) => {
      const incident = incidentId(id);
      const handoff = await pendingHandoffId(incident, given);
      const answered = await client().post<Incident>(`/incidents/${incident}/handoffs/${handoff}/${verb}`);
      answer(answered, o, () =>
        verb === 'accept'
          ? `${answered.id}: @${answered.roles.incident_commander} is now the Incident Commander.\n${rolesLine(answered)}`
          : `${answered.id}: offer declined; @${answered.roles.incident_commander} is still the Incident Commander.`,
      );
    }),
  );
}

export function acceptCommand(program: Command): void {
  answerCommand(program, 'accept');
}

export function declineCommand(program: Command): void {
  answerCommand(program, 'decline');
}

export function smeCommand(program: Command): void {
  const cmd = program
    .command('sme')
    .summary('pull in an SME with a specialty (R5), or --release')
    .description('pull in a subject-matter expert with a specialty (R5), or --release them')
    .argument('<id>', 'INC-7 or 7')
    .argument('<person>', 'their handle')
    .option('--specialty <what>', 'database, payments, network…')
    .option('--release', 'release them from the incident');
  withJson(cmd);
  examples(cmd, ['incident sme INC-1 dana --specialty payments', 'incident sme INC-1 lee --specialty database', 'incident sme INC-1 lee --release']);
  cmd.action(
    run(async (id: string, personText: string, o: JsonOption & { specialty?: string; release?: boolean }) => {
      const incident = incidentId(id);
      const person = handle(personText);
      if (o.release) {
        const answered = await client().delete<Incident>(`/incidents/${incident}/smes/${person}`);
        answer(answered, o, () => `${answered.id}: @${person} released as SME.\n${rolesLine(answered)}`);
        return;
      }
      if (!o.specialty?.trim()) throw new UsageError(`an SME is pulled in for a specialty: incident sme ${incident} ${person} --specialty payments`);
      const answered = await client().post<Incident>(`/incidents/${incident}/smes`, { person, specialty: o.specialty.trim() });
      answer(answered, o, () => `${answered.id}: @${person} pulled in as SME (${o.specialty?.trim()}).\n${rolesLine(answered)}`);
    }),
  );
}
