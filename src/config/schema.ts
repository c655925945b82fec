import Type, { type Static } from 'typebox';
import { EVENT_GROUP_FIELDS } from '../domain/alerts/events.js';

const Duration = Type.String({ pattern: '^(?:\\d+(?:ms|s|m|h|d))+$', description: 'a duration such as 30m, 90s, 1h' });
const Handle = Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,39}$' });
/** A page list entry: a person's handle, or `group:<name>` for a group in `groups`. */
const PageEntry = Type.String({ pattern: '^(?:group:)?[a-z0-9][a-z0-9._-]{0,39}$', description: 'a handle, or group:<name> for one of groups' });
const HexColor = Type.String({ pattern: '^#[0-9a-fA-F]{6}$', description: 'a colour such as #1f6feb' });
const ComponentStatusValue = Type.Enum(['operational', 'under_maintenance', 'degraded_performance', 'partial_outage', 'major_outage']);

const GroupName = Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,39}$' });
const SeverityId = Type.String({ pattern: '^[A-Za-z0-9_-]{1,20}$' });
/** A PagerDuty integration's routing key (32 characters of its Events API v2 integration). */
const RoutingKey = Type.String({ pattern: '^[A-Za-z0-9]{20,64}$', description: 'an Events API v2 routing (integration) key' });
const ApiBase = Type.String({ pattern: '^https?://', maxLength: 300 });

/** Where pages go (src/domain/notifications/pages.ts); secrets come from the environment, not from here. */
const PagingConfig = Type.Object(
  {
    pagerduty: Type.Optional(
      Type.Object(
        {
          baseUrl: Type.Optional(ApiBase),
          people: Type.Optional(Type.Record(Handle, RoutingKey)),
          groups: Type.Optional(Type.Record(GroupName, RoutingKey)),
          severities: Type.Optional(Type.Record(SeverityId, RoutingKey)),
        },
        { additionalProperties: false },
      ),
    ),
    opsgenie: Type.Optional(
      Type.Object(
        { baseUrl: Type.Optional(ApiBase), users: Type.Optional(Type.Record(Handle, Type.String({ minLength: 1, maxLength: 100, description: 'the Opsgenie username' }))) },
        { additionalProperties: false },
      ),
    ),
    webhook: Type.Optional(Type.Object({ url: Type.String({ pattern: '^https?://', maxLength: 2000 }) }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);

export const SeverityConfig = Type.Object(
  {
    id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,20}$' }),
    name: Type.String({ minLength: 1, maxLength: 60 }),
    impact: Type.String({ minLength: 1, maxLength: 500 }),
    response: Type.String({ minLength: 1, maxLength: 500 }),
    updateEvery: Type.Optional(Duration),
    firstUpdateWithin: Type.Optional(Duration),
    finalUpdateWithin: Type.Optional(Duration),
    audience: Type.Enum(['public', 'stakeholders', 'internal']),
    roles: Type.Enum(['separate', 'comms-separate', 'combined']),
    postmortem: Type.Enum(['required', 'optional']),
    escalateTo: Type.Optional(Type.Array(Handle)),
    stakeholders: Type.Optional(Type.Array(Handle, { maxItems: 200 })),
    page: Type.Optional(Type.Array(PageEntry, { maxItems: 200, description: 'who is told when an incident is declared at, or upgraded to, this severity' })),
  },
  { additionalProperties: false },
);

export const ConfigFile = Type.Object(
  {
    organization: Type.Optional(
      Type.Object(
        {
          name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
          statusPageTitle: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
          logoUrl: Type.Optional(Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2000 })),
          colors: Type.Optional(
            Type.Object(
              { brand: Type.Optional(HexColor), background: Type.Optional(HexColor), text: Type.Optional(HexColor) },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    severities: Type.Optional(Type.Array(SeverityConfig, { minItems: 1, maxItems: 10 })),
    stakeholders: Type.Optional(Type.Array(Handle, { maxItems: 200 })),
    groups: Type.Optional(
      Type.Record(Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,39}$' }), Type.Array(Handle, { minItems: 1, maxItems: 200 }), {
        description: 'named lists of handles a severity page list may name as group:<name>',
      }),
    ),
    paging: Type.Optional(PagingConfig),
    updates: Type.Optional(
      Type.Object(
        { publicBy: Type.Optional(Type.Enum(['anyone', 'comms-lead', 'comms-lead-approves'], { description: 'who may post a public update once a Comms Lead is named (default anyone)' })) },
        { additionalProperties: false },
      ),
    ),
    reminders: Type.Optional(
      Type.Object(
        {
          dueSoon: Type.Optional(Duration),
          escalateAfter: Type.Optional(Duration),
          roleGap: Type.Optional(Duration),
          postmortemOwed: Type.Optional(Duration),
        },
        { additionalProperties: false },
      ),
    ),
    components: Type.Optional(
      Type.Array(
        Type.Object(
          {
            id: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,59}$' }),
            name: Type.String({ minLength: 1, maxLength: 120 }),
            group: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
            description: Type.Optional(Type.String({ maxLength: 500 })),
            order: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    statusPage: Type.Optional(
      Type.Object(
        {
          showResponderNames: Type.Optional(Type.Boolean()),
          componentStatusBySeverity: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Za-z0-9_-]{1,20}$' }), ComponentStatusValue)),
          recentResolved: Type.Optional(Duration),
          cache: Type.Optional(
            Type.Object(
              { maxAge: Type.Optional(Duration), sMaxAge: Type.Optional(Duration), staleWhileRevalidate: Type.Optional(Duration) },
              { additionalProperties: false },
            ),
          ),
          rateLimit: Type.Optional(
            Type.Object({ requests: Type.Integer({ minimum: 1, maximum: 1_000_000 }), per: Duration }, { additionalProperties: false }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    alerts: Type.Optional(
      Type.Object(
        {
          groupEventsBy: Type.Optional(Type.Array(Type.Enum([...EVENT_GROUP_FIELDS]), { minItems: 1, uniqueItems: true })),
          rateLimit: Type.Optional(
            Type.Object({ requests: Type.Integer({ minimum: 1, maximum: 1_000_000 }), per: Duration }, { additionalProperties: false }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    webhooks: Type.Optional(
      Type.Object(
        {
          allowTargets: Type.Optional(Type.Array(Type.String({ minLength: 2, maxLength: 50 }), { maxItems: 100 })),
        },
        { additionalProperties: false },
      ),
    ),
    sessions: Type.Optional(
      Type.Object(
        {
          idleTimeout: Type.Optional(Duration),
          maxAge: Type.Optional(Duration),
        },
        { additionalProperties: false },
      ),
    ),
    chat: Type.Optional(
      Type.Object(
        {
          slack: Type.Optional(
            Type.Object(
              {
                command: Type.Optional(Type.String({ pattern: '^/[a-z0-9_-]{1,31}$', description: 'the slash command, such as /incident' })),
                announceChannel: Type.Optional(Type.String({ pattern: '^#?[a-z0-9][a-z0-9_-]{0,79}$|^[CG][A-Z0-9]{2,20}$', description: 'a channel name or id' })),
                leadershipChannel: Type.Optional(Type.String({ pattern: '^#?[a-z0-9][a-z0-9_-]{0,79}$|^[CG][A-Z0-9]{2,20}$', description: 'a channel name or id' })),
                archiveAfter: Type.Optional(Duration),
              },
              { additionalProperties: false },
            ),
          ),
          mattermost: Type.Optional(
            Type.Object(
              {
                // Mattermost's channel names (as in its URLs), with an optional ~ as it writes them; or a channel id.
                announceChannel: Type.Optional(Type.String({ pattern: '^~?[a-z0-9][a-z0-9_-]{0,63}$', description: 'a channel name or id' })),
                leadershipChannel: Type.Optional(Type.String({ pattern: '^~?[a-z0-9][a-z0-9_-]{0,63}$', description: 'a channel name or id' })),
                archiveAfter: Type.Optional(Duration),
              },
              { additionalProperties: false },
            ),
          ),
          teams: Type.Optional(
            Type.Object(
              {
                webhooks: Type.Optional(
                  Type.Record(Type.String({ pattern: '^[A-Za-z0-9_-]{1,20}$' }), Type.String({ format: 'uri', pattern: '^https://', maxLength: 4000 }), {
                    description: 'Teams Workflows webhook addresses by severity id, and `default` for the others',
                  }),
                ),
              },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    retention: Type.Optional(
      Type.Object(
        {
          idempotencyKeys: Type.Optional(Duration),
          deliveries: Type.Optional(Duration),
          unconfirmedSubscribers: Type.Optional(Duration),
        },
        { additionalProperties: false },
      ),
    ),
    auth: Type.Optional(
      Type.Object(
        {
          tokenLifetime: Type.Optional(Type.Union([Duration, Type.Literal('never')], { description: 'how long a new API token lives unless its creator says (default 90d)' })),
          oidc: Type.Optional(
            Type.Object(
              {
                issuer: Type.String({ minLength: 1, maxLength: 2000, description: 'the OpenID provider, such as https://accounts.google.com' }),
                clientId: Type.String({ minLength: 1, maxLength: 500 }),
                name: Type.Optional(Type.String({ minLength: 1, maxLength: 60, description: 'shown as "Sign in with <name>" (default: the issuer\'s host)' })),
                scopes: Type.Optional(Type.Array(Type.String({ pattern: '^[\\x21\\x23-\\x5b\\x5d-\\x7e]{1,100}$' }), { maxItems: 20, description: 'default openid email profile' })),
                allowedDomains: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Za-z0-9.-]{1,253}$' }), { maxItems: 100 })),
                roleClaim: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'the claim holding groups or roles, such as groups' })),
                roleMap: Type.Optional(Type.Record(Type.String({ minLength: 1, maxLength: 200 }), Type.Enum(['admin', 'responder', 'viewer']))),
                autoCreate: Type.Optional(Type.Boolean()),
              },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    links: Type.Optional(
      Type.Object(
        {
          statusPage: Type.Optional(Type.String({ format: 'uri', pattern: '^https?://' })),
          dashboard: Type.Optional(Type.String({ format: 'uri', pattern: '^https?://' })),
          runbook: Type.Optional(Type.String({ format: 'uri', pattern: '^https?://' })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export type ConfigFile = Static<typeof ConfigFile>;
