/**
 * `GET /events`: Server-Sent Events, one `incident` message per timeline event the caller
 * may see, from any instance. Resumes after `Last-Event-ID` (or `?since=`); `?incident=`
 * narrows it to one incident. The stream is fed by the process's one RealtimeHub; people who
 * may read alerts also get `alerts` messages when alert groups change (not with `?incident=`).
 */
import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { actor, incidentNumber, type HttpDeps } from '../context.js';
import { currentPerson } from './session.js';
import { IncidentParams } from '../schemas.js';
import { answerAs, errorResponses } from '../openapi.js';
import { authorize, can } from '../../domain/people/policy.js';
import { loadVisibleIncident } from '../../commands/incident-command.js';
import type { RealtimeHub } from '../../processors/realtime-hub.js';
import { ALERTS_EVERY_MS, ALERTS_MESSAGE, RETRY, resumeAfter } from '../../presenters/sse.js';

/** A client this far behind in reading is cut off; it reconnects with Last-Event-ID and resumes. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

const EventsQuery = Type.Object(
  {
    since: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'resume after this event id (when Last-Event-ID cannot be sent)' })),
    incident: Type.Optional({ ...IncidentParams.properties.id, description: 'only this incident (INC-7 or 7)' }),
  },
  { additionalProperties: false },
);

export async function eventRoutes(base: FastifyInstance, deps: HttpDeps & { hub: RealtimeHub }) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const { hub } = deps;

  app.get(
    '/events',
    {
      schema: {
        tags: ['realtime'],
        summary: 'Server-Sent Events: `event: incident`, `id: <event id>`, data {id, number, seq, type, at, actor}; resume with Last-Event-ID',
        querystring: EventsQuery,
        response: {
          200: answerAs('text/event-stream', 'The stream: `retry:` first, then `event: incident` (and `alerts`) messages, with a heartbeat comment every 15 s'),
          ...errorResponses(404, 503),
        },
      },
    },
    async (request, reply) => {
      const person = actor(request);
      authorize(person, 'incidents.read');
      const incident =
        request.query.incident === undefined
          ? null
          : (await loadVisibleIncident({ tx: deps.store, actor: person }, incidentNumber(request.query.incident))).number;
      const after = resumeAfter(request.headers['last-event-id'], request.query.since);

      const stream: { raw: ServerResponse | null; gone: boolean } = { raw: null, gone: false };
      let detach: (() => void) | null = null;
      try {
        detach = await hub.attach(
          {
            person,
            incident,
            open: () => {
              reply.hijack();
              const raw = reply.raw;
              stream.raw = raw;
              raw.writeHead(200, {
                'content-type': 'text/event-stream; charset=utf-8',
                'cache-control': 'no-cache, no-transform',
                connection: 'keep-alive',
                // nginx would otherwise buffer the stream.
                'x-accel-buffering': 'no',
              });
              raw.write(RETRY);
              raw.once('close', () => {
                stream.gone = true;
                detach?.();
              });
            },
            send: (chunk) => {
              const raw = stream.raw;
              if (!raw || raw.destroyed || raw.writableEnded) return;
              raw.write(chunk);
              if (raw.writableLength > MAX_BUFFERED_BYTES) raw.destroy();
            },
            end: () => stream.raw?.end(),
          },
          after,
        );
      } catch (error) {
        // Draining for a restart: try again in a moment (through a load balancer, on another instance).
        if (!stream.raw && hub.closing)
          return reply.code(503).header('retry-after', '1').header('connection', 'close').send({ error: { code: 'SHUTTING_DOWN', message: 'This server is shutting down; reconnect.' } });
        // Before the stream opened, the usual error answer; after, the client reconnects and resumes.
        if (!stream.raw) throw error;
        request.log.warn({ err: error }, 'realtime: replaying missed events failed');
        stream.raw.destroy();
        return;
      }
      if (stream.gone) {
        detach();
        return;
      }
      // The stream was authorized when it opened; it ends when that no longer holds (signed out,
      // session expired, token revoked, person deactivated, role changed), and the client
      // reconnects as who it is now. Revocations are heard at once (any instance's, through the
      // store); the timer catches what no commit announces (a session idling out, a token expiring).
      const recheck = () =>
        void currentPerson(deps, request)
          .then((now) => {
            if (!now || now.role !== person.role) stream.raw?.end();
          })
          .catch((error: unknown) => request.log.warn({ err: error }, 'realtime: could not re-check the stream\'s credentials'));
      const timer = setInterval(recheck, deps.streamRecheckMs ?? 15_000);
      timer.unref();
      const unsubscribe = deps.store.onAccessChanged(recheck);
      let alertsDue: ReturnType<typeof setTimeout> | null = null;
      const alertsChanged = () => {
        if (alertsDue) return;
        alertsDue = setTimeout(() => {
          alertsDue = null;
          const raw = stream.raw;
          if (raw && !raw.destroyed && !raw.writableEnded) raw.write(ALERTS_MESSAGE);
        }, ALERTS_EVERY_MS);
      };
      const unsubscribeAlerts = incident === null && can(person, 'alerts.read') ? deps.store.onAlertsChanged(alertsChanged) : () => undefined;
      stream.raw?.once('close', () => {
        clearInterval(timer);
        if (alertsDue) clearTimeout(alertsDue);
        unsubscribe();
        unsubscribeAlerts();
      });
    },
  );
}
