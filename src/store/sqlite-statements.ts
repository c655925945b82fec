/**
 * The SQLite database as Kysely's dialect sees it, with its prepared statements kept: Kysely
 * prepares every query it runs afresh, and under an alert storm preparing the same few
 * statements again took about a tenth of intake's time (`npm run bench -- alert-storm`).
 * Safe to share because Kysely's SQLite driver runs one statement at a time to completion
 * (`all`/`run`), and nothing here streams (`iterate`) — which would keep a statement busy.
 */
import type Database from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Distinct statements kept; multi-row inserts make a new text for each row count, so the oldest go. */
const KEPT = 500;

export function keepingStatements(database: Database.Database): SqliteDatabase {
  const kept = new Map<string, SqliteStatement>();
  return {
    close: () => {
      kept.clear();
      database.close();
    },
    prepare: (sql) => {
      let statement = kept.get(sql);
      if (statement) {
        // Used again: to the end, away from the next eviction.
        kept.delete(sql);
      } else {
        statement = database.prepare(sql) as unknown as SqliteStatement;
        if (kept.size >= KEPT) kept.delete(kept.keys().next().value!);
      }
      kept.set(sql, statement);
      return statement;
    },
  };
}
