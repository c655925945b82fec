/** What every verb shares: the client, --json, warnings on stderr, and errors with the right exit code. */
import type { Command } from 'commander';
import { ApiError, Client, ConnectionError, UsageError, type Incident, type Warning } from '../client.js';
import { warningBlock } from '../format.js';

export const EXIT = { ok: 0, refused: 1, usage: 2 } as const;

export interface JsonOption {
  json?: boolean;
}

export function client(): Client {
  return Client.fromEnv();
}

export function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function printJson(value: unknown): void {
  print(JSON.stringify(value, null, 2));
}

/** Warnings go to stderr, prominently, and never change the exit code. */
export function warn(warnings: Warning[] = [], roleGaps: Warning[] = []): void {
  const block = warningBlock(warnings, roleGaps);
  if (block) process.stderr.write(`\n${block}`);
}

/** After a write: the raw answer with --json, else `human`; then the answer's warnings and role gaps on stderr. */
export function answer(incident: Incident, options: JsonOption, human: () => string): void {
  print(options.json ? JSON.stringify(incident, null, 2) : human());
  warn(incident.warnings, incident.roleGaps);
}

export function withJson(command: Command, what = 'print the raw JSON answer'): Command {
  return command.option('--json', what);
}

export function examples(command: Command, lines: string[]): Command {
  return command.addHelpText('after', `\nExamples:\n${lines.map((l) => (l ? `  ${l}` : '')).join('\n')}\n`);
}

export function reportError(error: unknown): number {
  if (error instanceof ApiError) {
    const field = error.field ? ` (field: ${error.field})` : '';
    process.stderr.write(`error: ${error.message}${field}\n`);
    return EXIT.refused;
  }
  if (error instanceof UsageError) {
    process.stderr.write(`error: ${error.message}\n`);
    return EXIT.usage;
  }
  if (error instanceof ConnectionError) {
    process.stderr.write(`error: ${error.message}\n`);
    return EXIT.refused;
  }
  process.stderr.write(`error: ${(error as Error).stack ?? String(error)}\n`);
  return EXIT.refused;
}

/** Wraps a verb's action: a refusal prints `error: …` and sets the exit code instead of a stack trace. */
export function run<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (error) {
      process.exitCode = reportError(error);
    }
  };
}
