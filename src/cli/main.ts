#!/usr/bin/env node
import { Command } from 'commander';
import { startServer } from '../server.js';
import { ConfigError } from '../config/load.js';

const program = new Command();
program.name('incident').description('Run an incident by the playbook: declare, command, communicate, resolve, learn.');

program
  .command('serve')
  .description('start the server (SQLite under ./data, or PostgreSQL with DATABASE_URL)')
  .option('-p, --port <port>', 'port to listen on (PORT, default 3000)')
  .option('--host <host>', 'address to listen on (HOST, default 127.0.0.1)')
  .action(async (options: { port?: string; host?: string }) => {
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

await program.parseAsync(process.argv);
