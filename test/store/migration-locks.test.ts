/**
 * The rule of docs/architecture.md, "Migrations and locks": no migration takes a lock that blocks
 * writes on an existing table that can grow, unless it says why that is acceptable. Every
 * migration's SQL is read as it would run on PostgreSQL (compiled, not executed).
 */
import { describe, expect, it } from 'vitest';
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import { migrations } from '../../src/store/migrations/index.js';

/** Tables that stay small whatever happens (configuration, one row per person or per setting): a short lock on them is harmless. */
const SMALL_TABLES: Record<string, string> = {
  counters: 'one row per counter',
  settings: 'one row per setting',
  people: 'one row per person',
  tokens: 'a few per person',
  notification_preferences: 'one row per person',
  chat_users: 'one row per person linked to chat',
  alert_sources: 'configured by admins',
  webhooks: 'configured by admins',
  status_components: 'configured by admins',
};

async function statementsOf(up: (db: Kysely<unknown>) => Promise<void>): Promise<string[]> {
  const statements: string[] = [];
  const db = new Kysely<unknown>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (k) => new PostgresIntrospector(k),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
    log: (event) => {
      statements.push(event.query.sql);
    },
  });
  await up(db);
  return statements;
}

const CONSTANT = /^(?:'(?:[^']|'')*'|-?\d+(?:\.\d+)?|true|false|null)$/;

/** Why `statement` blocks writes on `table` (when that table is an existing, growing one), or null. */
export function heavyLock(statement: string): { table: string; why: string } | null {
  const s = statement.replace(/"/g, '').replace(/\s+/g, ' ').trim().toLowerCase();
  let m = /^create (?:unique )?index (?!concurrently)(?:if not exists )?\S+ on (?:only )?(\S+)/.exec(s);
  if (m) return { table: m[1]!, why: 'CREATE INDEX without CONCURRENTLY blocks writes for the whole build' };
  m = /^(?:update|delete from) (?:only )?(\S+)/.exec(s);
  if (m) return { table: m[1]!, why: 'rewrites rows of the table in the migrations’ transaction, holding their locks to the end' };
  m = /^(?:lock table|cluster|vacuum full|reindex table(?! concurrently)) (\S+)/.exec(s);
  if (m) return { table: m[1]!, why: 'holds ACCESS EXCLUSIVE for a whole pass over the table' };
  m = /^alter table (?:if exists )?(?:only )?(\S+) (.*)$/.exec(s);
  if (!m) return null;
  const [, table, rest] = m as unknown as [string, string, string];
  const clause = (why: string) => ({ table, why });
  const defaulted = /\badd column .* default (.+?)(?: not null| null)?$/.exec(rest);
  if (defaulted && !CONSTANT.test(defaulted[1]!.trim())) return clause('ADD COLUMN with a volatile DEFAULT rewrites the table under ACCESS EXCLUSIVE');
  if (/\badd column .*\breferences\b/.test(rest)) return clause('a new foreign key checks every row under a lock that blocks writes');
  if (/\badd column .*\b(?:unique|primary key)\b/.test(rest)) return clause('a new unique column builds its index under ACCESS EXCLUSIVE');
  if (/\balter column .* set not null\b/.test(rest)) return clause('SET NOT NULL scans the table under ACCESS EXCLUSIVE');
  if (/\balter column .* (?:set data )?type\b/.test(rest)) return clause('changing a column type rewrites the table under ACCESS EXCLUSIVE');
  if (/\badd (?:constraint \S+ )?(?:foreign key|check)\b/.test(rest) && !/\bnot valid\b/.test(rest))
    return clause('a constraint without NOT VALID checks every row under a lock that blocks writes');
  if (/\badd (?:constraint \S+ )?(?:unique|primary key)\b/.test(rest) && !/\busing index\b/.test(rest))
    return clause('a unique or primary key constraint builds its index under a lock that blocks writes');
  if (/\bset (?:logged|unlogged)\b/.test(rest)) return clause('SET LOGGED/UNLOGGED rewrites the table under ACCESS EXCLUSIVE');
  return null;
}

describe('the lock rule itself', () => {
  it('flags what blocks writes and lets through what does not', () => {
    const flagged = [
      'create index "a_b" on "alerts" ("b")',
      'create unique index if not exists a_b on alerts (b)',
      'alter table "alerts" add column "token" text default gen_random_uuid() not null',
      'alter table alerts alter column x set not null',
      'alter table alerts alter column x type bigint',
      'alter table alerts add constraint alerts_group foreign key (group_id) references alert_groups (id)',
      'alter table "alerts" add column "g" bigint references "alert_groups" ("id")',
      'alter table alerts add constraint alerts_pos check (n > 0)',
      'alter table alerts add constraint alerts_u unique (a, b)',
      'update "alerts" set "x" = 1',
    ];
    const passed = [
      'create index concurrently if not exists "a_b" on "alerts" ("b")',
      'alter table "alerts" add column "x" text',
      "alter table \"webhooks\" add column \"audience\" text default 'internal' not null",
      'alter table "people" add column "version" integer default 1 not null',
      'alter table alerts add constraint alerts_group foreign key (group_id) references alert_groups (id) not valid',
      'alter table alerts validate constraint alerts_group',
      'alter table alerts alter column token_id drop not null',
      'alter table alerts set (fillfactor = 50)',
      'alter table alerts add constraint alerts_u unique using index alerts_u_idx',
      "insert into counters (name, value) values ('incident', 0)",
    ];
    for (const statement of flagged) expect(heavyLock(statement), statement).not.toBeNull();
    for (const statement of passed) expect(heavyLock(statement), statement).toBeNull();
  });
});

describe('migrations as run on PostgreSQL', () => {
  it('block no writes on an existing table that can grow, unless accepted with a reason', async () => {
    const all = migrations('postgres');
    const problems: string[] = [];
    for (const name of Object.keys(all).sort()) {
      const migration = all[name]!;
      const statements = await statementsOf((db) => migration.up(db));
      const createdHere = new Set(statements.flatMap((s) => /^create table (?:if not exists )?"?([a-z_]+)"?/i.exec(s)?.[1] ?? []));
      const accepted = migration.heavyLocksAccepted ?? [];
      for (const { reason } of accepted) expect(reason.length, `${name}: a reason that says why`).toBeGreaterThan(20);
      for (const statement of statements) {
        if (/\bconcurrently\b/i.test(statement) && !migration.outsideTransaction)
          problems.push(`${name}: CONCURRENTLY cannot run inside the migrations' transaction; mark the migration outsideTransaction: ${statement}`);
        const heavy = heavyLock(statement);
        if (!heavy || createdHere.has(heavy.table) || heavy.table in SMALL_TABLES) continue;
        if (accepted.some((a) => statement.startsWith(a.statement))) continue;
        problems.push(`${name}: ${heavy.why} (${heavy.table}): ${statement}`);
      }
      for (const { statement } of accepted)
        if (!statements.some((s) => s.startsWith(statement))) problems.push(`${name}: accepts a statement it does not run: ${statement}`);
    }
    expect(problems).toEqual([]);
  });

  it('read every migration, including the ones that build indexes online', async () => {
    const all = migrations('postgres');
    const online = await statementsOf((db) => all['0050_retention']!.up(db));
    expect(online.filter((s) => s.startsWith('create index concurrently'))).toHaveLength(6);
    expect(Object.keys(all).length).toBeGreaterThanOrEqual(19);
  });
});
