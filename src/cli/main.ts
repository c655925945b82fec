#!/usr/bin/env node
import { Command, type CommanderError } from 'commander';
import { acceptCommand, declineCommand, roleCommand, smeCommand } from './commands/roles.js';
import { postmortemsCommand } from './commands/postmortem-flow.js';
import { declareCommand, listCommand, postmortemCommand, resolveCommand, severityCommand, showCommand } from './commands/incidents.js';
import { editCommand, mergeCommand, reopenCommand } from './commands/evolve.js';
import { noteCommand, timelineCommand, updateCommand } from './commands/timeline.js';
import { peopleCommand, tokenCommand } from './commands/people.js';
import { auditCommand } from './commands/audit.js';
import { signInCommand } from './commands/sign-in.js';
import { ackCommand, alertSourcesCommand, alertsCommand } from './commands/alerts.js';
import { statusCommand } from './commands/status.js';
import { insightsCommand } from './commands/insights.js';
import { EXIT } from './commands/shared.js';
import { chatCommand } from './commands/chat.js';
import { databaseCommands } from './commands/database.js';
import { approveCommand, draftsCommand, rejectCommand } from './commands/drafts.js';
import { drillCommand } from './commands/drills.js';
import { followUpCommand, followUpsCommand } from './commands/follow-ups.js';
import { taskCommand } from './commands/tasks.js';
import { changeCommand, changesCommand, suspectCommand } from './commands/changes.js';

const program = new Command();
program
  .name('incident')
  .description('Run an incident by the playbook: declare, command, communicate, resolve, learn.')
  .showSuggestionAfterError()
  // Commander's own usage errors (unknown option, missing argument, no verb) exit 2 like ours; --help exits 0.
  .exitOverride((error: CommanderError) => process.exit(error.exitCode === 0 ? EXIT.ok : EXIT.usage))
  .addHelpText(
    'after',
    `
Connection:
  INCIDENT_URL     the server (default http://127.0.0.1:3000)
  INCIDENT_TOKEN   your API token; without it, <INCIDENT_DATA_DIR or ./data>/admin-token (written by the first "incident serve")

Every read and write takes --json for the raw answer. Every write sends an Idempotency-Key, so a retry is safe.
Exit codes: 0 done (warnings go to stderr), 1 refused by the server or server unreachable, 2 usage error.

Walk-through (the playbook):
  incident declare "Checkout errors" --severity SEV2 --summary "Checkout returning 500s for ~30% of users"
  incident role INC-1 comms priya && incident role INC-1 scribe sam
  incident sme INC-1 dana --specialty payments && incident sme INC-1 lee --specialty database
  incident update INC-1 --status investigating --impact "..." --what-we-know "..." --next-step "..."
  incident note INC-1 "Rolled back deploy 4821: errors continue" --kind ruled_out
  incident resolve INC-1 --impact "..." --what-we-know "..."
  incident postmortem INC-1 --owner alex --date 2026-06-09T15:00:00Z
  incident follow-up add INC-1 "Alert on checkout error rate" --owner priya --due 2026-06-20

From an alert (acknowledge and assess):
  incident alert-sources add prometheus --type alertmanager   # prints the key and the Alertmanager receiver
  incident alerts && incident ack 3
  incident alerts declare 3 --severity SEV2    # or: incident alerts dismiss 3 --reason "..."

Practise (a drill: kept off the status page, chat and webhooks, scored at the end):
  incident drill start checkout --speed 10 && incident drill show <drl_id>

Run "incident <verb> --help" for a verb's options and examples.
`,
  );

program
  .command('serve')
  .description('start the server (SQLite under ./data, or PostgreSQL with DATABASE_URL)')
  .option('-p, --port <port>', 'port to listen on (PORT, default 3000)')
  .option('--host <host>', 'address to listen on (HOST, default 127.0.0.1)')
  .action(async (options: { port?: string; host?: string }) => {
    // Loaded on demand so the client verbs start fast.
    const [{ startServer }, { ConfigError }] = await Promise.all([import('../http/server.js'), import('../config/load.js')]);
    try {
      await startServer({ port: options.port ? Number(options.port) : undefined, host: options.host });
    } catch (error) {
      if (error instanceof ConfigError) {
        console.error(error.message);
        process.exit(2);
      }
      throw error;
    }
  });

for (const register of [
  declareCommand,
  listCommand,
  showCommand,
  roleCommand,
  acceptCommand,
  declineCommand,
  smeCommand,
  noteCommand,
  timelineCommand,
  taskCommand,
  updateCommand,
  severityCommand,
  editCommand,
  resolveCommand,
  reopenCommand,
  mergeCommand,
  postmortemCommand,
  postmortemsCommand,
  alertsCommand,
  ackCommand,
  alertSourcesCommand,
  peopleCommand,
  tokenCommand,
  auditCommand,
  insightsCommand,
  signInCommand,
  statusCommand,
  chatCommand,
  databaseCommands,
  draftsCommand,
  approveCommand,
  rejectCommand,
  drillCommand,
  followUpsCommand,
  followUpCommand,
  changeCommand,
  changesCommand,
  suspectCommand,
])
  register(program);

// Set last, so no verb inherits it: the root hands everything after a verb to that verb, which lets a
// group with options of its own (`incident status INC-4 --json`) leave a sub-verb's options to it.
program.enablePositionalOptions();

await program.parseAsync(process.argv);
