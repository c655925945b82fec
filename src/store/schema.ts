import type { FollowUpLinkTable, FollowUpTable } from './schema-follow-ups.js';
import type { PageAckTable, PageDeliveryTable } from './schema-pages.js';
import type { ChangeTable } from './schema-changes.js';
import type { ChatTables } from './schema-chat.js';
import type { PostmortemRevisionTable } from './schema-postmortems.js';
import type { Generated, Kysely, Transaction } from 'kysely';

/** The tables. Times are UTC ISO-8601 text on both databases, so they sort and compare alike. */
export interface Database {
  people: {
    handle: string;
    name: string;
    email: string | null;
    role: 'admin' | 'responder' | 'viewer';
    chat: string;
    created_at: string;
    deactivated_at: string | null;
    version: Generated<number>;
  };
  audit_log: {
    id: Generated<number>;
    at: string;
    actor: string | null;
    action: string;
    target: string | null;
    address: string | null;
    user_agent: string | null;
    before: string | null;
    after: string | null;
  };
  tokens: {
    id: string;
    person: string;
    name: string;
    hash: string;
    created_at: string;
    expires_at: string | null;
    last_used_at: string | null;
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
    published_at: string | null;
    participants: string;
    state: string;
    updated_at: string;
    /** The drill this incident belongs to, or null (migration 0090). */
    drill: string | null;
    /** 1 for a drill that did not ask to notify: kept off the status page. */
    drill_quiet: number;
    postmortem_stage: string | null;
  };
  drills: {
    id: string;
    script_name: string;
    /** The parsed script (JSON), as it was when the drill started. */
    script: string;
    speed: number;
    notify: number;
    state: 'running' | 'ended';
    started_by: string;
    started_at: string;
    alert_source: string;
    next_step: number;
    next_due_at: string | null;
    claimed_until: string | null;
    first_alert_at: string | null;
    incident: number | null;
    ended_at: string | null;
    ended_how: 'resolved' | 'stopped' | null;
    scorecard: string | null;
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
  alert_sources: {
    id: string;
    name: string;
    type: 'alertmanager' | 'events' | 'changes';
    key_hash: string;
    created_by: string;
    created_at: string;
    /** The key a rotation replaced, accepted until previous_key_until. */
    previous_key_hash: string | null;
    previous_key_until: string | null;
  };
  alert_inbox: {
    id: Generated<number>;
    source: string;
    /** The body as received, gzipped. */
    body: Buffer;
    received_at: string;
    /** Alerts of the body already applied, for a large body processed in steps. */
    progress: Generated<number>;
    /** The body's digest (src/alerts/digest.ts; Alertmanager deliveries): the same snapshot again has the same digest. */
    digest: string | null;
    attempts: Generated<number>;
    last_error: string | null;
  };
  alert_groups: {
    id: Generated<number>;
    source: string;
    group_key: string;
    state: 'open' | 'acknowledged' | 'resolved' | 'dismissed';
    title: string;
    severity: string | null;
    suggested_components: string;
    common_labels: string;
    differing_labels: string;
    alerts: number;
    firing: number;
    resolved: number;
    received: number;
    truncated_alerts: number;
    first_seen_at: string;
    last_seen_at: string;
    opened_at: string;
    acknowledged_by: string | null;
    acknowledged_at: string | null;
    seconds_to_acknowledge: number | null;
    incident: number | null;
    dismissed_reason: string | null;
    dismissed_by: string | null;
    dismissed_at: string | null;
    /** The newest delivery applied to the group: its inbox id, its digest, how many alerts it held, and its truncatedAlerts. */
    snapshot_delivery: number | null;
    snapshot_digest: string | null;
    snapshot_alerts: number | null;
    snapshot_truncated: number | null;
    /**
     * That snapshot received again since, not yet written to its alerts (see AlertSnapshotStore.settleRepeats):
     * how many times, the last repeat's inbox id, and when it was received.
     */
    snapshot_repeats: number;
    snapshot_repeated_in: number | null;
    snapshot_repeated_at: string | null;
    /** One more for every transaction that wrote the group's alerts (AlertStore): tells a copy of them held in memory is current. */
    alerts_revision: number;
  };
  alerts: {
    id: Generated<number>;
    group_id: number;
    source: string;
    fingerprint: string;
    status: 'firing' | 'resolved';
    severity: string | null;
    summary: string | null;
    labels: string;
    annotations: string;
    starts_at: string;
    ends_at: string | null;
    generator_url: string | null;
    first_seen_at: string;
    last_seen_at: string;
    received: number;
    seen_in: number;
    changed_in: number;
  };
  reminders: {
    key: string;
    incident: number;
    kind: 'update_due_soon' | 'update_overdue' | 'overdue_escalation' | 'role_gap' | 'postmortem_owed';
    due_at: string;
    created_at: string;
    fired_at: string | null;
    outcome: 'fired' | 'skipped' | null;
    claimed_by: string | null;
    claimed_until: string | null;
    attempts: Generated<number>;
    last_error: string | null;
  };
  /** Events that notifications must see, written in the event's own transaction (src/notifications). */
  notification_outbox: {
    event_id: number;
    incident: number;
    created_at: string;
  };
  webhooks: {
    id: string;
    url: string;
    events: string;
    secret: string;
    include_private: number;
    created_by: string;
    created_at: string;
    /** `public`: a status-page subscriber, sent public updates only (src/status-page/subscribers). */
    audience: Generated<'internal' | 'public'>;
    /** 1, or 0 while an admin has it switched off: nothing is queued for it or sent to it. */
    enabled: Generated<number>;
    components: string | null;
    /** The secret a rotation replaced, signing beside the new one until previous_secret_until. */
    previous_secret: string | null;
    previous_secret_until: string | null;
  };
  webhook_deliveries: {
    id: Generated<number>;
    webhook_id: string;
    event_id: number;
    type: string;
    body: string;
    status: 'pending' | 'delivered' | 'failed';
    attempts: number;
    remaining: number;
    next_attempt_at: string | null;
    claimed_until: string | null;
    created_at: string;
  };
  /** Pages out and acknowledgements (src/store/pages.ts, schema-pages.ts). */
  page_deliveries: PageDeliveryTable;
  page_acks: PageAckTable;
  incident_subscribers: {
    incident: number;
    handle: string;
    created_at: string;
  };
  notification_preferences: {
    handle: string;
    channels: string;
    events: string;
    updated_at: string;
  };
  email_deliveries: {
    id: Generated<number>;
    event_id: number;
    recipient: string;
    address: string;
    type: string;
    subject: string;
    text: string;
    html: string;
    status: 'pending' | 'delivered' | 'failed';
    attempts: number;
    remaining: number;
    next_attempt_at: string | null;
    claimed_until: string | null;
    last_error: string | null;
    created_at: string;
    /** Extra message headers as JSON (List-Unsubscribe…), or null. */
    headers: string | null;
    /** Files sent with it as JSON ({filename, contentType, content}[]: the review's .ics), or null. */
    attachments: string | null;
  };
  /** Console sessions (src/sessions): `id_hash` is the SHA-256 of the cookie's value. */
  sessions: {
    id_hash: string;
    person: string;
    /** null: opened through the OpenID provider. */
    token_id: string | null;
    csrf_secret: string;
    created_at: string;
    last_seen_at: string;
    expires_at: string;
    /** The provider's ID token, for ending its session at sign-out; null for token sign-ins. */
    id_token: string | null;
  };
  /** OpenID sign-ins under way (src/commands/single-sign-on.ts): `id_hash` is the SHA-256 of the ic_oidc cookie's value. */
  oidc_sign_ins: {
    id_hash: string;
    state: string;
    nonce: string;
    code_verifier: string;
    created_at: string;
    expires_at: string;
  };
  /** Settings an admin changes at run time. */
  settings: {
    key: string;
    value: string;
    updated_at: string;
    updated_by: string | null;
  };
  email_attempts: {
    id: Generated<number>;
    delivery_id: number;
    attempt: number;
    at: string;
    /** null: the SMTP server took the message. */
    error: string | null;
    duration_ms: number;
  };
  webhook_attempts: {
    id: Generated<number>;
    delivery_id: number;
    attempt: number;
    at: string;
    status_code: number | null;
    error: string | null;
    duration_ms: number;
  };
  /** Follow-up action items (src/domain/follow-ups; migration 0070). */
  follow_ups: FollowUpTable;
  /** What changed: change events (src/domain/changes; migration 0100). */
  changes: ChangeTable;
  /** Follow-ups' issues in GitHub or Jira (src/domain/follow-ups/export.ts; migration 0071). */
  follow_up_links: FollowUpLinkTable;
  postmortem_revisions: PostmortemRevisionTable;
  maintenances: {
    id: string;
    title: string;
    message: string;
    components: string;
    starts_at: string;
    ends_at: string;
    /** A JSON array of lead times (migration 0130). */
    remind_before: string;
    cancelled_at: string | null;
    version: number;
    created_by: string;
    created_at: string;
    updated_at: string;
  };
  /** What subscribers are told of a window (src/domain/maintenance/notices.ts; migration 0120). */
  maintenance_notices: {
    id: Generated<number>;
    maintenance_id: string;
    kind: string;
    /** A reminder's lead time (migration 0130); null for the other kinds. */
    remind_before: string | null;
    key: string;
    version: number;
    components: string;
    maintenance: string;
    created_at: string;
    fanned_out_at: string | null;
  };
  status_components: {
    id: string;
    name: string;
    group_name: string | null;
    description: string | null;
    sort_order: number;
    version: number;
    created_at: string;
    updated_at: string;
  };
  status_page_records: {
    key: string;
    fingerprint: string;
    created_at: string;
    updated_at: string;
  };
  status_subscribers: {
    id: string;
    address: string;
    state: 'pending' | 'confirmed' | 'unsubscribed';
    confirm_token_hash: string | null;
    unsubscribe_token: string;
    confirmations_sent: number;
    confirm_sent_at: string | null;
    confirmed_at: string | null;
    unsubscribed_at: string | null;
    created_at: string;
    updated_at: string;
    components: string | null;
  };
  chat_outbox: ChatTables['chat_outbox'];
  chat_deliveries: ChatTables['chat_deliveries'];
  chat_rooms: ChatTables['chat_rooms'];
  chat_inbox: ChatTables['chat_inbox'];
  chat_cursors: ChatTables['chat_cursors'];
  chat_users: ChatTables['chat_users'];
}

/** Where a store runs its queries: straight on the database, or inside a transaction. */
export type Executor = Kysely<Database> | Transaction<Database>;
