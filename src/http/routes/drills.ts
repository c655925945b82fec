/** Drills (README "Drills"): start one from a script, list them, read one with its scorecard, stop one; the scripts on offer. */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { actor, write, type HttpDeps } from '../context.js';
import { ErrorBody } from '../schemas.js';
import { authorize } from '../../domain/people/policy.js';
import { incidentId } from '../../domain/model/ids.js';
import { drillScripts, getDrill, MAX_SPEED, scorecardOf, startDrill, stopDrill } from '../../commands/drills.js';
import type { Drill } from '../../store/drills.js';
import type { Scorecard } from '../../domain/drills/scorecard.js';

/** The scripts shipped with the server (drills/ at the package root) and a team's own (INCIDENT_DRILLS_DIR). */
export function drillDirs(): string[] {
  const shipped = join(import.meta.dirname, '..', '..', '..', 'drills');
  return [shipped, ...(process.env['INCIDENT_DRILLS_DIR'] ? [process.env['INCIDENT_DRILLS_DIR']] : [])];
}

const StartBody = Type.Object(
  {
    script: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'a script by name (GET /drills/scripts)' })),
    yaml: Type.Optional(Type.String({ minLength: 1, maxLength: 100_000, description: "a script's YAML, for one not kept on the server" })),
    speed: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: MAX_SPEED, description: 'how many times faster than the script (default 1)' })),
    notify: Type.Optional(Type.Boolean({ description: 'let the drill incident reach webhooks, e-mail, chat and the status page (default false)' })),
  },
  { additionalProperties: false },
);
const Params = Type.Object({ id: Type.String({ pattern: '^drl_[0-9a-f]{12}$', description: 'the drill id (drl_…)' }) });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
export const ScorecardSchema = Type.Object(
  {
    declared: Type.Boolean(),
    timeToDeclareSeconds: Nullable(Type.Integer({ description: 'first alert → declared' })),
    roles: Type.Array(Type.Object({ role: Type.String(), person: Nullable(Type.String()), afterDeclareSeconds: Nullable(Type.Integer()) })),
    handsOff: Type.Object({
      kept: Type.Boolean({ description: 'no action entry by the IC, never added as an SME (R6)' }),
      lapses: Type.Array(Type.Object({ at: Type.String(), commander: Type.String(), via: Type.String() })),
    }),
    updates: Type.Object({
      promises: Type.Array(Type.Object({ promisedBy: Type.String(), postedAt: Nullable(Type.String()), onTime: Type.Boolean(), lateSeconds: Type.Integer() })),
      onTime: Type.Integer(),
      late: Type.Integer(),
    }),
    ruledOut: Type.Object({
      expected: Type.Array(Type.String()),
      found: Type.Array(Type.String()),
      missed: Type.Array(Type.String()),
      entries: Type.Array(Type.Object({ text: Type.String(), by: Type.String(), at: Type.String() })),
    }),
    resolved: Type.Boolean(),
  },
  { description: 'final once the drill ended, so far while it runs' },
);
export const DrillSchema = Type.Object({
  id: Type.String(),
  script: Type.String(),
  title: Type.String(),
  speed: Type.Number(),
  notify: Type.Boolean(),
  state: Type.Enum(['running', 'ended']),
  startedBy: Type.String(),
  startedAt: Type.String(),
  stepsDone: Type.Integer(),
  steps: Type.Integer(),
  nextStepAt: Type.Union([Type.String(), Type.Null()]),
  incident: Type.Union([Type.String(), Type.Null()]),
  endedAt: Type.Union([Type.String(), Type.Null()]),
  endedHow: Type.Union([Type.Enum(['resolved', 'stopped']), Type.Null()]),
  scorecard: Nullable(ScorecardSchema),
});
export const DrillScriptSchema = Type.Object({ name: Type.String(), title: Type.String(), description: Type.Union([Type.String(), Type.Null()]), steps: Type.Integer() });

export const presentDrill = (d: Drill, scorecard: Scorecard | null) => ({
  id: d.id,
  script: d.scriptName,
  title: d.script.title,
  speed: d.speed,
  notify: d.notify,
  state: d.state,
  startedBy: d.startedBy,
  startedAt: d.startedAt,
  stepsDone: d.nextStep,
  steps: d.script.steps.length,
  nextStepAt: d.nextDueAt,
  incident: d.incident === null ? null : incidentId(d.incident),
  endedAt: d.endedAt,
  endedHow: d.endedHow,
  scorecard,
});

export async function drillRoutes(base: FastifyInstance, deps: HttpDeps & { onStarted: () => void }) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['drills'];
  const answer = (ok: number) => ({ [ok]: DrillSchema, '4xx': ErrorBody });

  app.get('/drills/scripts', { schema: { tags, summary: 'The drill scripts that can be started by name', response: { 200: Type.Array(DrillScriptSchema), '4xx': ErrorBody } } }, async (request) => {
    authorize(actor(request), 'incidents.read');
    return [...drillScripts(drillDirs()).values()].map((s) => ({ name: s.name, title: s.title, description: s.description, steps: s.steps.length }));
  });

  app.post(
    '/drills',
    { schema: { tags, summary: 'Start a drill: its scripted alerts, SMEs and stakeholders play out at the speed asked; the trainee runs the incident', body: StartBody, response: answer(201) } },
    async (request, reply) => {
      const scripts = drillScripts(drillDirs());
      await write(deps, request, reply, async (ctx) => ({ status: 201, body: presentDrill(await startDrill(ctx, scripts, request.body), null) }));
      deps.onStarted();
    },
  );

  app.get('/drills', { schema: { tags, summary: 'Drills, the latest started first', response: { 200: Type.Array(DrillSchema), '4xx': ErrorBody } } }, async (request) => {
    authorize(actor(request), 'incidents.read');
    return (await deps.store.drills.list()).map((d) => presentDrill(d, d.scorecard));
  });

  app.get('/drills/:id', { schema: { tags, summary: 'One drill, with its scorecard', params: Params, response: answer(200) } }, async (request) => {
    authorize(actor(request), 'incidents.read');
    const drill = await getDrill(deps.store, request.params.id);
    return presentDrill(drill, await scorecardOf(deps.store, drill, deps.clock.now().toISOString()));
  });

  app.post('/drills/:id/stop', { schema: { tags, summary: 'Stop a drill now; it ends with its scorecard', params: Params, response: answer(200) } }, (request, reply) =>
    write(deps, request, reply, async (ctx) => {
      const drill = await stopDrill(ctx, request.params.id);
      return { status: 200, body: presentDrill(drill, drill.scorecard) };
    }),
  );
}
