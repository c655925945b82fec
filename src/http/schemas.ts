/** Request and response schemas: they validate input and generate the OpenAPI document. */
import Type from 'typebox';
import { COMPONENT_STATUSES, MANUAL_ENTRY_KINDS, TASK_STATES } from '../domain/model/events.js';
import { ENTRY_KINDS } from '../presenters/timeline.js';
import { POSTMORTEM_PROGRESS } from './postmortem-schemas.js';

export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

export const Handle = Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,39}$', description: 'lower-case handle, e.g. priya' });
export const Time = Type.String({ format: 'date-time', maxLength: 40, description: 'UTC ISO-8601' });
export const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });
// Links end up as hrefs in chat, e-mail and the console: only web addresses, never javascript: or data:.
const Url = Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2000 });
const Status = Type.Enum(['investigating', 'identified', 'monitoring', 'resolved']);
const Audience = Type.Enum(['public', 'internal']);
const RoleName = Type.Enum(['incident_commander', 'comms_lead', 'scribe'], { description: 'the role' });

export const ErrorBody = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    details: Type.Optional(Type.Object({}, { additionalProperties: true })),
  }),
});

export const IncidentParams = Type.Object({
  id: Type.String({ pattern: '^([Ii][Nn][Cc]-)?[1-9][0-9]{0,8}$', description: 'INC-7 or 7' }),
});

export const ComponentStatusSchema = Type.Enum([...COMPONENT_STATUSES]);
const ComponentId = Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,59}$', description: 'the component id, e.g. checkout-api' });
export const ComponentParams = Type.Object({ componentId: ComponentId });
export const IncidentComponentParams = Type.Object({ id: IncidentParams.properties.id, componentId: ComponentId });
export const ComponentStatusBody = Type.Object({ status: ComponentStatusSchema }, { additionalProperties: false });
const ComponentFieldsSchema = {
  name: Type.String({ minLength: 1, maxLength: 120 }),
  group: Type.Optional(Nullable(Type.String({ maxLength: 120 }))),
  description: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
  order: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
};
export const ComponentBody = Type.Object({ id: ComponentId, ...ComponentFieldsSchema }, { additionalProperties: false });
export const ComponentPatchBody = Type.Object({ ...ComponentFieldsSchema, name: Type.Optional(ComponentFieldsSchema.name) }, { additionalProperties: false, minProperties: 1 });
export const ComponentSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  group: Nullable(Type.String()),
  description: Nullable(Type.String()),
  order: Type.Integer(),
  source: Type.Enum(['configuration', 'api']),
  status: ComponentStatusSchema,
  version: Type.Integer(),
  /** When it first appeared and its definition last changed (null: a configured one the server has not started with yet). */
  createdAt: Nullable(Type.String({ format: 'date-time' })),
  updatedAt: Nullable(Type.String({ format: 'date-time' })),
});

export const WarningSchema = Type.Object({ code: Type.String(), message: Type.String() });
const Warnings = Type.Array(WarningSchema);

/** What a status update says: posted, or held as a draft. */
const UpdateContent = {
  status: Status,
  impact: Type.String(),
  whatWeKnow: Type.String(),
  nextStep: Nullable(Type.String()),
  nextUpdateBy: Nullable(Type.String()),
  audience: Audience,
};

export const UpdateSchema = Type.Object({
  id: Type.Integer(),
  incident: Type.String(),
  ...UpdateContent,
  severity: Type.String(),
  final: Type.Boolean(),
  postedAt: Type.String(),
  postedBy: Type.String(),
  markdown: Type.String(),
  text: Type.String(),
  warnings: Warnings,
});

/** A public update held for the Comms Lead (`updates.publicBy: comms-lead-approves`). */
export const DraftSchema = Type.Object({
  id: Type.String(),
  incident: Type.String(),
  ...UpdateContent,
  draftedBy: Type.String(),
  draftedAt: Type.String(),
  commsLead: Nullable(Type.String()),
  warnings: Warnings,
});
export const DraftParams = Type.Object({ id: IncidentParams.properties.id, draftId: Type.String({ pattern: '^d[1-9][0-9]{0,9}$', description: 'd12' }) });
export const RejectDraftBody = Type.Object({ reason: Text(1000) }, { additionalProperties: false });

/** Who is on what: a task inside an incident (README "Tasks"). */
export const TaskSchema = Type.Object({
  id: Type.String({ description: 't12' }),
  title: Type.String(),
  owner: Type.String(),
  state: Type.Enum([...TASK_STATES]),
  reason: Nullable(Type.String({ description: 'what blocks it, or what was said when its state last changed' })),
  createdBy: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export const TaskAnswer = Type.Object({
  ...TaskSchema.properties,
  incident: Type.String(),
  version: Type.Integer({ description: "the incident's version after the change: send as If-Match" }),
  warnings: Warnings,
});
export const TaskParams = Type.Object({ id: IncidentParams.properties.id, taskId: Type.String({ pattern: '^t[1-9][0-9]{0,9}$', description: 't12' }) });
export const TaskBody = Type.Object({ title: Text(200), owner: Handle }, { additionalProperties: false });
export const TaskPatchBody = Type.Object(
  {
    state: Type.Optional(Type.Enum([...TASK_STATES], { description: 'done, blocked (with a reason), or open again' })),
    owner: Type.Optional(Handle),
    title: Type.Optional(Text(200)),
    reason: Type.Optional(Nullable(Type.String({ maxLength: 1000, description: 'required to block; recorded with any state change' }))),
  },
  { additionalProperties: false, minProperties: 1 },
);

const LinksSchema = Type.Object({ statusPage: Nullable(Type.String()), dashboard: Nullable(Type.String()), runbook: Nullable(Type.String()) });

export const IncidentSchema = Type.Object({
  id: Type.String(),
  number: Type.Integer(),
  title: Type.String(),
  summary: Nullable(Type.String()),
  severity: Type.String(),
  status: Status,
  state: Type.Enum(['open', 'resolved', 'closed']),
  channel: Type.String(),
  declaredAt: Type.String(),
  declaredBy: Type.String(),
  startedAt: Type.String(),
  resolvedAt: Nullable(Type.String()),
  roles: Type.Object({ incident_commander: Type.String(), comms_lead: Nullable(Type.String()), scribe: Nullable(Type.String()) }),
  smes: Type.Array(Type.Object({ person: Type.String(), specialty: Type.String() })),
  pendingHandoff: Nullable(Type.Object({ id: Type.String(), from: Type.String(), to: Type.String(), offeredAt: Type.String() })),
  roleGaps: Warnings,
  warnings: Warnings,
  lastUpdate: Nullable(UpdateSchema),
  nextUpdateBy: Nullable(Type.String()),
  updateDue: Type.Boolean({ description: 'the promised update is due within the reminder lead time (reminders.dueSoon), not yet overdue' }),
  updateDueAt: Nullable(Type.String({ description: 'when the promised update becomes due soon (nextUpdateBy less reminders.dueSoon); null when none is owed' })),
  overdue: Type.Boolean(),
  overdueSince: Nullable(Type.String()),
  postmortem: Type.Object({
    state: Type.Enum(['not_required', 'owed', 'assigned']),
    required: Type.Boolean(),
    owner: Nullable(Type.String()),
    scheduledFor: Nullable(Type.String()),
    ...POSTMORTEM_PROGRESS,
  }),
  components: Type.Array(Type.String()),
  statusPage: Type.Object({
    public: Type.Boolean({ description: 'on the public status page (R10): its severity is public, or a responder published it' }),
    publishedAt: Nullable(Type.String()),
    components: Type.Record(Type.String(), ComponentStatusSchema, { description: 'how the incident holds each affected component while open' }),
  }),
  links: LinksSchema,
  private: Type.Boolean(),
  drill: Nullable(
    Type.Object(
      { id: Type.String(), notify: Type.Boolean() },
      { description: "a drill's incident (README \"Drills\"): kept out of insights, and of the status page, chat, webhooks and e-mail unless notify" },
    ),
  ),
  mergedInto: Nullable(Type.String({ description: 'the incident this one was merged into (INC-7); it is followed there' })),
  tasks: Type.Array(TaskSchema, { description: 'who is on what: blocked first, then open, then done' }),
  version: Type.Integer(),
  announcement: Type.Optional(Type.String({ description: 'the channel announcement, Markdown' })),
  asOf: Type.Optional(Type.String({ description: 'only in an answer to `?at=`: the moment the incident is shown as it stood (`at`, or now if `at` is later)' })),
});

export const AsOfQuery = Type.Object(
  {
    at: Type.Optional({
      ...Time,
      description:
        'UTC ISO-8601: the incident as it stood then, folded from the events recorded by that moment (a later time is taken as now; one before the declaration is refused). Such an answer carries no ETag: it is not the current version to edit.',
    }),
  },
  { additionalProperties: false },
);

export const DeclareBody = Type.Object(
  {
    title: Text(200),
    severity: Type.String({ minLength: 1, maxLength: 20 }),
    summary: Type.Optional(Type.String({ maxLength: 2000 })),
    startedAt: Type.Optional(Time),
    components: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,59}$' }), { maxItems: 50 })),
    links: Type.Optional(
      Type.Object(
        { statusPage: Type.Optional(Url), dashboard: Type.Optional(Url), runbook: Type.Optional(Url) },
        { additionalProperties: false },
      ),
    ),
    commander: Type.Optional(Handle),
    private: Type.Optional(Type.Boolean()),
    drill: Type.Optional(Type.String({ pattern: '^drl_[0-9a-f]{12}$', description: 'declare the incident of this running drill (drl_…)' })),
  },
  { additionalProperties: false },
);

export const EditIncidentBody = Type.Object(
  {
    title: Type.Optional(Text(200)),
    summary: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
    links: Type.Optional(
      Type.Object(
        { statusPage: Type.Optional(Nullable(Url)), dashboard: Type.Optional(Nullable(Url)), runbook: Type.Optional(Nullable(Url)) },
        { additionalProperties: false, description: 'only the links named change; null removes one' },
      ),
    ),
    components: DeclareBody.properties.components,
    startedAt: Type.Optional(Time),
    reason: Text(1000),
  },
  { additionalProperties: false },
);

export const ReopenBody = Type.Object({ reason: Text(1000) }, { additionalProperties: false });

export const MergeBody = Type.Object(
  { into: Type.String({ pattern: '^([Ii][Nn][Cc]-)?[1-9][0-9]{0,8}$', description: 'the open incident to merge into: INC-7 or 7' }), reason: Type.Optional(Text(1000)) },
  { additionalProperties: false },
);

export const SeverityBody = Type.Object(
  { severity: Type.String({ minLength: 1, maxLength: 20 }), reason: Text(1000) },
  { additionalProperties: false },
);

export const RoleBody = Type.Object({ role: RoleName, person: Handle }, { additionalProperties: false });
export const RoleParams = Type.Object({ id: IncidentParams.properties.id, role: RoleName });
export const HandoffParams = Type.Object({ id: IncidentParams.properties.id, handoffId: Type.String({ pattern: '^h[0-9]{1,9}$', description: 'the hand-off id, e.g. h12' }) });
export const SmeBody = Type.Object({ person: Handle, specialty: Text(100) }, { additionalProperties: false });
export const SmeParams = Type.Object({ id: IncidentParams.properties.id, handle: Handle });

export const TimelineBody = Type.Object(
  {
    kind: Type.Enum([...MANUAL_ENTRY_KINDS]),
    text: Text(5000),
    at: Type.Optional(Time),
    corrects: Type.Optional(Type.Integer({ minimum: 1 })),
    to: Type.Optional({ ...Handle, description: 'a finding only: whom it is reported to (default: the Incident Commander)' }),
  },
  { additionalProperties: false },
);
export const TimelineQuery = Type.Object({
  kind: Type.Optional(Type.String({ pattern: `^(${ENTRY_KINDS.join('|')})(,(${ENTRY_KINDS.join('|')}))*$`, description: 'one kind or several, comma-separated' })),
});
export const EntrySchema = Type.Object({
  id: Type.Integer(),
  kind: Type.String(),
  text: Type.String(),
  at: Type.String(),
  recordedAt: Type.String(),
  actor: Type.String(),
  corrects: Nullable(Type.Integer()),
  correctedBy: Nullable(Type.Integer()),
  to: Nullable(Type.String({ description: 'whom a finding is addressed to (the IC unless it named another); null for other entries' })),
  change: Nullable(Type.String({ description: 'the change (GET /changes) a hypothesis suspects; null for other entries' })),
  event: Type.String(),
  warnings: Warnings,
});

/** Role checklists (issue 15, item 8): `done` null is a reminder only a person can tick. */
export const ChecklistsSchema = Type.Object({
  incident: Type.String(),
  asOf: Type.String(),
  checklists: Type.Array(
    Type.Object({
      role: Type.Union([Type.Literal('incident_commander'), Type.Literal('comms_lead'), Type.Literal('scribe'), Type.Literal('sme')]),
      label: Type.String(),
      holders: Type.Array(Type.String()),
      items: Type.Array(Type.Object({ id: Type.String(), text: Type.String(), done: Nullable(Type.Boolean()), proof: Type.String() })),
    }),
  ),
});

export const UpdateBody = Type.Object(
  {
    status: Status,
    impact: Text(2000),
    whatWeKnow: Text(5000),
    nextStep: Text(2000),
    nextUpdateBy: Type.Optional(Time),
    audience: Type.Optional(Audience),
  },
  { additionalProperties: false },
);

export const ResolveBody = Type.Object(
  { impact: Text(2000), whatWeKnow: Text(5000), nextStep: Type.Optional(Text(2000)), audience: Type.Optional(Audience) },
  { additionalProperties: false },
);

export const ListQuery = Type.Object({
  state: Type.Optional(Type.Enum(['open', 'resolved', 'closed'], { description: 'only incidents in this state' })),
  severity: Type.Optional(Type.String({ maxLength: 20, description: 'only incidents of this severity, e.g. SEV1' })),
  overdue: Type.Optional(Type.Boolean({ description: 'only incidents whose next update is overdue (true) or not (false)' })),
});

/** A person's own ids on the chat platforms: Slack's user id (U…/W…), Mattermost's (26 of a-z, 0-9), Teams' (the Microsoft Entra object id). */
const ChatIds = Type.Object(
  {
    slack: Type.Optional(Type.String({ pattern: '^[UW][A-Z0-9]{2,20}$' })),
    mattermost: Type.Optional(Type.String({ pattern: '^[a-z0-9]{26}$' })),
    teams: Type.Optional(Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$', description: 'the Microsoft Entra object id, lower case' })),
  },
  { additionalProperties: false },
);
export const PersonBody = Type.Object(
  {
    handle: Handle,
    name: Text(120),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
    role: Type.Optional(Type.Enum(['admin', 'responder', 'viewer'])),
    chat: Type.Optional(ChatIds),
  },
  { additionalProperties: false },
);
export const PersonSchema = Type.Object({
  handle: Type.String(),
  name: Type.String(),
  email: Nullable(Type.String()),
  role: Type.String(),
  chat: Type.Object({ slack: Type.Optional(Type.String()), mattermost: Type.Optional(Type.String()), teams: Type.Optional(Type.String()) }),
  createdAt: Type.String(),
  active: Type.Boolean({ description: 'false once deactivated: no sign-in, cannot be named; kept for history' }),
  deactivatedAt: Nullable(Type.String()),
  version: Type.Integer({ description: 'send as If-Match to refuse a concurrent edit' }),
});
export const PersonPatchBody = Type.Object(
  {
    name: Type.Optional(Text(120)),
    email: Type.Optional(Nullable(Type.String({ format: 'email', maxLength: 254 }))),
    role: Type.Optional(Type.Enum(['admin', 'responder', 'viewer'])),
    chat: Type.Optional(ChatIds),
  },
  { additionalProperties: false, minProperties: 1 },
);
export const PersonParams = Type.Object({ handle: Handle });
export const TokenBody = Type.Object(
  {
    name: Type.Optional(Text(60)),
    expiresIn: Type.Optional(
      Type.String({ pattern: '^(?:never|(?:\\d+(?:ms|s|m|h|d))+)$', description: 'a duration such as 30d or 12h, or never (admins only); default auth.tokenLifetime' }),
    ),
  },
  { additionalProperties: false },
);
export const TokenSchema = Type.Object({
  id: Type.String(),
  token: Nullable(Type.String({ description: 'the secret; null when this answer is an Idempotency-Key replay, since it is shown once' })),
  person: Type.String(),
  name: Type.String(),
  createdAt: Type.String(),
  expiresAt: Nullable(Type.String({ description: 'null: never expires' })),
});
export const TokenInfoSchema = Type.Object({
  id: Type.String(),
  person: Type.String(),
  name: Type.String(),
  createdAt: Type.String(),
  lastUsedAt: Nullable(Type.String({ description: 'to the minute' })),
  expiresAt: Nullable(Type.String()),
  expired: Type.Boolean(),
});

export const SeveritySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  impact: Type.String(),
  response: Type.String(),
  updateEvery: Nullable(Type.String()),
  updateEveryMinutes: Nullable(Type.Number()),
  firstUpdateWithinMinutes: Type.Number({ description: 'the first update is due this long after declaring' }),
  finalUpdateWithinMinutes: Type.Number({ description: 'without a cadence: the final update is due this long after a monitoring update' }),
  audience: Type.String(),
  roles: Type.String(),
  postmortem: Type.String(),
  escalateTo: Type.Array(Type.String()),
  stakeholders: Type.Array(Type.String(), { description: "told of every update, besides the organization's stakeholders" }),
});

export const MeSchema = Type.Object({ person: PersonSchema, permissions: Type.Array(Type.String()) });

/** `GET /auth/options`: what the console's sign-in page offers. */
export const SignInOptionsSchema = Type.Object({
  tokenSignIn: Type.Boolean({ description: 'whether the console offers signing in with an API token' }),
  oidc: Type.Union([Type.Object({ name: Type.String(), loginUrl: Type.String() }), Type.Null()], { description: 'the OpenID provider, when single sign-on is configured' }),
});
