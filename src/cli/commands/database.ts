/**
 * backup, restore, migrate: the database itself, not the API. They read INCIDENT_DATA_DIR
 * and DATABASE_URL as `incident serve` does, on the machine the server runs on.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../client.js';
import { EXIT, examples, print, printError, printJson, run, withJson, type JsonOption } from './shared.js';

function location() {
  return { databaseUrl: process.env.DATABASE_URL || undefined, dataDir: resolve(process.env.INCIDENT_DATA_DIR || 'data') };
}

function table(summary: Record<string, number>): string {
  const names = Object.keys(summary).filter((name) => summary[name]! > 0);
  const width = Math.max(0, ...names.map((n) => n.length));
  return names.map((name) => `  ${name.padEnd(width)}  ${summary[name]}`).join('\n');
}

/** A refusal (not empty, wrong version, damaged file) is a message and exit 1, not a stack trace. */
async function refusable(work: () => Promise<void>): Promise<void> {
  const { CopyRefused } = await import('../../store/backup/operations.js');
  const { ArchiveError } = await import('../../store/backup/archive.js');
  try {
    await work();
  } catch (error) {
    if (!(error instanceof CopyRefused || error instanceof ArchiveError)) throw error;
    printError(`error: ${error.message}\n`);
    process.exitCode = EXIT.refused;
  }
}

export function databaseCommands(program: Command): void {
  const backup = withJson(
    program.command('backup').argument('<file>', 'where to write the backup').description('back up the database while the server runs (SQLite: its online backup; PostgreSQL: one consistent snapshot, gzip JSON Lines)'),
  );
  examples(backup, ['incident backup /backups/incidents-$(date -u +%Y%m%dT%H%MZ).db', 'DATABASE_URL=postgres://… incident backup /backups/incidents.jsonl.gz']);
  backup.action(
    run((file: string, options: JsonOption) =>
      refusable(async () => {
        const { backup: take } = await import('../../store/backup/operations.js');
        const made = await take(location(), resolve(file), new Date().toISOString());
        if (options.json) printJson({ file: resolve(file), ...made });
        else print(`Backed up to ${resolve(file)} (${made.format === 'sqlite' ? 'SQLite database, integrity checked' : 'archive'}):\n${table(made.tables)}`);
      }),
    ),
  );

  const restore = withJson(
    program
      .command('restore')
      .argument('<file>', 'a file written by incident backup')
      .description('restore a backup into the configured database (stop the server first); refuses a database holding data unless --replace')
      .option('--replace', 'overwrite a database that already holds incidents or people'),
  );
  examples(restore, ['INCIDENT_DATA_DIR=/srv/incidents incident restore /backups/incidents.db']);
  restore.action(
    run((file: string, options: JsonOption & { replace?: boolean }) =>
      refusable(async () => {
        const { restore: bringBack } = await import('../../store/backup/operations.js');
        const done = await bringBack(location(), resolve(file), options.replace === true);
        if (options.json) printJson(done);
        else print(`Restored ${resolve(file)} into ${done.into === 'postgres' ? 'PostgreSQL' : 'SQLite'}:\n${table(done.tables)}`);
      }),
    ),
  );

  const migrate = withJson(
    program
      .command('migrate')
      .description('move this SQLite installation (INCIDENT_DATA_DIR) to PostgreSQL, everything intact (stop the server first)')
      .requiredOption('--to <url>', 'the PostgreSQL database, postgres://user@host:5432/db')
      .option('--replace', 'overwrite a database that already holds incidents or people'),
  );
  examples(migrate, ['incident migrate --to postgres://incidents@db.internal:5432/incidents', 'then start the server with DATABASE_URL set to the same URL']);
  migrate.action(
    run((options: JsonOption & { to: string; replace?: boolean }) =>
      refusable(async () => {
        if (process.env.DATABASE_URL) throw new UsageError('DATABASE_URL is set: migrate moves the SQLite database in INCIDENT_DATA_DIR; unset it');
        const { migrateToPostgres } = await import('../../store/backup/operations.js');
        const moved = await migrateToPostgres(location().dataDir, options.to, options.replace === true);
        if (options.json) printJson({ tables: moved });
        else print(`Moved to PostgreSQL:\n${table(moved)}\nStart the server with DATABASE_URL set to that database.`);
      }),
    ),
  );
}
