/** audit: who did what to access and settings (admins). */
import type { Command } from 'commander';
import { table } from '../format.js';
import { client, examples, print, printJson, run, withJson, type JsonOption } from './shared.js';

interface AuditEntry {
  id: number;
  at: string;
  actor: string | null;
  action: string;
  target: string | null;
  address: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

interface AuditOptions extends JsonOption {
  actor?: string;
  action?: string;
  since?: string;
  until?: string;
  limit?: string;
  jsonl?: boolean;
}

function change(entry: AuditEntry): string {
  const keys = [...new Set([...Object.keys(entry.before ?? {}), ...Object.keys(entry.after ?? {})])];
  return keys.map((k) => `${k}: ${JSON.stringify(entry.before?.[k] ?? null)} → ${JSON.stringify(entry.after?.[k] ?? null)}`).join('; ');
}

export function auditCommand(program: Command): void {
  const cmd = program
    .command('audit')
    .description('the audit log, newest first (admin): admin actions, sign-ins, sign-outs, refused sign-ins')
    .option('--actor <handle>', 'only what this person did')
    .option('--action <action>', 'person, token, webhook, session… or one action such as person.deactivated')
    .option('--since <time>', 'from this UTC time (ISO-8601)')
    .option('--until <time>', 'before this UTC time')
    .option('--limit <n>', 'at most this many (1–500)', '50')
    .option('--jsonl', 'the whole selection as JSON Lines, for export');
  withJson(cmd);
  examples(cmd, ['incident audit', 'incident audit --actor admin --action person', 'incident audit --since 2026-06-01T00:00:00Z --jsonl > audit.jsonl']);
  cmd.action(
    run(async (o: AuditOptions) => {
      const query = { actor: o.actor, action: o.action, since: o.since, until: o.until };
      if (o.jsonl) {
        process.stdout.write(await client().getText(`/audit/export?${new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined))}`));
        return;
      }
      const page = await client().get<{ entries: AuditEntry[] }>('/audit', { ...query, limit: o.limit });
      if (o.json) printJson(page.entries);
      else
        print(
          page.entries.length
            ? table(['AT', 'ACTOR', 'ACTION', 'TARGET', 'FROM', 'CHANGE'], page.entries.map((e) => [e.at, e.actor ? `@${e.actor}` : '-', e.action, e.target ?? '', e.address ?? '', change(e)]))
            : 'Nothing recorded.',
        );
    }),
  );
}
