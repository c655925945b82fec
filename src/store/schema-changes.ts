/** The changes table (migration 0100), apart from schema.ts to keep that file within its size. */
export interface ChangeTable {
  id: string;
  summary: string;
  at: string;
  kind: string;
  origin: string | null;
  /** JSON arrays and object, as text on both stores. */
  components: string;
  links: string;
  custom_details: string | null;
  /** Who sent it, for deduplication: `source:<id>` or `person:<handle>`. */
  sender: string;
  source_id: string | null;
  recorded_by: string | null;
  received_at: string;
  dedup_key: string;
  fingerprint: string;
}
