/** chat slack manifest: the Slack app manifest for this server, to paste at api.slack.com/apps. */
import type { Command } from 'commander';
import { loadConfig } from '../../config/load.js';
import { slackManifest } from '../../presenters/chat/slack-manifest.js';
import { UsageError } from '../client.js';
import { examples, print, run } from './shared.js';

export function chatCommand(program: Command): void {
  const chat = program.command('chat').description('chat platforms');
  const slack = chat.command('slack').description('the Slack app');
  const manifest = slack
    .command('manifest')
    .description("print the Slack app manifest (YAML) for this server's public URL")
    .option('--url <publicUrl>', 'the address Slack reaches this server at (default INCIDENT_PUBLIC_URL)');
  examples(manifest, ['INCIDENT_PUBLIC_URL=https://incidents.example.com incident chat slack manifest > slack-manifest.yaml']);
  manifest.action(
    run(async (o: { url?: string }) => {
      const url = o.url ?? process.env.INCIDENT_PUBLIC_URL;
      if (!url || !/^https?:\/\//.test(url)) throw new UsageError('Set INCIDENT_PUBLIC_URL (or --url) to the https:// address Slack reaches this server at.');
      const config = loadConfig();
      print(slackManifest(url, config.chat.slack.command, config.organization.name));
    }),
  );
}
