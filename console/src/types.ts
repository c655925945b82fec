/** The API's answers, typed from the server's own schemas (types only: nothing of the server is bundled). */
import type { Static } from 'typebox';
import type { EntrySchema, IncidentSchema, PersonSchema, SeveritySchema, UpdateSchema } from '../../src/http/schemas.js';

export type Incident = Static<typeof IncidentSchema>;
export type Update = Static<typeof UpdateSchema>;
export type Entry = Static<typeof EntrySchema>;
export type Severity = Static<typeof SeveritySchema>;
export type Person = Static<typeof PersonSchema>;
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
