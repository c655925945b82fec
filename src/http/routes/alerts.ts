/**
 * Alert intake (Alertmanager webhook v4, Events API v2) and the alert groups an on-call
 * engineer acknowledges, declares or dismisses. The two intake routes authenticate by
 * the source's key, not a person's token.
 */
import { errorCodes, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import rateLimit from '@fastify/rate-limit';
import Type from 'typebox';
import { actor, write, type HttpDeps } from '../context.js';
import {
  AlertGroupDetailSchema,
  AlertGroupParams,
  AlertGroupSchema,
  AlertListQuery,
  AlertSourceBody,
  AlertSourceSchema,
  DeclareFromAlertsBody,
  DismissBody,
  NewAlertSourceSchema,
  RotatedAlertSourceSchema,
} from '../alert-schemas.js';
import { ErrorBody, IncidentSchema } from '../schemas.js';
import { errorResponses } from '../openapi.js';
import { presentAlert, presentAlertGroup, presentAlertSource } from '../../presenters/api.js';
import { incidentAnswer } from './incidents.js';
import type { AlertSource } from '../../domain/alerts/source.js';
import type { AlertInbox, GzippedBody } from '../../processors/alert-inbox.js';
import { ArrivingBody } from '../arriving-body.js';
import { pageHeaders, pageQuery, pageRequest, paging, sendPage } from '../pagination.js';

const SOURCES = paging('alert-sources', ['text', 'text']);
/** 500 by default, as before paging: the console and scripts read one page of the inbox. */
const GROUPS = paging('alert-groups', ['text', 'int'], { defaultLimit: 500 });
const ALERTS = paging('alerts', ['int', 'text', 'int']);
import { checkEvent } from '../../domain/alerts/events.js';
import { bodyDigest } from '../../domain/alerts/digest.js';
import { createAlertSource, rotateAlertSourceKey } from '../../commands/create-alert-source.js';
import { stillOverlapping } from '../../domain/people/rotation.js';
import { acknowledgeAlertGroup } from '../../commands/acknowledge-alert-group.js';
import { declareFromAlerts } from '../../commands/declare-from-alerts.js';
import { dismissAlertGroup } from '../../commands/dismiss-alert-group.js';
import { authorize } from '../../domain/people/policy.js';
import { hashToken } from '../../commands/tokens.js';
import { DomainError } from '../../domain/model/errors.js';

export interface AlertDeps extends HttpDeps {
  inbox: AlertInbox;
}

declare module 'fastify' {
  interface FastifyRequest {
    alertSource: AlertSource | null;
    /** The body's digest (src/alerts/digest.ts), on routes with `digestBodies`. */
    bodyDigest: string | null;
  }
  interface FastifyContextConfig {
    /** A body announced larger than INLINE_BYTES is gzipped as it arrives (see gzipLargeBodies). */
    gzipLargeBodies?: boolean;
    /** The body's digest is taken as it arrives, into `request.bodyDigest`. */
    digestBodies?: boolean;
  }
}

/** A 20,000-alert Alertmanager group is an 8 MB body; Alertmanager re-sends a refused one forever. */
const ALERTMANAGER_BODY_LIMIT = 16 * 1024 * 1024;
/** Up to this size a delivery is checked to be JSON before it is answered (a few hundred alerts). */
const INLINE_BYTES = 256 * 1024;
const SOURCE_CACHE_MS = 5_000;
const SOURCE_CACHE_SIZE = 1_000;
/** What PagerDuty itself accepts for one event. */
const EVENT_BODY_LIMIT = 512 * 1024;

const digesting = (request: FastifyRequest) => request.routeOptions.config.digestBodies === true;

const EventRefusal = Type.Object({ status: Type.Literal('invalid event'), message: Type.String(), errors: Type.Array(Type.String()) });

function invalidEvent(reply: FastifyReply, errors: string[]) {
  return reply.code(400).send({ status: 'invalid event', message: 'Event object is invalid', errors });
}

export async function alertIntakeRoutes(app: FastifyInstance, deps: AlertDeps) {
  const tags = ['alerts'];
  // Bodies arrive as bytes, whatever the Content-Type: stored as received, parsed at most once.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (request, payload, done) => {
    const limit = request.routeOptions.bodyLimit ?? EVENT_BODY_LIMIT;
    const declared = Number(request.headers['content-length'] ?? NaN);
    if (declared > limit) return done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE(), undefined);
    // An 8 MB snapshot is gzipped and digested while it is still arriving (ArrivingBody).
    const large = request.routeOptions.config.gzipLargeBodies === true && declared > INLINE_BYTES ? new ArrivingBody(digesting(request)) : null;
    const chunks: Buffer[] = [];
    let received = 0;
    let finished = false;
    const finish = (error: Error | null, body?: Buffer | GzippedBody, digest: string | null = null) => {
      if (finished) return;
      finished = true;
      payload.removeListener('data', onData);
      request.bodyDigest = digest;
      done(error, body);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) return finish(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
      if (large) large.add(chunk);
      else chunks.push(chunk);
    };
    payload.on('data', onData);
    payload.on('error', (error) => finish(error));
    payload.on('end', () => {
      if (!large) {
        const body = Buffer.concat(chunks, received);
        return finish(null, body, digesting(request) ? bodyDigest(body) : null);
      }
      large.end().then(
        ({ body, digest }) => finish(null, body, digest),
        (error: Error) => finish(error),
      );
    });
  });
  app.decorateRequest('alertSource', null);
  app.decorateRequest('bodyDigest', null);
  await app.register(rateLimit, { global: false });
  // One budget per source, so a runaway sender is slowed down without starving the others.
  const overLimit = app.createRateLimit({
    max: deps.config.alerts.rateLimit.requests,
    timeWindow: deps.config.alerts.rateLimit.windowMs,
    keyGenerator: (request) => request.alertSource?.id ?? request.ip,
  });
  const throttle = async (request: FastifyRequest, reply: FastifyReply): Promise<boolean> => {
    const limit = await overLimit(request);
    if (limit.isAllowed || !limit.isExceeded) return false;
    reply.header('retry-after', String(limit.ttlInSeconds));
    return true;
  };
  // Known keys are remembered for a few seconds: in a storm every delivery asks, and on
  // SQLite the question would wait for the processor's transaction. Unknown keys always ask.
  // A rotated-out key is remembered no longer than its overlap, by the server's clock.
  const known = new Map<string, { source: AlertSource; until: number; checked: number; keyUntil: string | null }>();
  const fresh = (entry: { until: number; checked: number; keyUntil: string | null } | undefined, now: Date) =>
    entry !== undefined &&
    entry.until > Date.now() &&
    now.getTime() - entry.checked < SOURCE_CACHE_MS &&
    (entry.keyUntil === null || stillOverlapping(entry.keyUntil, now.toISOString()));
  const sourceFor = async (key: string, type: AlertSource['type']) => {
    const hash = hashToken(key);
    const now = deps.clock.now();
    const cached = known.get(hash);
    let source = fresh(cached, now) ? cached!.source : null;
    if (!source) {
      const found = await deps.store.alertSources.byKeyHash(hash, now.toISOString());
      source = found?.source ?? null;
      if (found) {
        if (known.size >= SOURCE_CACHE_SIZE) known.clear();
        known.set(hash, { source: found.source, until: Date.now() + SOURCE_CACHE_MS, checked: now.getTime(), keyUntil: found.keyUntil });
      }
    }
    return source?.type === type ? source : null;
  };

  app.post(
    '/alerts/alertmanager',
    {
      bodyLimit: ALERTMANAGER_BODY_LIMIT,
      config: { gzipLargeBodies: true, digestBodies: true },
      schema: {
        tags,
        summary: 'Prometheus Alertmanager webhook (version 4); Authorization: Bearer <source key>',
        security: [{ bearer: [] }],
        response: { 200: Type.Object({ status: Type.Literal('success') }, { description: 'Stored; processed right after' }), ...errorResponses(401, 429) },
      },
      // Before the body is read: a wrong key or a sender over its limit costs us no 16 MiB upload.
      onRequest: async (request, reply) => {
        const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
        request.alertSource = match ? await sourceFor(match[1]!, 'alertmanager') : null;
        if (!request.alertSource)
          throw new DomainError('UNAUTHENTICATED', 'Send the key of an alertmanager alert source as "Authorization: Bearer <key>" (http_config.authorization.credentials).', {
            field: 'authorization',
          });
        if (await throttle(request, reply))
          throw new DomainError('RATE_LIMITED', `Alert source ${request.alertSource.name} is over its limit of ${deps.config.alerts.rateLimit.requests} requests; retry later.`);
        // Answered, failed or cut off: the response closes either way.
        reply.raw.once('close', deps.inbox.receiving());
      },
    },
    async (request, reply) => {
      const raw = request.body as Buffer | GzippedBody;
      // Every delivery is answered once it is committed to the inbox, and processed right
      // after in the background, many to a transaction (src/processors/alert-inbox.ts).
      // Small bodies are checked first (an unparseable one is 400) and handed over parsed;
      // large ones are stored unread: parsing 8 MB alone would cost most of the time
      // Alertmanager is owed an answer in.
      let parsed: unknown;
      if (Buffer.isBuffer(raw) && raw.length <= INLINE_BYTES) {
        try {
          parsed = JSON.parse(raw.toString('utf8'));
        } catch (error) {
          throw new DomainError('VALIDATION_FAILED', `The request body is not valid JSON: ${(error as Error).message}`, { field: '(body)' });
        }
      }
      await deps.inbox.accept(request.alertSource!, raw, parsed, request.bodyDigest);
      deps.inbox.wake();
      return reply.code(200).send({ status: 'success' });
    },
  );

  app.post(
    '/alerts/events',
    {
      bodyLimit: EVENT_BODY_LIMIT,
      schema: {
        tags,
        summary: 'PagerDuty Events API v2 (routing_key = source key); answers like PagerDuty',
        security: [],
        response: {
          202: Type.Object({ status: Type.Literal('success'), message: Type.String(), dedup_key: Type.String() }, { description: 'Accepted' }),
          400: {
            description: "Not a valid event, or routing_key is not an events source's key (PagerDuty's answer); or the shared error body",
            content: { 'application/json': { schema: Type.Union([EventRefusal, ErrorBody]) } },
          },
          429: Type.Object({ status: Type.Literal('throttle event'), message: Type.String() }, { description: 'The source is over its limit; Retry-After says when to retry' }),
        },
      },
    },
    async (request, reply) => {
      let body: unknown;
      try {
        body = JSON.parse((request.body as Buffer).toString('utf8'));
      } catch {
        return invalidEvent(reply, ['Event object is not valid JSON']);
      }
      const check = checkEvent(body, deps.clock.now().toISOString(), deps.config.alerts.groupEventsBy);
      if (!check.ok) return invalidEvent(reply, check.errors);
      request.alertSource = await sourceFor(check.event.routingKey, 'events');
      if (!request.alertSource) return invalidEvent(reply, ["'routing_key' is not the key of an events alert source"]);
      if (await throttle(request, reply))
        return reply.code(429).send({ status: 'throttle event', message: 'Requests for this source are arriving too quickly; retry later.' });
      // Stored with its dedup key, so the key answered is the key the event is kept under.
      const stored = { ...(body as object), dedup_key: check.event.dedupKey };
      const id = await deps.inbox.accept(request.alertSource, Buffer.from(JSON.stringify(stored)));
      if (!(await deps.inbox.process(id, stored))) deps.inbox.wake();
      return reply.code(202).send({ status: 'success', message: 'Event processed', dedup_key: check.event.dedupKey });
    },
  );
  // The intake addresses take only POST. Any other method is told so, rather than being taken
  // for an alert group's id (GET /alerts/{groupId}) and refused as a bad one.
  for (const url of ['/alerts/alertmanager', '/alerts/events'])
    app.route({
      method: ['GET', 'PUT', 'PATCH', 'DELETE'],
      url,
      schema: { hide: true },
      handler: async (request, reply) =>
        reply
          .code(405)
          .header('allow', 'POST')
          .send({ error: { code: 'METHOD_NOT_ALLOWED', message: `${request.method} is not answered here: alert senders POST to ${request.url.split('?')[0]}.` } }),
    });
}

export async function alertRoutes(base: FastifyInstance, deps: HttpDeps) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['alerts'];
  const groupId = (request: { params: { groupId: string } }) => Number(request.params.groupId);

  app.post(
    '/alert-sources',
    {
      schema: {
        tags,
        summary: 'Add an alert source (admin); its key is shown once',
        body: AlertSourceBody,
        response: { 201: NewAlertSourceSchema, '4xx': ErrorBody },
      },
    },
    (request, reply) =>
      write(deps, request, reply, async (ctx) => {
        const { source, key } = await createAlertSource(ctx, request.body);
        const answer = presentAlertSource(source);
        return { status: 201, body: { ...answer, key }, replayBody: { ...answer, key: null } };
      }),
  );

  app.post(
    '/alert-sources/:id/rotate-key',
    {
      schema: {
        tags,
        summary: 'A new key for an alert source (admin), shown once; the old key is still accepted for 24 h, refused after',
        params: Type.Object({ id: Type.String({ pattern: '^src_[0-9a-f]{12}$', description: 'the alert source id (src_…)' }) }),
        response: { 200: RotatedAlertSourceSchema, '4xx': ErrorBody },
      },
    },
    (request, reply) =>
      write(deps, request, reply, async (ctx) => {
        const { source, key, previousValidUntil } = await rotateAlertSourceKey(ctx, request.params.id);
        const answer = { ...presentAlertSource(source), previousKeyValidUntil: previousValidUntil };
        return { status: 200, body: { ...answer, key }, replayBody: { ...answer, key: null } };
      }),
  );

  app.get(
    '/alert-sources',
    {
      schema: {
        tags,
        summary: 'Alert sources, by name (keys are never shown again)',
        querystring: Type.Object(pageQuery(SOURCES)),
        response: { 200: Type.Array(AlertSourceSchema, pageHeaders), '4xx': ErrorBody },
      },
    },
    async (request, reply) => {
      authorize(actor(request), 'alerts.read');
      return sendPage(request, reply, SOURCES, await deps.store.alertSources.page(pageRequest(SOURCES, request.query))).map(presentAlertSource);
    },
  );

  app.get(
    '/alerts',
    {
      schema: {
        tags,
        summary: 'Alert groups, most recently seen first (state: open by default)',
        querystring: Type.Object({ ...AlertListQuery.properties, ...pageQuery(GROUPS) }),
        response: { 200: Type.Array(AlertGroupSchema, pageHeaders), '4xx': ErrorBody },
      },
    },
    async (request, reply) => {
      authorize(actor(request), 'alerts.read');
      const page = await deps.store.alertGroups.list(request.query.state ?? 'open', pageRequest(GROUPS, request.query));
      return sendPage(request, reply, GROUPS, page).map((g) => presentAlertGroup(g, deps.config));
    },
  );

  app.get(
    '/alerts/:groupId',
    {
      schema: {
        tags,
        summary: 'One alert group, with a page of its alerts (firing first; limit and cursor page the alerts)',
        params: AlertGroupParams,
        querystring: Type.Object(pageQuery(ALERTS)),
        response: { 200: Type.Object(AlertGroupDetailSchema.properties, pageHeaders), '4xx': ErrorBody },
      },
    },
    async (request, reply) => {
      authorize(actor(request), 'alerts.read');
      const group = await deps.store.alertGroups.get(groupId(request));
      if (!group) throw new DomainError('ALERT_GROUP_NOT_FOUND', `There is no alert group ${groupId(request)}.`, { field: 'groupId' });
      const alerts = sendPage(request, reply, ALERTS, await deps.store.alerts.alertsOf(group.id, pageRequest(ALERTS, request.query)));
      return { ...presentAlertGroup(group, deps.config), alerts: alerts.map(presentAlert) };
    },
  );

  app.post(
    '/alerts/:groupId/ack',
    { schema: { tags, summary: 'Acknowledge: "I have it" (who and when are kept)', params: AlertGroupParams, response: { 200: AlertGroupSchema, '4xx': ErrorBody } } },
    (request, reply) =>
      write(deps, request, reply, async (ctx) => ({ status: 200, body: presentAlertGroup(await acknowledgeAlertGroup(ctx, groupId(request)), deps.config) })),
  );

  app.post(
    '/alerts/:groupId/declare',
    {
      schema: {
        tags,
        summary: 'Declare an incident from the group; title, severity and components as suggested unless given',
        params: AlertGroupParams,
        body: DeclareFromAlertsBody,
        response: { 201: IncidentSchema, '4xx': ErrorBody },
      },
    },
    (request, reply) => write(deps, request, reply, async (ctx) => incidentAnswer(deps, ctx, await declareFromAlerts(ctx, groupId(request), request.body ?? {}), 201)),
  );

  app.post(
    '/alerts/:groupId/dismiss',
    { schema: { tags, summary: 'Dismiss, with the reason', params: AlertGroupParams, body: DismissBody, response: { 200: AlertGroupSchema, '4xx': ErrorBody } } },
    (request, reply) =>
      write(deps, request, reply, async (ctx) => ({
        status: 200,
        body: presentAlertGroup(await dismissAlertGroup(ctx, groupId(request), request.body.reason), deps.config),
      })),
  );
}
