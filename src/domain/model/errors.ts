/**
 * A refusal the playbook or the contract makes. The code is stable (clients and
 * tests match on it); the message is written for a tired human at 2am.
 */
export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'UNKNOWN_SEVERITY'
  | 'UNKNOWN_PERSON'
  | 'PERSON_CANNOT_RESPOND'
  | 'UNKNOWN_COMPONENT'
  | 'SEVERITY_UNCHANGED'
  | 'INCIDENT_NOT_FOUND'
  | 'INCIDENT_NOT_OPEN'
  | 'INCIDENT_ALREADY_RESOLVED'
  | 'INCIDENT_NOT_RESOLVED'
  | 'ONLY_COMMANDER'
  | 'ALREADY_COMMANDER'
  | 'HANDOFF_NOT_PENDING'
  | 'NOT_OFFERED_TO_YOU'
  | 'COMMANDER_REQUIRED'
  | 'ROLE_NOT_HELD'
  | 'ROLE_ALREADY_HELD'
  | 'SME_ALREADY_IN'
  | 'SME_NOT_FOUND'
  | 'NEXT_UPDATE_IN_PAST'
  | 'USE_RESOLVE'
  | 'ENTRY_NOT_FOUND'
  | 'ENTRY_IN_FUTURE'
  | 'STARTED_IN_FUTURE'
  | 'STARTED_AFTER_DECLARED'
  | 'INCIDENT_ALREADY_OPEN'
  | 'INCIDENT_MERGED'
  | 'MERGE_INTO_SELF'
  | 'MERGE_TARGET_NOT_OPEN'
  | 'VERSION_CONFLICT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'PERSON_EXISTS'
  | 'NOT_FOUND'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'ALERT_SOURCE_EXISTS'
  | 'ALERT_SOURCE_NOT_FOUND'
  | 'ALERT_GROUP_NOT_FOUND'
  | 'WEBHOOK_NOT_FOUND'
  | 'DELIVERY_NOT_FOUND'
  | 'ALERT_GROUP_NOT_OPEN'
  | 'ALERT_GROUP_ACKNOWLEDGED'
  | 'ALERT_GROUP_DECLARED'
  | 'RATE_LIMITED'
  | 'PRIVATE_INCIDENT'
  | 'PUBLIC_BY_POLICY'
  | 'COMMS_LEAD_OWNS_OUTBOUND'
  | 'ONLY_COMMS_LEAD'
  | 'DRAFT_NOT_PENDING'
  | 'COMPONENT_NOT_FOUND'
  | 'COMPONENT_EXISTS'
  | 'COMPONENT_FROM_CONFIGURATION'
  | 'MAINTENANCE_NOT_FOUND'
  | 'MAINTENANCE_OVER'
  | 'SUBSCRIBER_NOT_FOUND'
  | 'PERSON_NOT_FOUND'
  | 'PERSON_DEACTIVATED'
  | 'LAST_ADMIN'
  | 'TOKEN_NOT_FOUND'
  | 'TOO_MANY_TOKENS'
  | 'TOKEN_SIGN_IN_OFF'
  | 'SINGLE_SIGN_ON_OFF'
  | 'DRILL_SCRIPT_INVALID'
  | 'UNKNOWN_DRILL_SCRIPT'
  | 'DRILL_NOT_FOUND'
  | 'DRILL_ENDED'
  | 'DRILL_ALREADY_DECLARED'
  | 'FOLLOW_UP_NOT_FOUND'
  | 'CHANGE_NOT_FOUND'
  | 'FOLLOW_UP_CLOSED'
  | 'FOLLOW_UP_TRANSITION'
  | 'TASK_NOT_FOUND'
  | 'POSTMORTEM_NOT_SCHEDULED'
  | 'NOT_TASK_OWNER';

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export function refuse(code: ErrorCode, message: string, details?: Record<string, unknown>): never {
  throw new DomainError(code, message, details);
}
