import type { Generated } from 'kysely';

/** The tables. Times are UTC ISO-8601 text on both databases, so they sort and compare alike. */
export interface Database {
  people: {
    handle: string;
    name: string;
    email: string | null;
    role: 'admin' | 'responder' | 'viewer';
    chat: string;
    created_at: string;
  };
  tokens: {
    id: string;
    person: string;
    name: string;
    hash: string;
    created_at: string;
  };
  incidents: {
    number: number;
    version: number;
    title: string;
    severity: string;
    phase: 'active' | 'resolved' | 'closed';
    private: number;
    declared_at: string;
    next_update_by: string | null;
    participants: string;
    state: string;
    updated_at: string;
  };
  incident_events: {
    id: Generated<number>;
    incident: number;
    seq: number;
    type: string;
    actor: string;
    recorded_at: string;
    data: string;
  };
  idempotency_keys: {
    person: string;
    key: string;
    fingerprint: string;
    status: number;
    body: string;
    created_at: string;
  };
  counters: {
    name: string;
    value: number;
  };
}
