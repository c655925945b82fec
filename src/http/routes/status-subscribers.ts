/**
 * Status page subscriptions. Public (no sign-in, outside /api/v1, forms that work without
 * JavaScript): subscribe by e-mail, confirm, unsubscribe (RFC 8058 one-click: a POST to the
 * List-Unsubscribe link). Admin (/api/v1): list subscribers, subscribe a webhook.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import rateLimit from '@fastify/rate-limit';
import { actor, write, type HttpDeps } from '../context.js';
import { ErrorBody } from '../schemas.js';
import { answerAs, errorResponses } from '../openapi.js';
import { DomainError } from '../../domain/model/errors.js';
import { authorize } from '../../domain/people/policy.js';
import { confirmSubscription, createStatusWebhook, subscribeByEmail, unsubscribe, type PublicContext } from '../../commands/status-subscribers.js';
import { presentWebhook } from './webhooks.js';
import { subscriberCounts } from '../../domain/subscribers/components.js';
import { listComponents } from '../../commands/components.js';
import {
  SUBSCRIPTION_CSP,
  checkInboxPage,
  confirmPage,
  confirmedPage,
  invalidLinkPage,
  unavailablePage,
  unsubscribePage,
  unsubscribedPage,
} from '../../presenters/status-page/subscriber-pages.js';
import { escapeHtml } from '../../presenters/status-page/markdown.js';
import { pageHeaders, pageQuery, pageRequest, paging, sendPage } from '../pagination.js';

/** Subscribe requests per client address per minute: enough for a person, too few to spray addresses. */
export const SUBSCRIBE_RATE_LIMIT = { max: 5, timeWindow: 60_000 };

const SUBSCRIBERS = paging('status-subscribers', ['text', 'text']);
const Token = Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' });
const TokenQuery = Type.Object({ token: Type.Optional({ ...Token, description: 'the token from the link in the mail' }) });
// One-click unsubscribe bodies carry List-Unsubscribe=One-Click; the page's own button carries the token.
const TokenBody = Type.Object({ token: Type.Optional(Token), 'List-Unsubscribe': Type.Optional(Type.String({ maxLength: 50 })) });
const ComponentId = Type.String({ minLength: 1, maxLength: 100 });
// A form sends one `components` field per ticked box: a string for one, an array for more.
const SubscribeBody = Type.Object({
  email: Type.String({ minLength: 1, maxLength: 320 }),
  components: Type.Optional(Type.Union([ComponentId, Type.Array(ComponentId, { maxItems: 200 })])),
});

export const defaultPublicUrl = (deps: HttpDeps) => deps.publicUrl ?? 'http://127.0.0.1:3000';

const page = (description: string) => answerAs('text/html', description);
const invalidLink = page('An HTML page: the link is not valid (any more)');

function html(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply
    .code(status)
    .header('content-security-policy', SUBSCRIPTION_CSP)
    .header('cache-control', 'no-store')
    // The tokens ride in the URL: never hand them to another site.
    .header('referrer-policy', 'no-referrer')
    .type('text/html; charset=utf-8')
    .send(body);
}

export async function statusSubscriberRoutes(base: FastifyInstance, deps: HttpDeps) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const title = deps.config.organization.statusPageTitle;
  const tags = ['status-page'];
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  // RFC 8058 lets a mail client send the one-click POST as multipart/form-data; its only field
  // (List-Unsubscribe=One-Click) carries nothing we need: the token is in the URL.
  app.addContentTypeParser('multipart/form-data', { parseAs: 'string', bodyLimit: 4096 }, (_request, _body, done) => done(null, {}));
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => new DomainError('RATE_LIMITED', `Too many subscription requests from your address; retry in ${Math.ceil(context.ttl / 1000)} s.`),
  });
  const run = <T>(work: (ctx: PublicContext) => Promise<T>) =>
    deps.store.transaction((tx) => work({ tx, config: deps.config, now: deps.clock.now().toISOString(), publicUrl: defaultPublicUrl(deps) }));
  /** A link from a mail, acted on: the token from the page's form or, for one-click, the URL. */
  const follow = async (reply: FastifyReply, token: string | undefined, act: (ctx: PublicContext, token: string) => Promise<unknown>, done: string) => {
    if (!token) return html(reply, 404, invalidLinkPage(title));
    try {
      await run((ctx) => act(ctx, token));
    } catch (error) {
      if (error instanceof DomainError && error.code === 'SUBSCRIBER_NOT_FOUND') return html(reply, 404, invalidLinkPage(title));
      throw error;
    }
    return html(reply, 200, done);
  };

  app.post(
    '/status/subscribe',
    {
      config: { rateLimit: SUBSCRIBE_RATE_LIMIT },
      schema: {
        tags,
        summary: 'Subscribe an e-mail address (form or JSON); a confirmation mail follows. The answer is the same whether or not the address was subscribed.',
        body: SubscribeBody,
        response: {
          200: page('An HTML page: check your inbox'),
          400: page('An HTML page naming the field (X-Error-Field) that is not valid'),
          404: page('An HTML page: subscribing by e-mail is not available here'),
          ...errorResponses(429),
        },
      },
    },
    async (request, reply) => {
      if (deps.mailEnabled === false) return html(reply, 404, unavailablePage(title));
      try {
        const { components } = request.body;
        await run((ctx) => subscribeByEmail(ctx, request.body.email, typeof components === 'string' ? [components] : components));
      } catch (error) {
        if (error instanceof DomainError && error.code === 'VALIDATION_FAILED') {
          const field = String(error.details?.field ?? 'email');
          return html(reply.header('x-error-field', field), 400, invalidAddressPage(title, error.message, field));
        }
        throw error;
      }
      return html(reply, 200, checkInboxPage(title));
    },
  );

  app.get('/status/subscription/confirm', { schema: { tags, summary: 'The confirmation page (a button; following the link alone changes nothing)', querystring: TokenQuery, response: { 200: page('An HTML page with the button'), 404: invalidLink } } }, async (request, reply) =>
    request.query.token ? html(reply, 200, confirmPage(title, request.query.token)) : html(reply, 404, invalidLinkPage(title)),
  );

  app.post('/status/subscription/confirm', { schema: { tags, summary: 'Confirm a subscription', querystring: TokenQuery, body: TokenBody, response: { 200: page('An HTML page: confirmed'), 404: invalidLink } } }, async (request, reply) =>
    follow(reply, request.body.token ?? request.query.token, confirmSubscription, confirmedPage(title)),
  );

  app.get('/status/unsubscribe', { schema: { tags, summary: 'The unsubscribe page (a button)', querystring: TokenQuery, response: { 200: page('An HTML page with the button'), 404: invalidLink } } }, async (request, reply) =>
    request.query.token ? html(reply, 200, unsubscribePage(title, request.query.token)) : html(reply, 404, invalidLinkPage(title)),
  );

  app.post(
    '/status/unsubscribe',
    { schema: { tags, summary: 'Unsubscribe: one POST, as RFC 8058 one-click (List-Unsubscribe=One-Click) or from the page', querystring: TokenQuery, body: Type.Optional(TokenBody), response: { 200: page('An HTML page: unsubscribed'), 404: invalidLink } } },
    async (request, reply) => follow(reply, request.body?.token ?? request.query.token, unsubscribe, unsubscribedPage(title)),
  );
}

function invalidAddressPage(pageTitle: string, message: string, field = 'email'): string {
  return checkInboxPage(pageTitle)
    .replace('<h1>Check your inbox</h1>', field === 'components' ? '<h1>No such component</h1>' : '<h1>That is not an e-mail address</h1>')
    .replace(/<p>If that address[^<]*<\/p>/, `<p>${escapeHtml(message)}</p>`);
}

const Followed = Type.Union([Type.Array(Type.String()), Type.Null()], { description: 'the components followed; null: all' });
const SubscriberSchema = Type.Object({
  id: Type.String(),
  address: Type.String(),
  state: Type.Enum(['pending', 'confirmed', 'unsubscribed']),
  createdAt: Type.String(),
  confirmedAt: Type.Union([Type.String(), Type.Null()]),
  unsubscribedAt: Type.Union([Type.String(), Type.Null()]),
  components: Followed,
});
const StatusWebhookSchema = Type.Object({ id: Type.String(), url: Type.String(), createdBy: Type.String(), createdAt: Type.String(), components: Followed });
const NewStatusWebhookSchema = Type.Object({
  ...StatusWebhookSchema.properties,
  secret: Type.Union([Type.String({ description: 'whsec_…, shown once; null on an Idempotency-Key replay' }), Type.Null()]),
});

/** Admin: who is subscribed, and webhook subscriptions (their deliveries: GET /api/v1/webhooks/{id}/deliveries). */
export async function statusSubscriberAdminRoutes(base: FastifyInstance, deps: HttpDeps) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['status-page'];

  app.get(
    '/status-subscribers',
    {
      schema: {
        tags,
        summary: 'The status page subscribers (admin): a page of the e-mail ones (with their state), oldest first; the webhooks on the first page only',
        querystring: Type.Object(pageQuery(SUBSCRIBERS)),
        response: {
          200: Type.Object({ email: Type.Array(SubscriberSchema), webhooks: Type.Array(StatusWebhookSchema, { description: 'every one, on the first page; empty on the next ones' }) }, pageHeaders),
          '4xx': ErrorBody,
        },
      },
    },
    async (request, reply) => {
      authorize(actor(request), 'subscribers.manage');
      const page = await deps.store.statusSubscribers.page(pageRequest(SUBSCRIBERS, request.query));
      const email = sendPage(request, reply, SUBSCRIBERS, page).map((s) => ({
        id: s.id,
        address: s.address,
        state: s.state,
        createdAt: s.createdAt,
        confirmedAt: s.confirmedAt,
        unsubscribedAt: s.unsubscribedAt,
        components: s.components,
      }));
      // A handful at most, set up by admins: they come whole with the first page, so walking the pages lists each once.
      const first = request.query.cursor === undefined;
      const webhooks = (first ? await deps.store.webhooks.list() : []).filter((w) => w.audience === 'public').map((w) => ({ id: w.id, url: w.url, createdBy: w.createdBy, createdAt: w.createdAt, components: w.components }));
      return { email, webhooks };
    },
  );

  app.get(
    '/status-subscribers/counts',
    {
      schema: {
        tags,
        summary: 'How many subscribers the status page reaches, in all and per component (everyone signed in; no addresses)',
        response: {
          200: Type.Object({
            email: Type.Object({ confirmed: Type.Integer(), pending: Type.Integer() }),
            webhooks: Type.Integer(),
            components: Type.Record(Type.String(), Type.Integer(), { description: 'confirmed e-mail subscribers and webhooks that hear of an incident touching the component' }),
            everything: Type.Integer({ description: 'those following every component: all that hear of an incident naming none' }),
          }),
          '4xx': ErrorBody,
        },
      },
    },
    async (request) => {
      authorize(actor(request), 'incidents.read');
      const [email, webhooks, components] = await Promise.all([deps.store.statusSubscribers.list(), deps.store.webhooks.list(), listComponents({ tx: deps.store, config: deps.config })]);
      return subscriberCounts(
        email,
        webhooks.filter((w) => w.audience === 'public'),
        components.map((c) => c.id),
      );
    },
  );

  app.post(
    '/status-subscribers/webhooks',
    {
      schema: {
        tags,
        summary: 'Subscribe a URL to the status page: each public update is POSTed, signed like every webhook (admin); answers the secret once',
        body: Type.Object(
          {
            url: Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2000 }),
            components: Type.Optional(Type.Array(ComponentId, { maxItems: 200, description: 'only incidents touching these; omitted: every one' })),
          },
          { additionalProperties: false },
        ),
        response: { 201: NewStatusWebhookSchema, '4xx': ErrorBody },
      },
    },
    (request, reply) =>
      write(deps, request, reply, async (ctx) => {
        const webhook = await createStatusWebhook(ctx, request.body.url, request.body.components);
        const { id, url, createdBy, createdAt } = presentWebhook(webhook);
        const shown = { id, url, createdBy, createdAt, components: webhook.components };
        return { status: 201, body: { ...shown, secret: webhook.secret }, replayBody: { ...shown, secret: null } };
      }),
  );
}
