/** Someone who may take part in incidents here, and what the organization lets them do (src/domain/people/policy.ts). */
export type OrgRole = 'admin' | 'responder' | 'viewer';

export interface Person {
  handle: string;
  name: string;
  email: string | null;
  role: OrgRole;
  chat: Record<string, string>;
  createdAt: string;
}
