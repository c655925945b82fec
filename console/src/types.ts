/** The API's answers, typed from the server's own schemas (types only: nothing of the server is bundled). */
import type { Static } from 'typebox';
import type { AlertGroupSchema } from '../../src/http/alert-schemas.js';
import type { ComponentSchema, DraftSchema, EntrySchema, IncidentSchema, PersonSchema, SeveritySchema, SignInOptionsSchema, UpdateSchema } from '../../src/http/schemas.js';
import type { MaintenanceSchema } from '../../src/http/routes/maintenance.js';
import type { InsightsSchema } from '../../src/http/routes/insights.js';
import type { DrillSchema, DrillScriptSchema } from '../../src/http/routes/drills.js';
import type { FollowUpSchema } from '../../src/http/routes/follow-ups.js';
import type { DocumentSchema, RevisionSchema } from '../../src/http/routes/postmortem.js';

export type Incident = Static<typeof IncidentSchema>;
export type Update = Static<typeof UpdateSchema>;
/** A public update held for the Comms Lead to approve (`updates.publicBy: comms-lead-approves`): what posting answers, 202, instead of the update. */
export type Draft = Static<typeof DraftSchema>;
export type Entry = Static<typeof EntrySchema>;
export type Severity = Static<typeof SeveritySchema>;
export type Person = Static<typeof PersonSchema>;
/** `GET /api/v1/auth/options`: single sign-on and whether the token form is on. */
export type SignInOptions = Static<typeof SignInOptionsSchema>;
export type Component = Static<typeof ComponentSchema>;
export type AlertGroup = Static<typeof AlertGroupSchema>;
export type Maintenance = Static<typeof MaintenanceSchema>;
/** `GET /api/v1/insights`: how incidents went over a period. */
export type Insights = Static<typeof InsightsSchema>;
/** `GET /api/v1/drills/{id}`: a drill, its progress and (ended, or so far) its scorecard. */
export type Drill = Static<typeof DrillSchema>;
export type DrillScorecard = NonNullable<Drill['scorecard']>;
/** `GET /api/v1/drills/scripts`: a script a drill can be started from. */
export type DrillScript = Static<typeof DrillScriptSchema>;
/** `GET /api/v1/follow-ups`: a follow-up action item from an incident. */
export type FollowUp = Static<typeof FollowUpSchema>;
/** `GET /api/v1/incidents/{id}/postmortem/document`: the postmortem's latest revision (or the generated draft, revision 0). */
export type PostmortemDocument = Static<typeof DocumentSchema>;
/** `GET /api/v1/incidents/{id}/postmortem/revisions`: one saved revision, who and when. */
export type PostmortemRevision = Static<typeof RevisionSchema>;
export type UpdateStatus = Incident['status'];
export type Audience = Update['audience'];

/** `GET /api/v1/session`: who is signed in and what they may do. */
export interface Session {
  person: { handle: string; name: string; role: string };
  csrfToken: string;
  permissions: Permissions;
}

export interface Permissions {
  declare: boolean;
  respond: boolean;
  admin: boolean;
}
