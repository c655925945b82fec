/** Who is on what: tasks inside an incident (README "Tasks"). They are listed on the incident's representation. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { expectedVersion, incidentNumber, write, type HttpDeps } from '../context.js';
import { ErrorBody, IncidentParams, TaskAnswer, TaskBody, TaskParams, TaskPatchBody } from '../schemas.js';
import { presentTask } from '../../presenters/api.js';
import { createTask, updateTask } from '../../commands/tasks.js';
import type { CommandResult } from '../../commands/incident-command.js';
import { incidentId } from '../../domain/model/ids.js';

function taskAnswer(result: CommandResult, taskId: string, status: number) {
  const task = result.state.tasks.find((t) => t.id === taskId);
  if (!task) throw new Error(`task ${taskId} is missing from the state it was decided on`);
  return { status, body: { ...presentTask(task), incident: incidentId(result.state.number), version: result.state.version, warnings: result.warnings } };
}

export async function taskRoutes(base: FastifyInstance, deps: HttpDeps) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['tasks'];

  app.post(
    '/incidents/:id/tasks',
    { schema: { tags, summary: 'Give someone a task in the incident: a title and an owner (a responder)', params: IncidentParams, body: TaskBody, response: { 201: TaskAnswer, '4xx': ErrorBody } } },
    (request, reply) =>
      write(deps, request, reply, async (ctx) => {
        const result = await createTask(ctx, incidentNumber(request.params.id), request.body, expectedVersion(request));
        const created = result.recorded.find((r) => r.event.type === 'TaskCreated');
        if (!created || created.event.type !== 'TaskCreated') throw new Error('creating a task recorded no TaskCreated');
        return taskAnswer(result, created.event.taskId, 201);
      }),
  );

  app.patch(
    '/incidents/:id/tasks/:taskId',
    {
      schema: {
        tags,
        summary: 'The owner (or the IC) marks a task done, blocked (with a reason) or open again; hands it on or renames it',
        params: TaskParams,
        body: TaskPatchBody,
        response: { 200: TaskAnswer, '4xx': ErrorBody },
      },
    },
    (request, reply) =>
      write(deps, request, reply, async (ctx) => {
        const { id, taskId } = request.params;
        return taskAnswer(await updateTask(ctx, incidentNumber(id), taskId, request.body, expectedVersion(request)), taskId, 200);
      }),
  );
}
