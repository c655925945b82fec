/** The follow_ups table (migration 0070), apart from schema.ts to keep that file within its size. */
export interface FollowUpTable {
  id: string;
  incident: number;
  title: string;
  owner: string;
  due: string;
  priority: string;
  state: string;
  reason: string | null;
  source_entry: number | null;
  version: number;
  created_by: string;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  closed_by: string | null;
  due_reminded_for: string | null;
  overdue_reminded_for: string | null;
  remind_at: string | null;
}

/** The follow_up_links table (migration 0071): a follow-up's issue in GitHub or Jira. */
export interface FollowUpLinkTable {
  follow_up: string;
  tracker: string;
  state: string;
  key: string | null;
  url: string | null;
  claimed_at: string;
  exported_at: string | null;
  exported_by: string;
  remote_state: string | null;
  synced_at: string | null;
  sync_at: string | null;
  failures: number;
  last_error: string | null;
}
