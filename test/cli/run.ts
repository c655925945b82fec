/** Runs the built `incident` binary (dist/cli/main.js) as a user would, and keeps a transcript. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CLI } from '../support/harness.js';

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" before the CLI tests.`);

/** A hermetic environment: nothing INCIDENT_* leaks in from the caller's shell. */
export function cliEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('INCIDENT_')) base[key] = value;
  for (const [key, value] of Object.entries(env)) if (value !== undefined) base[key] = value;
  return base;
}

export function incident(args: string[], env: Record<string, string | undefined>): Promise<Ran> {
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { env: cliEnv(env), timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

/** How a shell would show an argument. */
export function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `"${arg.replace(/(["\\$`])/g, '\\$1')}"`;
}

/** Commands and their output, as they would appear in a terminal. */
export class Transcript {
  private readonly parts: string[] = [];

  record(args: string[], ran: Ran, options: { prefix?: string; display?: string; hideOutput?: boolean } = {}): void {
    this.parts.push(`$ ${options.display ?? `${options.prefix ?? ''}incident ${args.map(quote).join(' ')}`}`);
    if (!options.hideOutput) {
      if (ran.stdout) this.parts.push(ran.stdout.replace(/\n$/, ''));
      if (ran.stderr) this.parts.push(ran.stderr.replace(/^\n+/, '').replace(/\n$/, ''));
    }
  }

  text(): string {
    return this.parts.join('\n') + '\n';
  }
}
