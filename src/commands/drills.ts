/**
 * Drills (README "Drills"): start one from a script, stop one, and score it. The scripted
 * steps themselves are run later by the drill worker (src/processors/drills.ts) from the
 * schedule stored here, never from a request.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandContext } from './context.js';
import { hashToken } from './tokens.js';
import { authorize } from '../domain/people/policy.js';
import { DomainError } from '../domain/model/errors.js';
import { stepDueAt, type DrillScript } from '../domain/drills/script.js';
import { parseDrillScript } from '../config/drill-script.js';
import { scoreDrill, type Scorecard } from '../domain/drills/scorecard.js';
import type { Drill } from '../store/drills.js';
import type { Repository } from '../store/repository.js';

export const MAX_SPEED = 1000;

/** The scripts a team can start by name: those shipped in drills/ and those in INCIDENT_DRILLS_DIR (the latter win). */
export function drillScripts(dirs: readonly string[]): Map<string, DrillScript> {
  const scripts = new Map<string, DrillScript>();
  for (const dir of dirs) {
    let files: string[];
    try {
      files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
    } catch {
      continue;
    }
    for (const file of files.sort()) {
      const script = parseDrillScript(readFileSync(join(dir, file), 'utf8'), file);
      scripts.set(script.name, script);
    }
  }
  return scripts;
}

export interface StartDrillInput {
  script?: string;
  /** A script's YAML, for one not kept on the server. */
  yaml?: string;
  speed?: number;
  notify?: boolean;
}

export async function startDrill(ctx: CommandContext, scripts: ReadonlyMap<string, DrillScript>, input: StartDrillInput): Promise<Drill> {
  authorize(ctx.actor, 'incidents.declare');
  if ((input.script === undefined) === (input.yaml === undefined))
    throw new DomainError('VALIDATION_FAILED', 'Name a script (script) or give one (yaml), not both.', { field: 'script', allowed: [...scripts.keys()] });
  const script = input.yaml !== undefined ? parseDrillScript(input.yaml, 'yaml') : scripts.get(input.script!);
  if (!script) throw new DomainError('UNKNOWN_DRILL_SCRIPT', `There is no drill script "${input.script}".`, { field: 'script', allowed: [...scripts.keys()] });
  const speed = input.speed ?? 1;
  if (!(speed > 0 && speed <= MAX_SPEED)) throw new DomainError('VALIDATION_FAILED', `speed must be above 0 and at most ${MAX_SPEED}.`, { field: 'speed' });
  const id = `drl_${randomBytes(6).toString('hex')}`;
  // The drill's alerts arrive through intake like any other, from a source of its own whose key nobody holds.
  const alertSource = { id: `src_${randomBytes(6).toString('hex')}`, name: `drill ${id}`, type: 'events' as const, createdBy: ctx.actor.handle, createdAt: ctx.now };
  await ctx.tx.alertSources.insert(alertSource, hashToken(randomBytes(32).toString('base64url')));
  const drill: Drill = {
    id,
    scriptName: script.name,
    script,
    speed,
    notify: input.notify ?? false,
    state: 'running',
    startedBy: ctx.actor.handle,
    startedAt: ctx.now,
    alertSource: alertSource.id,
    nextStep: 0,
    nextDueAt: stepDueAt(script, 0, ctx.now, speed),
    firstAlertAt: null,
    incident: null,
    endedAt: null,
    endedHow: null,
    scorecard: null,
  };
  await ctx.tx.drills.insert(drill);
  return drill;
}

export async function getDrill(tx: Repository, id: string): Promise<Drill> {
  const drill = await tx.drills.get(id);
  if (!drill) throw new DomainError('DRILL_NOT_FOUND', `There is no drill ${id}.`, { field: 'id' });
  return drill;
}

/** The scorecard as of `at`: final once the drill ended, provisional while it runs. */
export async function scorecardOf(tx: Repository, drill: Drill, at: string): Promise<Scorecard> {
  if (drill.scorecard) return drill.scorecard;
  const events = drill.incident === null ? [] : await tx.incidents.events(drill.incident);
  return scoreDrill({ script: drill.script, firstAlertAt: drill.firstAlertAt, endedAt: at, events });
}

/** Ends a drill with its scorecard; a drill already ended is answered as it is. */
export async function endDrill(tx: Repository, drill: Drill, how: 'resolved' | 'stopped', at: string): Promise<Drill> {
  if (drill.state === 'ended') return drill;
  const scorecard = await scorecardOf(tx, drill, at);
  await tx.drills.end(drill.id, how, at, scorecard);
  return { ...drill, state: 'ended', endedHow: how, endedAt: at, scorecard, nextDueAt: null };
}

export async function stopDrill(ctx: CommandContext, id: string): Promise<Drill> {
  authorize(ctx.actor, 'incidents.declare');
  return endDrill(ctx.tx, await getDrill(ctx.tx, id), 'stopped', ctx.now);
}

/** The running drill an incident being declared belongs to: named (`drill`) or found by the alert group's source. */
export async function drillToDeclare(tx: Repository, by: { id?: string | null; alertSource?: string }): Promise<Drill | null> {
  const drill = by.id ? await getDrill(tx, by.id) : by.alertSource ? await tx.drills.runningBySource(by.alertSource) : null;
  if (!drill) return null;
  if (drill.state !== 'running') throw new DomainError('DRILL_ENDED', `Drill ${drill.id} has ended.`, { field: 'drill' });
  if (drill.incident !== null)
    throw new DomainError('DRILL_ALREADY_DECLARED', `Drill ${drill.id} already has its incident, INC-${drill.incident}.`, { field: 'drill' });
  return drill;
}
