/**
 * `incident status export DIR`: the public status page as static files, for any web
 * server or object store to serve when this server cannot (issue 5, item 8). It reads
 * the database directly (DATABASE_URL, or the SQLite file under INCIDENT_DATA_DIR), so it
 * works with the server stopped.
 */
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { EXIT, examples, print } from './shared.js';

export function statusCommand(program: Command): void {
  const status = program.command('status').description('the public status page');
  examples(
    status
      .command('export')
      .argument('<dir>', 'where to write: DIR/status/index.html, DIR/status/incidents/INC-n/index.html, DIR/status/feed.atom, DIR/api/v2/*.json')
      .description('write the whole status page (HTML, feed, Statuspage JSON) as static files, straight from the database')
      .action(async (dir: string) => {
        const [{ loadConfig, ConfigError }, { Store }, { exportStatusPage }] = await Promise.all([
          import('../../config/load.js'),
          import('../../store/store.js'),
          import('../../status-page/publisher.js'),
        ]);
        let config;
        try {
          config = loadConfig(process.env);
        } catch (error) {
          if (error instanceof ConfigError) {
            console.error(error.message);
            process.exit(EXIT.usage);
          }
          throw error;
        }
        const env = process.env;
        const store = await Store.open({ databaseUrl: env.DATABASE_URL, dataDir: resolve(env.INCIDENT_DATA_DIR ?? 'data') });
        try {
          const baseUrl = config.links.statusPage ?? (env.INCIDENT_PUBLIC_URL || `http://${env.HOST ?? '127.0.0.1'}:${env.PORT ?? '3000'}`);
          const written = await exportStatusPage(store, config, { now: new Date().toISOString(), baseUrl, subscribe: Boolean(env.SMTP_URL) }, resolve(dir));
          print(`Wrote ${written.length} files to ${resolve(dir)} (status/index.html, status/feed.atom, api/v2/summary.json, …).`);
        } finally {
          await store.close();
        }
      }),
    ['incident status export ./public    # then serve ./public with any web server: /status → status/index.html'],
  );
}
