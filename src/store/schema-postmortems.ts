/** The postmortem document's revisions (migration 0110), apart from schema.ts to keep that file within its size. */
export interface PostmortemRevisionTable {
  incident: number;
  revision: number;
  markdown: string;
  author: string;
  saved_at: string;
}
