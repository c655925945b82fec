/** Alert intake's request and response schemas: sources, groups and the alerts in them. */
import Type from 'typebox';
import { DeclareBody, Nullable, Text } from './schemas.js';

const Labels = Type.Record(Type.String(), Type.String());
const SourceType = Type.Enum(['alertmanager', 'events', 'changes'], { description: 'changes: a change-event sender (POST /changes), not alerts' });

export const AlertSourceBody = Type.Object(
  { name: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$', description: 'e.g. prometheus-prod' }), type: SourceType },
  { additionalProperties: false },
);
export const AlertSourceSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  type: SourceType,
  createdBy: Type.String(),
  createdAt: Type.String(),
});
export const NewAlertSourceSchema = Type.Object({
  ...AlertSourceSchema.properties,
  key: Nullable(Type.String({ description: 'the source key, shown once: Alertmanager sends it as a Bearer token, Events v2 senders as routing_key; null on an Idempotency-Key replay' })),
});
export const RotatedAlertSourceSchema = Type.Object({
  ...NewAlertSourceSchema.properties,
  key: Nullable(Type.String({ description: 'the new source key, shown once; null on an Idempotency-Key replay' })),
  previousKeyValidUntil: Type.String({ description: 'until when the replaced key is still accepted (24 h after the rotation); refused with 401 after' }),
});

export const AlertGroupParams = Type.Object({ groupId: Type.String({ pattern: '^[1-9][0-9]{0,14}$', description: 'the alert group id' }) });
export const AlertListQuery = Type.Object({
  state: Type.Optional(Type.Enum(['open', 'acknowledged', 'resolved', 'dismissed'], { description: 'only groups in this state (default open)' })),
});
export const DeclareFromAlertsBody = Type.Object(
  { severity: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })), title: Type.Optional(Text(200)), components: DeclareBody.properties.components },
  { additionalProperties: false },
);
export const DismissBody = Type.Object({ reason: Text(1000) }, { additionalProperties: false });

export const AlertGroupSchema = Type.Object({
  id: Type.Integer(),
  source: Type.Object({ id: Type.String(), name: Type.String(), type: SourceType }),
  groupKey: Type.String(),
  state: Type.Enum(['open', 'acknowledged', 'resolved', 'dismissed']),
  title: Type.String({ description: 'suggested from the labels (alertname; service, component or job)' }),
  severity: Nullable(Type.Enum(['critical', 'error', 'warning', 'info'])),
  suggestedSeverity: Type.String({ description: 'critical → the first policy level, error and warning → the second, info → the last' }),
  suggestedComponents: Type.Array(Type.String()),
  counts: Type.Object({ alerts: Type.Integer(), firing: Type.Integer(), resolved: Type.Integer(), received: Type.Integer() }),
  truncatedAlerts: Type.Integer({ description: "alerts Alertmanager's max_alerts left out of the last delivery" }),
  firstSeenAt: Type.String(),
  lastSeenAt: Type.String(),
  commonLabels: Labels,
  differingLabels: Type.Record(Type.String(), Type.Array(Type.String()), { description: 'label → its distinct values across the alerts (at most 10)' }),
  acknowledgedBy: Nullable(Type.String()),
  acknowledgedAt: Nullable(Type.String()),
  secondsToAcknowledge: Nullable(Type.Integer()),
  incident: Nullable(Type.String()),
  dismissedReason: Nullable(Type.String()),
  dismissedBy: Nullable(Type.String()),
  dismissedAt: Nullable(Type.String()),
});
export const AlertSchema = Type.Object({
  id: Type.Integer(),
  fingerprint: Type.String(),
  status: Type.Enum(['firing', 'resolved']),
  severity: Nullable(Type.Enum(['critical', 'error', 'warning', 'info'])),
  summary: Nullable(Type.String()),
  labels: Labels,
  annotations: Labels,
  startsAt: Type.String(),
  endsAt: Nullable(Type.String()),
  generatorURL: Nullable(Type.String()),
  firstSeenAt: Type.String(),
  lastSeenAt: Type.String(),
  received: Type.Integer(),
});
export const AlertGroupDetailSchema = Type.Object({ ...AlertGroupSchema.properties, alerts: Type.Array(AlertSchema) });
