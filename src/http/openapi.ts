/**
 * What the generated OpenAPI document says beyond each route's own schema: the tags, every
 * operation's id and short summary (a generated client names its methods after the ids, so
 * they are kept together here and reviewed as one list), and the error answers a route can
 * give because of what it is. A route's own summary becomes its description.
 */
import Type, { type TSchema } from 'typebox';
import type { RouteOptions } from 'fastify';
import { ErrorBody } from './schemas.js';

export const TAGS = [
  { name: 'incidents', description: 'Declare, change severity, resolve; the channel announcement' },
  { name: 'roles', description: "Incident Commander hand-offs, Comms Lead, Scribe, subject-matter experts; each role's checklist" },
  { name: 'timeline', description: 'What happened, when, and what was ruled out' },
  { name: 'tasks', description: 'Who is on what: tasks inside an incident, done or blocked' },
  { name: 'updates', description: 'Status updates: Status, Impact, What we know, Next step, Next update by' },
  { name: 'postmortem', description: 'The blameless postmortem: review, document, publication' },
  { name: 'status-page', description: 'Components, what the public status page shows, and its subscribers' },
  { name: 'maintenance', description: 'Scheduled maintenance windows' },
  { name: 'alerts', description: 'Alert intake (Alertmanager, Events API v2), alert sources and alert groups' },
  { name: 'changes', description: 'What changed: deploys, config pushes, feature flags, batch jobs (PagerDuty Change Events)' },
  { name: 'notifications', description: 'Who hears of what, and the e-mail delivery log' },
  { name: 'webhooks', description: 'Signed webhook subscriptions and their delivery log' },
  { name: 'people', description: 'People who can be named in an incident' },
  { name: 'access', description: 'API tokens, console sessions, single sign-on' },
  { name: 'audit', description: 'The audit log' },
  { name: 'follow-ups', description: 'Follow-up action items from incidents: owner, due date, priority, done or not' },
  { name: 'insights', description: 'Figures over a period, folded from the event record' },
  { name: 'drills', description: 'Scripted incidents replayed for a trainee, kept from everything outward, scored' },
  { name: 'policy', description: 'The severity policy' },
  { name: 'realtime', description: 'Server-Sent Events' },
];

/** `METHOD path` (OpenAPI path form) → [operationId, summary]. */
const OPERATIONS: Record<string, [string, string]> = {
  'GET /status/internal': ['getInternalStatusPage', 'The internal status page'],
  'POST /api/v1/alerts/alertmanager': ['receiveAlertmanagerAlerts', 'Alertmanager webhook'],
  'POST /api/v1/alerts/events': ['receiveEventsV2', 'Events API v2 intake'],
  'POST /api/v1/changes': ['recordChange', 'Record a change event'],
  'GET /api/v1/changes': ['listChanges', 'What changed'],
  'GET /api/v1/incidents/{id}/changes': ['listIncidentChanges', "What changed around an incident"],
  'POST /api/v1/incidents/{id}/changes/{changeId}/hypothesis': ['suspectChange', 'Suspect a change (a hypothesis on the timeline)'],
  'POST /api/v1/session': ['openSession', 'Sign in to the console'],
  'GET /api/v1/session': ['getSession', 'The current console session'],
  'DELETE /api/v1/session': ['closeSession', 'Sign out'],
  'GET /api/v1/auth/options': ['getSignInOptions', 'How the console may be signed in to'],
  'GET /api/v1/auth/oidc/login': ['startSingleSignOn', 'Start single sign-on'],
  'GET /api/v1/auth/oidc/callback': ['finishSingleSignOn', "The OpenID provider's return"],
  'GET /api/v1/me': ['getMe', 'Who you are'],
  'POST /api/v1/people': ['addPerson', 'Add a person'],
  'GET /api/v1/people': ['listPeople', 'People'],
  'GET /api/v1/people/{handle}': ['getPerson', 'One person'],
  'PATCH /api/v1/people/{handle}': ['changePerson', 'Change a person'],
  'POST /api/v1/people/{handle}/deactivate': ['deactivatePerson', 'Deactivate a person'],
  'POST /api/v1/people/{handle}/reactivate': ['reactivatePerson', 'Reactivate a person'],
  'GET /api/v1/severities': ['listSeverities', 'The severity policy'],
  'GET /api/v1/people/{handle}/tokens': ['listTokens', "A person's API tokens"],
  'POST /api/v1/people/{handle}/tokens': ['issueToken', 'Issue an API token'],
  'DELETE /api/v1/tokens/{id}': ['revokeToken', 'Revoke an API token'],
  'GET /api/v1/audit': ['listAuditLog', 'The audit log'],
  'GET /api/v1/audit/export': ['exportAuditLog', 'The audit log as JSON Lines'],
  'GET /api/v1/auth/settings': ['getSignInSettings', 'Sign-in settings'],
  'PUT /api/v1/auth/settings': ['changeSignInSettings', 'Change sign-in settings'],
  'POST /api/v1/incidents': ['declareIncident', 'Declare an incident'],
  'GET /api/v1/incidents': ['listIncidents', 'Incidents'],
  'GET /api/v1/incidents/{id}': ['getIncident', 'One incident'],
  'POST /api/v1/incidents/{id}/severity': ['changeSeverity', 'Change severity'],
  'POST /api/v1/incidents/{id}/resolve': ['resolveIncident', 'Resolve an incident'],
  'PATCH /api/v1/incidents/{id}': ['editIncident', "Correct an incident's details"],
  'POST /api/v1/incidents/{id}/reopen': ['reopenIncident', 'Reopen a resolved incident'],
  'POST /api/v1/incidents/{id}/merge': ['mergeIncident', 'Merge an incident into another'],
  'PUT /api/v1/incidents/{id}/postmortem': ['assignPostmortem', 'Assign the postmortem'],
  'PUT /api/v1/incidents/{id}/postmortem/publication': ['publishPostmortem', 'Publish the postmortem'],
  'POST /api/v1/incidents/{id}/postmortem/schedule': ['schedulePostmortem', 'Schedule the postmortem review'],
  'POST /api/v1/incidents/{id}/postmortem/review': ['requestPostmortemReview', 'Put the postmortem up for review'],
  'GET /api/v1/incidents/{id}/postmortem/document': ['getPostmortemDocument', 'The postmortem document'],
  'PUT /api/v1/incidents/{id}/postmortem/document': ['savePostmortemDocument', 'Save a postmortem revision'],
  'GET /api/v1/incidents/{id}/postmortem/revisions': ['listPostmortemRevisions', 'The postmortem revisions'],
  'GET /api/v1/postmortems': ['listPostmortems', 'Postmortems by stage'],
  'GET /api/v1/incidents/{id}/announcement.md': ['getAnnouncement', 'The channel announcement'],
  'GET /api/v1/incidents/{id}/postmortem.md': ['getPostmortemDraft', 'The postmortem draft'],
  'GET /api/v1/incidents/{id}/postmortem.ics': ['getPostmortemInvite', 'The postmortem invite (iCalendar)'],
  'POST /api/v1/incidents/{id}/roles': ['assignRole', 'Name a role'],
  'DELETE /api/v1/incidents/{id}/roles/{role}': ['releaseRole', 'Release a role'],
  'GET /api/v1/incidents/{id}/checklists': ['getRoleChecklists', "Each role's checklist"],
  'POST /api/v1/incidents/{id}/handoffs/{handoffId}/accept': ['acceptHandoff', 'Accept an Incident Commander hand-off'],
  'POST /api/v1/incidents/{id}/handoffs/{handoffId}/decline': ['declineHandoff', 'Decline an Incident Commander hand-off'],
  'POST /api/v1/incidents/{id}/smes': ['addSme', 'Pull in a subject-matter expert'],
  'DELETE /api/v1/incidents/{id}/smes/{handle}': ['releaseSme', 'Release a subject-matter expert'],
  'POST /api/v1/incidents/{id}/timeline': ['addTimelineEntry', 'Add a timeline entry'],
  'GET /api/v1/incidents/{id}/timeline': ['getTimeline', 'The timeline'],
  'POST /api/v1/incidents/{id}/tasks': ['createTask', 'Give someone a task'],
  'PATCH /api/v1/incidents/{id}/tasks/{taskId}': ['changeTask', 'Mark a task done, blocked or open; hand it on'],
  'POST /api/v1/incidents/{id}/updates': ['postUpdate', 'Post a status update'],
  'GET /api/v1/incidents/{id}/updates': ['listUpdates', 'Status updates'],
  'GET /api/v1/incidents/{id}/drafts': ['listDrafts', 'Updates held for the Comms Lead'],
  'POST /api/v1/incidents/{id}/drafts/{draftId}/approve': ['approveDraft', 'Approve a held update'],
  'POST /api/v1/incidents/{id}/drafts/{draftId}/reject': ['rejectDraft', 'Reject a held update'],
  'POST /api/v1/alert-sources': ['addAlertSource', 'Add an alert source'],
  'GET /api/v1/alert-sources': ['listAlertSources', 'Alert sources'],
  'POST /api/v1/alert-sources/{id}/rotate-key': ['rotateAlertSourceKey', "Rotate an alert source's key"],
  'GET /api/v1/alerts': ['listAlertGroups', 'Alert groups'],
  'GET /api/v1/alerts/{groupId}': ['getAlertGroup', 'One alert group'],
  'POST /api/v1/alerts/{groupId}/ack': ['acknowledgeAlertGroup', 'Acknowledge an alert group'],
  'POST /api/v1/alerts/{groupId}/declare': ['declareFromAlertGroup', 'Declare an incident from an alert group'],
  'POST /api/v1/alerts/{groupId}/dismiss': ['dismissAlertGroup', 'Dismiss an alert group'],
  'POST /api/v1/webhooks': ['addWebhook', 'Add a webhook'],
  'GET /api/v1/webhooks': ['listWebhooks', 'Webhooks'],
  'PATCH /api/v1/webhooks/{id}': ['changeWebhook', 'Switch a webhook off or on'],
  'DELETE /api/v1/webhooks/{id}': ['deleteWebhook', 'Delete a webhook'],
  'POST /api/v1/webhooks/{id}/rotate-secret': ['rotateWebhookSecret', "Rotate a webhook's secret"],
  'GET /api/v1/webhooks/{id}/deliveries': ['listWebhookDeliveries', "A webhook's deliveries"],
  'POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver': ['redeliverWebhookDelivery', 'Redeliver'],
  'POST /api/v1/incidents/{id}/subscribers': ['followIncident', "Follow an incident's updates by e-mail"],
  'PUT /api/v1/people/{handle}/notifications': ['setNotificationPreferences', 'Set notification preferences'],
  'GET /api/v1/people/{handle}/notifications': ['getNotificationPreferences', 'Notification preferences'],
  'GET /api/v1/notifications/email-deliveries': ['listEmailDeliveries', 'The e-mail delivery log'],
  'GET /api/v1/components': ['listComponents', 'Status page components'],
  'POST /api/v1/components': ['addComponent', 'Add a component'],
  'PATCH /api/v1/components/{componentId}': ['changeComponent', 'Change a component'],
  'PUT /api/v1/incidents/{id}/components/{componentId}': ['setComponentStatus', "An affected component's status"],
  'POST /api/v1/incidents/{id}/publish': ['publishIncident', 'Put an incident on the status page'],
  'POST /api/v1/incidents/{id}/unpublish': ['unpublishIncident', 'Take an incident off the status page'],
  'POST /api/v1/incidents/{id}/status-page/preview': ['previewStatusPage', 'Preview a public update'],
  'GET /api/v1/events': ['streamEvents', 'The event stream'],
  'GET /api/v1/insights': ['getInsights', 'Insights over a period'],
  'GET /api/v1/drills/scripts': ['listDrillScripts', 'Drill scripts'],
  'POST /api/v1/drills': ['startDrill', 'Start a drill'],
  'GET /api/v1/drills': ['listDrills', 'Drills'],
  'GET /api/v1/drills/{id}': ['getDrill', 'One drill and its scorecard'],
  'POST /api/v1/drills/{id}/stop': ['stopDrill', 'Stop a drill'],
  'GET /api/v1/insights.csv': ['getInsightsCsv', 'Insights over a period, as CSV'],
  'POST /api/v1/maintenances': ['scheduleMaintenance', 'Schedule a maintenance window'],
  'GET /api/v1/maintenances': ['listMaintenances', 'Maintenance windows'],
  'GET /api/v1/maintenances/{id}': ['getMaintenance', 'One maintenance window'],
  'PATCH /api/v1/maintenances/{id}': ['changeMaintenance', 'Change a maintenance window'],
  'POST /api/v1/maintenances/{id}/cancel': ['cancelMaintenance', 'Call off a maintenance window'],
  'POST /api/v1/incidents/{id}/follow-ups': ['createFollowUp', 'Open a follow-up action item'],
  'GET /api/v1/follow-ups': ['listFollowUps', 'Follow-up action items'],
  'GET /api/v1/follow-ups/{id}': ['getFollowUp', 'One follow-up action item'],
  'PATCH /api/v1/follow-ups/{id}': ['changeFollowUp', 'Change a follow-up action item'],
  'POST /api/v1/follow-ups/{id}/export': ['exportFollowUp', 'Export a follow-up to GitHub Issues or Jira'],
  'GET /api/v1/status-subscribers': ['listStatusSubscribers', 'Status page subscribers'],
  'GET /api/v1/status-subscribers/counts': ['countStatusSubscribers', 'How many the status page reaches'],
  'POST /api/v1/status-subscribers/webhooks': ['addStatusWebhook', 'Subscribe a URL to the status page'],
  'POST /status/subscribe': ['subscribeToStatusPage', 'Subscribe an e-mail address'],
  'GET /status/subscription/confirm': ['getSubscriptionConfirmationPage', 'The confirmation page'],
  'POST /status/subscription/confirm': ['confirmSubscription', 'Confirm a subscription'],
  'GET /status/unsubscribe': ['getUnsubscribePage', 'The unsubscribe page'],
  'POST /status/unsubscribe': ['unsubscribeFromStatusPage', 'Unsubscribe'],
};

/** Routes under /api/v1 that do not need a person: they authenticate otherwise, or not at all. */
const WITHOUT_PERSON = new Set([
  'POST /api/v1/alerts/alertmanager',
  'POST /api/v1/alerts/events',
  'POST /api/v1/changes',
  'POST /api/v1/session',
  'GET /api/v1/session',
  'DELETE /api/v1/session',
  'GET /api/v1/auth/options',
  'GET /api/v1/auth/oidc/login',
  'GET /api/v1/auth/oidc/callback',
]);

const ERROR_MEANING: Record<number, string> = {
  400: 'A field is not valid (details.field names it)',
  401: 'Not signed in, or the credentials are not valid',
  403: "The person's role does not allow it",
  404: 'Not found',
  409: 'Conflicts with the current state or a concurrent edit',
  413: 'The request body is too large',
  415: 'Send JSON, with Content-Type: application/json',
  422: 'The Idempotency-Key was used before with another request',
  429: 'Too many requests; Retry-After says when to retry',
  500: 'Something went wrong on our side; the change was not made',
  503: 'The database cannot be reached, or the server is shutting down; Retry-After says when to retry',
};

/** The shared error body as the answer for each of `statuses`. */
export function errorResponses<S extends number>(...statuses: S[]): Record<S, typeof ErrorBody> {
  const answers = {} as Record<S, typeof ErrorBody>;
  for (const status of statuses) answers[status] = Type.Object(ErrorBody.properties, { description: ERROR_MEANING[status] });
  return answers;
}

/** A response whose body is of `mediaType` (not JSON); `schema` describes the body. */
export function answerAs(mediaType: string, description: string, schema: TSchema = Type.String()) {
  return { description, content: { [mediaType]: { schema } } };
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

interface DocumentedSchema {
  hide?: boolean;
  operationId?: string;
  summary?: string;
  description?: string;
  params?: unknown;
  response?: Record<string, unknown>;
}

/**
 * Completes a route's schema for the document (an onRoute hook): its operationId and short
 * summary, and the shared error body under each status a route of its kind can answer —
 * every one may answer 400 (a malformed URL or query), 500, and 503 while the database cannot
 * be reached; one that needs a person 401,
 * 403 and 429; one with a path parameter 404; a write 413 and 415, and when it needs a person
 * 409 and 422 (Idempotency-Key) too. What a route declares itself is kept.
 */
export function documentOperation(route: RouteOptions) {
  const schema = route.schema as DocumentedSchema | undefined;
  const method = [route.method].flat()[0];
  if (!schema || schema.hide || !method || method === 'HEAD') return;
  const key = `${method} ${route.url.replace(/:(\w+)/g, '{$1}')}`;
  const operation = OPERATIONS[key];
  if (operation) {
    schema.operationId ??= operation[0];
    if (schema.summary !== undefined && schema.description === undefined) schema.description = schema.summary;
    schema.summary = operation[1];
  }
  const person = route.url.startsWith('/api/v1/') && !WITHOUT_PERSON.has(key);
  const write = WRITES.has(method);
  const statuses = [400, 500, 503];
  // 429: refused credentials are throttled per address, and then even good ones wait.
  if (person) statuses.push(401, 403, 429);
  if (schema.params) statuses.push(404);
  if (write) statuses.push(413, 415);
  if (write && person) statuses.push(409, 422);
  const response: Record<string, unknown> = errorResponses(...statuses.sort((a, b) => a - b));
  for (const [status, answer] of Object.entries(schema.response ?? {})) {
    // A range ('4xx') says less than the statuses it stands for: those are listed instead.
    if (/^\dxx$/i.test(status)) continue;
    const shared = response[status] as TSchema | undefined;
    const content = (answer as { content?: Record<string, unknown> }).content;
    // A page (HTML) under a status every route of its kind may also answer with the shared body:
    // a refused query is JSON whatever the route's own answers are.
    response[status] = shared && content && !content['application/json'] ? { ...(answer as object), content: { ...content, 'application/json': { schema: ErrorBody } } } : answer;
  }
  schema.response = response;
}
