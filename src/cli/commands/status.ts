/**
 * The public status page from the command line (R10): `incident status publish` (and `unpublish`) and
 * `incident status component` through the API like every verb; `incident status export
 * DIR` writes the page as static files, for any web server or object store to serve when
 * this server cannot (issue 5, item 8) — it reads the database directly (DATABASE_URL, or
 * the SQLite file under INCIDENT_DATA_DIR), so it works with the server stopped.
 */
import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { Incident } from '../client.js';
import { incidentId } from '../args.js';
import { EXIT, answer, client, examples, print, printJson, run, withJson, type JsonOption } from './shared.js';
import { checklistsText, type Checklists } from '../format-checklists.js';
import { COMPONENT_STATUSES } from '../../domain/model/events.js';

function onThePage(incident: Incident): string {
  const components = Object.entries(incident.statusPage.components).map(([id, status]) => `${id} ${status.replace(/_/g, ' ')}`);
  return `${incident.id} is ${incident.statusPage.public ? 'on' : 'not on'} the public status page${components.length ? `; components: ${components.join(', ')}` : ''}.`;
}

export function statusCommand(program: Command): void {
  const status = withJson(
    program
      .command('status')
      .argument('[id]', 'INC-7 or 7: print its role checklists')
      .description("an incident's role checklists (incident status INC-4), or the public status page's verbs below")
      // Its own --json stays before a verb, so `incident status publish INC-4 --json` is the verb's.
      .enablePositionalOptions(),
  );
  examples(status, ['incident status INC-4', 'incident status INC-4 --json | jq ".checklists[0].items"']);
  status.action(
    run(async (id: string | undefined, o: JsonOption) => {
      if (id === undefined) {
        status.help();
        return;
      }
      const answer = await client().get<Checklists>(`/incidents/${incidentId(id)}/checklists`);
      if (o.json) printJson(answer);
      else print(checklistsText(answer));
    }),
  );

  const publication = [
    ['publish', 'put an incident on the public status page although its severity is not public (never a private one)'],
    ['unpublish', 'take a published incident off the public status page (not one whose severity is public by policy)'],
  ] as const;
  for (const [verb, description] of publication) {
    const command = withJson(status.command(verb).argument('<id>', 'INC-7 or 7').description(description));
    examples(command, [`incident status ${verb} INC-4`]);
    command.action(
      run(async (id: string, o: JsonOption) => {
        const incident = await client().post<Incident>(`/incidents/${incidentId(id)}/${verb}`);
        answer(incident, o, () => onThePage(incident));
      }),
    );
  }

  const component = withJson(
    status
      .command('component')
      .argument('<id>', 'INC-7 or 7')
      .argument('<component>', 'a component id, e.g. checkout')
      .argument('<status>', COMPONENT_STATUSES.join(' | '))
      .description("say how a component is doing during this incident; it shows on the status page while the incident is open"),
  );
  examples(component, ['incident status component INC-1 checkout major_outage', 'incident status component INC-1 checkout operational']);
  component.action(
    run(async (id: string, componentId: string, value: string, o: JsonOption) => {
      const incident = await client().put<Incident>(`/incidents/${incidentId(id)}/components/${encodeURIComponent(componentId)}`, { status: value });
      answer(incident, o, () => onThePage(incident));
    }),
  );
  examples(
    status
      .command('export')
      .argument('<dir>', 'where to write: DIR/status/index.html, DIR/status/incidents/INC-n/index.html, DIR/status/feed.atom, DIR/api/v2/*.json')
      .description('write the whole status page (HTML, feed, Statuspage JSON) as static files, straight from the database')
      .action(async (dir: string) => {
        const [{ loadConfig, ConfigError }, { Store }, { exportStatusPage }] = await Promise.all([
          import('../../config/load.js'),
          import('../../store/store.js'),
          import('../../processors/status-page-publisher.js'),
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
