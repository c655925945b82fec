/** The HTTP adapter: Fastify with schema validation, generated OpenAPI, and one error shape. */
import { createServer } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { HttpDeps } from './context.js';
import { errorHandler, notFoundHandler } from './errors.js';
import { documentOperation, TAGS } from './openapi.js';
import { DomainError } from '../domain/model/errors.js';
import { healthRoutes } from './routes/health.js';
import { peopleRoutes } from './routes/people.js';
import { tokenRoutes } from './routes/tokens.js';
import { auditRoutes } from './routes/audit.js';
import { incidentRoutes } from './routes/incidents.js';
import { roleRoutes } from './routes/roles.js';
import { timelineRoutes } from './routes/timeline.js';
import { taskRoutes } from './routes/tasks.js';
import { updateRoutes } from './routes/updates.js';
import { alertIntakeRoutes, alertRoutes } from './routes/alerts.js';
import { changeIntakeRoutes, changeRoutes } from './routes/changes.js';
import { webhookRoutes } from './routes/webhooks.js';
import { notificationRoutes } from './routes/notifications.js';
import { maintenanceRoutes } from './routes/maintenance.js';
import { followUpRoutes } from './routes/follow-ups.js';
import { followUpExportRoutes } from './routes/follow-up-export.js';
import { githubWebhookRoutes } from './routes/github-webhook.js';
import { postmortemRoutes } from './routes/postmortem.js';
import { statusSubscriberAdminRoutes, statusSubscriberRoutes } from './routes/status-subscribers.js';
import { componentRoutes } from './routes/components.js';
import { statusPageRoutes } from './routes/status-page.js';
import { statusInternalRoutes } from './routes/status-internal.js';
import { statusPreviewRoutes } from './routes/status-preview.js';
import { insightsRoutes } from './routes/insights.js';
import { drillRoutes } from './routes/drills.js';
import { StatusFastPath } from './status-fast-path.js';
import { authenticateRequest, registerSessions, sessionRoutes } from './routes/session.js';
import { eventRoutes } from './routes/events.js';
import { consoleRoutes } from './routes/console.js';
import { slackRoutes } from './routes/slack.js';
import { mattermostRoutes } from './routes/mattermost.js';
import { pagingRoutes } from './routes/paging.js';
import { teamsRoutes } from './routes/teams.js';
import { TeamsBot } from '../processors/chat/teams-bot.js';
import { registerMetrics } from './routes/metrics.js';
import { Workers } from '../processors/workers.js';
import { SignInThrottle } from './throttle.js';
import { signInSettingsRoutes, singleSignOnRoutes } from './routes/single-sign-on.js';
import { OidcClient } from '../integrations/oidc.js';
import type { AlertInbox } from '../processors/alert-inbox.js';

/**
 * How long a client may take: to send its headers, its whole request (headers and body),
 * and how long a socket may stay silent. Without them a few hundred trickling uploads hold
 * sockets for ever.
 */
export const SERVER_TIMEOUTS = { headersMs: 10_000, requestMs: 30_000, idleMs: 120_000 };

/** Trusts the `hops` nearest addresses (the socket's peer first): the client is the one before them in X-Forwarded-For. */
function trustHops(hops: number) {
  return (_address: string, hop: number) => hop < hops;
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function validator(coerceTypes: boolean | 'array') {
  // Unknown keys are refused rather than silently dropped: a typo must not lose what was meant.
  const ajv = new Ajv({ allErrors: true, removeAdditional: false, useDefaults: true, coerceTypes, strict: false });
  addFormats(ajv);
  return ajv;
}

/**
 * The path of the first string holding a NUL character, or null. PostgreSQL cannot store
 * NUL in text (it would fail as a 500), so no store accepts it. Iterative: bodies of routes
 * without a body schema are not validated and may nest deeply.
 */
function nulCharacterAt(root: unknown): string | null {
  const stack: [unknown, string][] = [[root, '']];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return path || '(body)';
    } else if (Buffer.isBuffer(value)) {
      // Raw bytes (alert intake) are stored as bytes; what is read from them is cleaned where it is read.
      continue;
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push([value[i], `${path}[${i}]`]);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value).reverse()) stack.push([item, path ? `${path}.${key}` : key]);
    }
  }
  return null;
}

declare module 'fastify' {
  interface FastifyInstance {
    workers: Workers;
    signInThrottle: SignInThrottle;
    alertInbox: AlertInbox;
    /** The OpenID provider, when auth.oidc is configured. */
    oidc: OidcClient | null;
  }
}

/**
 * The HTTP server around the commands. Its background workers (src/processors/workers.ts)
 * start when it is ready and stop first thing when it closes; `deps.workers` brings them
 * from the server's start (src/http/server.ts), otherwise the ones HTTP needs are made here.
 */
export async function buildApp(deps: HttpDeps & { workers?: Workers }, logger?: FastifyBaseLogger): Promise<FastifyInstance> {
  // GETs of the rendered status page are answered before Fastify (src/status-page/serve.ts); not
  // behind a trusted proxy, where the client's address for the rate limit is Fastify's to work out.
  const statusFastPath = deps.trustProxy ? null : new StatusFastPath();
  const app = Fastify({
    ...(logger ? { loggerInstance: logger } : { logger: false }),
    serverFactory: (handler) => {
      const limits = { ...SERVER_TIMEOUTS, ...deps.timeouts };
      // Checked every second (Node's default: every 30 s), so a request over its time is cut close to it.
      const { statusProcess } = deps;
      const server = createServer({ connectionsCheckingInterval: Math.min(1000, limits.headersMs), requestTimeout: limits.requestMs, headersTimeout: limits.headersMs }, (request, response) => {
        if (statusProcess && !statusProcess.adopt(request)) return;
        if (!statusFastPath?.serve(request, response)) handler(request, response);
      });
      // Above a load balancer's usual 60 s idle timeout, so it closes first and never reuses a socket we just closed.
      server.keepAliveTimeout = 72_000;
      // A socket silent this long is closed; event streams send a heartbeat every 15 s.
      server.setTimeout(limits.idleMs);
      return server;
    },
    bodyLimit: 256 * 1024,
    // While draining, requests still in reach are answered as usual (the store stays open until the
    // end), each with `Connection: close` so the proxy in front takes its next request elsewhere.
    return503OnClosing: false,
    // A hop count as a function: Fastify's own number form trusts nothing.
    trustProxy: typeof deps.trustProxy === 'number' ? trustHops(deps.trustProxy) : (deps.trustProxy ?? false),
    // Malformed percent-encoding and over-long path parameters get the one error shape too.
    frameworkErrors: (error, request, reply) => errorHandler(error, request, reply),
  });
  const bodies = validator(false);
  const rest = validator('array');
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodies : rest).compile(schema));
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  app.decorateRequest('person', null);
  await registerSessions(app);
  app.decorate('signInThrottle', new SignInThrottle(deps.store, () => deps.clock.now().getTime()));
  app.decorate('oidc', deps.config.auth.oidc ? new OidcClient(deps.config.auth.oidc, deps.oidcClientSecret ?? null) : null);
  app.addHook('preHandler', async (request) => {
    for (const [part, value] of [['body', request.body], ['query', request.query], ['path', request.params]] as const) {
      const field = nulCharacterAt(value);
      if (field !== null)
        throw new DomainError('VALIDATION_FAILED', `${field} must not contain a NUL character (\\u0000).`, { field, in: part });
    }
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Incident Command API',
        version: '1',
        description: 'Declare, command, communicate, resolve, and hand off to a blameless postmortem. Times are UTC ISO-8601.',
        license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
        // Whoever runs this installation answers for it (a project address would be a guess here).
        contact: { name: deps.config.organization.name, ...(deps.publicUrl ? { url: deps.publicUrl } : {}) },
      },
      servers: [{ url: deps.publicUrl ?? '/', description: 'this server' }],
      tags: TAGS,
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  app.addHook('onRoute', documentOperation);

  const workers = deps.workers ?? new Workers({ ...deps, log: app.log });
  app.decorate('workers', workers);
  app.decorate('alertInbox', workers.alertInbox);
  app.addHook('onReady', () => workers.start());
  let draining = false;
  app.addHook('preClose', async () => {
    draining = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (draining) reply.header('connection', 'close');
  });
  // Before the server stops accepting: open event streams would otherwise keep it from closing.
  app.addHook('preClose', () => workers.stop());
  registerMetrics(app, workers.metrics, deps.metricsToken ?? null, statusFastPath);

  await app.register(healthRoutes, { ...deps, workers });
  // The public status page and its Statuspage JSON: no authentication, its own rate limit.
  await app.register(statusPageRoutes, { ...deps, publisher: workers.statusPage, fastPath: statusFastPath });
  // Its internal edition: signed-in people only, rendered per request.
  await app.register(statusInternalRoutes, deps);
  // Alert senders authenticate with their source's key, not a person's token: outside the person hook.
  await app.register(alertIntakeRoutes, { prefix: '/api/v1', ...deps, inbox: workers.alertInbox });
  // Change events come with a changes source's key (or a person's token, checked there).
  await app.register(changeIntakeRoutes, { prefix: '/api/v1', ...deps });
  // Signing in is how a browser gets a person: outside the person hook too.
  await app.register(sessionRoutes, { prefix: '/api/v1', ...deps });
  await app.register(singleSignOnRoutes, { prefix: '/api/v1', ...deps });
  await app.register(
    async (api) => {
      api.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
      api.addHook('onRequest', async (request, reply) => {
        if (request.routeOptions.url === '/api/v1/openapi.json') return;
        return authenticateRequest(deps, request, reply);
      });
      await api.register(peopleRoutes, deps);
      await api.register(tokenRoutes, deps);
      await api.register(auditRoutes, deps);
      await api.register(signInSettingsRoutes, deps);
      await api.register(incidentRoutes, deps);
      await api.register(roleRoutes, deps);
      await api.register(timelineRoutes, deps);
      await api.register(taskRoutes, deps);
      await api.register(updateRoutes, deps);
      await api.register(alertRoutes, deps);
      await api.register(changeRoutes, deps);
      await api.register(webhookRoutes, deps);
      await api.register(notificationRoutes, deps);
      await api.register(componentRoutes, deps);
      await api.register(statusPreviewRoutes, deps);
      await api.register(eventRoutes, { ...deps, hub: workers.realtime });
      await api.register(maintenanceRoutes, deps);
      await api.register(followUpRoutes, deps);
      await api.register(followUpExportRoutes, deps);
      await api.register(postmortemRoutes, deps);
      await api.register(statusSubscriberAdminRoutes, deps);
      await api.register(insightsRoutes, deps);
      await api.register(drillRoutes, { ...deps, onStarted: () => workers.drills.notice() });
    },
    { prefix: '/api/v1' },
  );
  // Slack signs its requests; no person's token: outside the person hook, and only when Slack is on.
  if (deps.slack && workers.chatInbox) await app.register(slackRoutes, { ...deps, inbox: workers.chatInbox, signingSecret: deps.slack.signingSecret });
  // Mattermost's slash command carries its own token instead; its dialogs and buttons our HMAC.
  if ((deps.mattermostCommandToken || deps.mattermostSigner) && workers.chatInbox)
    await app.register(mattermostRoutes, { ...deps, inbox: workers.chatInbox, commandToken: deps.mattermostCommandToken ?? null, signer: deps.mattermostSigner ?? null });
  // Paging tools prove themselves with their own signatures or tokens: outside the person hook.
  if (deps.paging) await app.register(pagingRoutes, { ...deps, paging: deps.paging });
  // The Teams bot: the Bot Framework's bearer token, checked by its SDK, instead of a person's.
  if (deps.teamsAdapter) await app.register(teamsRoutes, { ...deps, adapter: deps.teamsAdapter, bot: new TeamsBot({ store: deps.store, config: deps.config, clock: deps.clock, log: app.log }) });
  // GitHub signs its webhook deliveries; served only with GITHUB_WEBHOOK_SECRET.
  if (deps.githubWebhookSecret) await app.register(githubWebhookRoutes, { ...deps, secret: deps.githubWebhookSecret });
  // The status page's subscription forms: public, no sign-in.
  await app.register(statusSubscriberRoutes, deps);
  await app.register(consoleRoutes, deps);
  return app;
}
