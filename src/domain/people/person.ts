/** Someone who may take part in incidents here, and what the organization lets them do (src/domain/people/policy.ts). */
export type OrgRole = 'admin' | 'responder' | 'viewer';

export interface Person {
  handle: string;
  name: string;
  email: string | null;
  role: OrgRole;
  chat: Record<string, string>;
  createdAt: string;
  /** When an admin deactivated them (they left): they cannot sign in or be named, and keep their name in history. */
  deactivatedAt: string | null;
  /** Bumped by every edit, for If-Match. */
  version: number;
}

export function isActive(person: Pick<Person, 'deactivatedAt'>): boolean {
  return person.deactivatedAt === null;
}
