/** The postmortem document's revisions (issue 16): append-only, one row per save. */
import type { Executor } from './schema.js';

export interface PostmortemRevision {
  revision: number;
  markdown: string;
  author: string;
  savedAt: string;
}

export class PostmortemStore {
  constructor(private readonly db: Executor) {}

  /** Written in the transaction that records the save's event; the primary key refuses a second revision n. */
  async add(incident: number, revision: PostmortemRevision): Promise<void> {
    await this.db
      .insertInto('postmortem_revisions')
      .values({ incident, revision: revision.revision, markdown: revision.markdown, author: revision.author, saved_at: revision.savedAt })
      .execute();
  }

  async get(incident: number, revision: number): Promise<PostmortemRevision | null> {
    const row = await this.db.selectFrom('postmortem_revisions').selectAll().where('incident', '=', incident).where('revision', '=', revision).executeTakeFirst();
    return row ? { revision: Number(row.revision), markdown: row.markdown, author: row.author, savedAt: row.saved_at } : null;
  }

  /** Every revision, newest first, without their text (the history list). */
  async history(incident: number): Promise<Omit<PostmortemRevision, 'markdown'>[]> {
    const rows = await this.db
      .selectFrom('postmortem_revisions')
      .select(['revision', 'author', 'saved_at'])
      .where('incident', '=', incident)
      .orderBy('revision', 'desc')
      .execute();
    return rows.map((r) => ({ revision: Number(r.revision), author: r.author, savedAt: r.saved_at }));
  }
}
