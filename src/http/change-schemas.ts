/** What changed: the change event (PagerDuty's Change Events shape, plus `kind` and `components`) and the answers. */
import Type from 'typebox';
import { EntrySchema, IncidentParams, Nullable, Time } from './schemas.js';
import { CHANGE_KINDS, SUMMARY_MAX } from '../domain/changes/change.js';

const Kind = Type.Enum([...CHANGE_KINDS], { description: 'what sort of change' });
const Component = Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,59}$', description: 'a component id, as in the configuration (components), e.g. checkout-api' });

export const ChangeEventBody = Type.Object(
  {
    routing_key: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'the key of a changes source (or send it as X-Routing-Key, or as the bearer token)' })),
    dedup_key: Type.Optional(
      Type.String({ minLength: 1, maxLength: 255, description: 'a retry with the same key is the same change (the Idempotency-Key header does the same)' }),
    ),
    payload: Type.Object(
      {
        summary: Type.String({ minLength: 1, maxLength: SUMMARY_MAX, description: 'what changed, e.g. "Deployed checkout-api v2.14.0"' }),
        timestamp: Type.Optional(Time),
        source: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'the system that made the change, e.g. argocd' })),
        custom_details: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'anything else the sender wants kept, shown as is' })),
      },
      { additionalProperties: false },
    ),
    links: Type.Optional(
      Type.Array(
        Type.Object({ href: Type.String({ minLength: 1, maxLength: 2048 }), text: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false }),
        { maxItems: 20 },
      ),
    ),
    kind: Type.Optional(Kind),
    components: Type.Optional(Type.Array(Component, { maxItems: 50 })),
  },
  { additionalProperties: false },
);

export const ChangeSchema = Type.Object({
  id: Type.String({ description: 'chg_…' }),
  summary: Type.String(),
  at: Type.String({ description: 'when the change happened (payload.timestamp, else when it arrived)' }),
  kind: Kind,
  source: Nullable(Type.String({ description: 'the system that made the change (payload.source)' })),
  components: Type.Array(Type.String()),
  links: Type.Array(Type.Object({ href: Type.String(), text: Nullable(Type.String()) })),
  customDetails: Nullable(Type.Record(Type.String(), Type.Unknown())),
  sentBy: Type.Object({
    source: Nullable(Type.String({ description: 'the changes source (src_…) whose key sent it' })),
    person: Nullable(Type.String({ description: 'the person who recorded it' })),
  }),
  receivedAt: Type.String(),
});

export const ChangeAccepted = Type.Object(
  {
    status: Type.Literal('success'),
    message: Type.String(),
    dedup_key: Type.String(),
    change: ChangeSchema,
  },
  { description: "Kept (PagerDuty's answer, with the change); a retry with the same dedup key answers the change first kept" },
);

export const ChangeListQuery = Type.Object({
  from: Type.Optional(Type.String({ ...Time, description: 'changes at or after this time' })),
  to: Type.Optional(Type.String({ ...Time, description: 'changes at or before this time' })),
  component: Type.Optional(Component),
  kind: Type.Optional(Kind),
});

export const ChangeParams = Type.Object({
  id: IncidentParams.properties.id,
  changeId: Type.String({ pattern: '^chg_[0-9a-f]{16}$', description: 'the change (chg_…)' }),
});

export const IncidentChangesSchema = Type.Object({
  incident: Type.String(),
  from: Type.String({ description: 'an hour before the impact began (startedAt)' }),
  to: Type.String({ description: 'when the incident resolved, or now while it is open' }),
  changes: Type.Array(
    Type.Object({
      ...ChangeSchema.properties,
      when: Type.Enum(['before', 'during'], { description: 'before the impact began, or after' }),
      touchesIncident: Type.Boolean({ description: "names one of the incident's components (listed first)" }),
      hypothesis: Nullable(Type.Integer({ description: 'the timeline entry suspecting this change, once one was added' })),
    }),
  ),
});

export const HypothesisAnswer = EntrySchema;
