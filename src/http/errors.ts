/** Every error leaves as `{"error": {"code", "message", "details"?}}`; anything the caller did wrong is a 4xx. */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type ErrorCode } from '../domain/model/errors.js';
import { describeSchemaErrors, type SchemaError } from '../config/errors.js';
import { isStoreUnavailable } from '../store/errors.js';

const STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  UNKNOWN_SEVERITY: 400,
  UNKNOWN_PERSON: 400,
  PERSON_CANNOT_RESPOND: 400,
  UNKNOWN_COMPONENT: 400,
  SEVERITY_UNCHANGED: 409,
  INCIDENT_NOT_FOUND: 404,
  DRILL_SCRIPT_INVALID: 400,
  UNKNOWN_DRILL_SCRIPT: 400,
  DRILL_NOT_FOUND: 404,
  DRILL_ENDED: 409,
  DRILL_ALREADY_DECLARED: 409,
  INCIDENT_NOT_OPEN: 409,
  INCIDENT_ALREADY_RESOLVED: 409,
  INCIDENT_NOT_RESOLVED: 409,
  ONLY_COMMANDER: 403,
  ALREADY_COMMANDER: 409,
  HANDOFF_NOT_PENDING: 409,
  NOT_OFFERED_TO_YOU: 403,
  COMMANDER_REQUIRED: 409,
  ROLE_NOT_HELD: 409,
  ROLE_ALREADY_HELD: 409,
  SME_ALREADY_IN: 409,
  SME_NOT_FOUND: 404,
  TASK_NOT_FOUND: 404,
  POSTMORTEM_NOT_SCHEDULED: 404,
  POSTMORTEM_TRANSITION: 409,
  POSTMORTEM_PUBLISHED: 409,
  NOT_POSTMORTEM_STEWARD: 403,
  REVISION_CONFLICT: 409,
  NOT_TASK_OWNER: 403,
  NEXT_UPDATE_IN_PAST: 400,
  USE_RESOLVE: 400,
  ENTRY_NOT_FOUND: 400,
  ENTRY_IN_FUTURE: 400,
  STARTED_IN_FUTURE: 400,
  STARTED_AFTER_DECLARED: 400,
  INCIDENT_ALREADY_OPEN: 409,
  INCIDENT_MERGED: 409,
  MERGE_INTO_SELF: 400,
  MERGE_TARGET_NOT_OPEN: 409,
  VERSION_CONFLICT: 409,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  IDEMPOTENCY_KEY_REUSED: 422,
  PERSON_EXISTS: 409,
  NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  ALERT_SOURCE_EXISTS: 409,
  ALERT_GROUP_NOT_FOUND: 404,
  WEBHOOK_NOT_FOUND: 404,
  DELIVERY_NOT_FOUND: 404,
  ALERT_GROUP_NOT_OPEN: 409,
  ALERT_GROUP_ACKNOWLEDGED: 409,
  ALERT_GROUP_DECLARED: 409,
  RATE_LIMITED: 429,
  PRIVATE_INCIDENT: 409,
  PUBLIC_BY_POLICY: 409,
  COMMS_LEAD_OWNS_OUTBOUND: 409,
  ONLY_COMMS_LEAD: 403,
  DRAFT_NOT_PENDING: 409,
  COMPONENT_NOT_FOUND: 404,
  COMPONENT_EXISTS: 409,
  COMPONENT_FROM_CONFIGURATION: 409,
  MAINTENANCE_NOT_FOUND: 404,
  MAINTENANCE_OVER: 409,
  SUBSCRIBER_NOT_FOUND: 404,
  ALERT_SOURCE_NOT_FOUND: 404,
  PERSON_NOT_FOUND: 404,
  PERSON_DEACTIVATED: 409,
  LAST_ADMIN: 409,
  TOKEN_NOT_FOUND: 404,
  TOO_MANY_TOKENS: 409,
  TOKEN_SIGN_IN_OFF: 403,
  SINGLE_SIGN_ON_OFF: 409,
  FOLLOW_UP_NOT_FOUND: 404,
  CHANGE_NOT_FOUND: 404,
  FOLLOW_UP_CLOSED: 409,
  FOLLOW_UP_TRANSITION: 409,
  EXPORT_IN_PROGRESS: 409,
  TRACKER_NOT_CONFIGURED: 409,
  TRACKER_FAILED: 502,
};

const PARTS: Record<string, string> = { body: 'body', querystring: 'query', params: 'path', headers: 'header' };

function send(reply: FastifyReply, status: number, code: string, message: string, details?: Record<string, unknown>) {
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .serializer((p: unknown) => JSON.stringify(p))
    .send({ error: { code, message, ...(details ? { details } : {}) } });
}

export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof DomainError) return send(reply, STATUS[error.code], error.code, error.message, error.details);
  if (error.validation) {
    const problems = describeSchemaErrors(error.validation as SchemaError[]);
    const first = problems[0] ?? { field: '(request)', problem: 'is not valid' };
    const part = PARTS[error.validationContext ?? 'body'] ?? 'body';
    return send(reply, 400, 'VALIDATION_FAILED', `${first.field} ${first.problem}.`, { field: first.field, in: part, problems });
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return send(reply, 413, 'PAYLOAD_TOO_LARGE', 'The request body is too large.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return send(reply, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Send JSON, with Content-Type: application/json.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return send(reply, 400, 'VALIDATION_FAILED', 'The request body is empty; send a JSON object.', { field: '(body)' });
    case 'FST_ERR_BAD_URL':
      return send(reply, 400, 'VALIDATION_FAILED', 'The URL is not valid: a part of its path is not properly percent-encoded.', { field: '(path)' });
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return send(reply, 414, 'VALIDATION_FAILED', 'A part of the URL path is too long.', { field: '(path)' });
    case 'FST_CSRF_INVALID_TOKEN':
    case 'FST_CSRF_MISSING_SECRET':
      return send(reply, 403, 'CSRF_TOKEN_INVALID', 'A write signed in with the session cookie needs its X-CSRF-Token header; reload the console and retry.', {
        field: 'x-csrf-token',
      });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return send(reply, 400, 'VALIDATION_FAILED', `The request body is not valid JSON: ${error.message}`, { field: '(body)' });
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) return send(reply, status, 'BAD_REQUEST', error.message);
  if (isStoreUnavailable(error)) {
    // A moment's outage (a restart, a failover): a client, or the proxy in front (docs/nginx-instances.conf), tries again.
    request.log.warn({ err: { message: error.message, code: error.code } }, 'request answered 503: the database cannot be reached');
    reply.header('retry-after', '1');
    return send(reply, 503, 'STORE_UNAVAILABLE', 'The database cannot be reached right now. Retry shortly with the same Idempotency-Key: a change already made is not made twice.');
  }
  request.log.error({ err: error }, 'request failed');
  return send(reply, 500, 'INTERNAL', 'Something went wrong on our side; the change was not made. Retry with the same Idempotency-Key.');
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply) {
  return send(reply, 404, 'NOT_FOUND', `There is no ${request.method} ${request.url.split('?')[0]}.`);
}
