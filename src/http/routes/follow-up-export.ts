/**
 * POST /follow-ups/{id}/export: a follow-up to GitHub Issues or Jira, once. Asked again
 * (with or without an Idempotency-Key) it answers the issue it has, 200 instead of 201,
 * and makes none: the link is the follow-up's one and only.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { actor, type HttpDeps } from '../context.js';
import { ErrorBody } from '../schemas.js';
import { exportFollowUp } from '../../commands/follow-up-export.js';
import { TRACKERS } from '../../domain/follow-ups/export.js';
import { presentFollowUp } from '../../presenters/follow-ups.js';
import { DEFAULT_TRACKER_POLL_MS } from '../../integrations/trackers/port.js';
import { FollowUpSchema, FollowUpParams } from './follow-ups.js';

const Body = Type.Object({ tracker: Type.Enum([...TRACKERS], { description: 'github or jira (as set up on the server)' }) }, { additionalProperties: false });

export async function followUpExportRoutes(base: FastifyInstance, deps: HttpDeps) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  app.post(
    '/follow-ups/:id/export',
    {
      schema: {
        tags: ['follow-ups'],
        summary:
          'Export a follow-up to GitHub Issues or Jira: 201 with the new issue as `link`, or 200 with the one it already has (never a second issue). Closing the issue there closes the follow-up here',
        params: FollowUpParams,
        body: Body,
        response: { 200: FollowUpSchema, 201: FollowUpSchema, '4xx': ErrorBody, 502: ErrorBody },
      },
    },
    async (request, reply) => {
      const exportDeps = {
        store: deps.store,
        config: deps.config,
        trackers: deps.trackers?.ports ?? {},
        pollMs: deps.trackers?.pollMs ?? DEFAULT_TRACKER_POLL_MS,
        publicUrl: deps.publicUrl ?? 'http://127.0.0.1:3000',
        now: () => deps.clock.now().toISOString(),
      };
      const { item, link, created } = await exportFollowUp(exportDeps, actor(request), request.params.id, request.body.tracker);
      reply.code(created ? 201 : 200);
      return presentFollowUp(item, exportDeps.now(), link);
    },
  );
}
