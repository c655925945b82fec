/** What every verb shares: the client, --json, warnings on stderr, and errors with the right exit code. */
import type { Command } from 'commander';
import { ApiError, Client, ConnectionError, UsageError, type Incident, type Warning } from '../client.js';
import { warningBlock } from '../format.js';
import { terminalJson, terminalSafe } from '../terminal.js';

export const EXIT = { ok: 0, refused: 1, usage: 2 } as const;

export interface JsonOption {
  json?: boolean;
}

export function client(): Client {
  return Client.fromEnv();
}

/** Human output: escape sequences taken out (src/cli/terminal.ts). */
export function print(text: string): void {
  const safe = terminalSafe(text);
  process.stdout.write(safe.endsWith('\n') ? safe : `${safe}\n`);
}

/** Output as written, with no newline added (a document such as a postmortem draft). */
export function printRaw(text: string): void {
  process.stdout.write(terminalSafe(text));
}

/** To stderr: warnings, errors and notes, escape sequences taken out. */
export function printError(text: string): void {
  process.stderr.write(terminalSafe(text));
}

export function printJson(value: unknown): void {
  process.stdout.write(`${terminalJson(value)}\n`);
}

/** Warnings go to stderr, prominently, and never change the exit code. */
export function warn(warnings: Warning[] = [], roleGaps: Warning[] = []): void {
  const block = warningBlock(warnings, roleGaps);
  if (block) printError(`\n${block}`);
}

/** After a write: the raw answer with --json, else `human`; then the answer's warnings and role gaps on stderr. */
export function answer(incident: Incident, options: JsonOption, human: () => string): void {
  if (options.json) printJson(incident);
  else print(human());
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
    printError(`error: ${error.message}${field}\n`);
    return EXIT.refused;
  }
  if (error instanceof UsageError) {
    printError(`error: ${error.message}\n`);
    return EXIT.usage;
  }
  if (error instanceof ConnectionError) {
    printError(`error: ${error.message}\n`);
    return EXIT.refused;
  }
  printError(`error: ${(error as Error).stack ?? String(error)}\n`);
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
