/** Starts the server: configuration, store, first-run admin, the background workers, HTTP. */
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { ConfigError, loadConfig } from '../config/load.js';
import { Store } from '../store/store.js';
import { buildApp } from './app.js';
import { bootstrapAdmin } from '../commands/bootstrap-admin.js';
import { systemClock } from '../domain/model/time.js';
import { Workers } from '../processors/workers.js';
import { httpWebhookSender } from '../integrations/webhook.js';
import { WebhookTargets } from '../integrations/webhook-targets.js';
import { mailFromEnvironment } from '../integrations/mail.js';
import { pagingFromEnvironment } from '../integrations/paging.js';
import { trustProxyFrom, trustsEveryone } from './context.js';
import { serverLogger } from './log.js';
import { trackerSettingsFromEnvironment } from '../integrations/trackers/environment.js';

/** From SIGTERM to exit at most this long: a supervisor's usual grace before SIGKILL is 10–30 s. */
export const SHUTDOWN_GRACE_MS = 10_000;
import { slackFromEnvironment } from '../integrations/chat/slack/environment.js';
import { mattermostFromEnvironment } from '../integrations/chat/mattermost/environment.js';
import { teamsAdapterFromEnvironment, teamsWebhooksFromEnvironment } from '../integrations/chat/teams/environment.js';
import { teamsWebhookPoster } from '../integrations/chat/teams/webhook.js';
import { StatusProcess } from './status-process.js';
import { SERVER_TIMEOUTS } from './app.js';

export interface ServerOptions {
  port?: number;
  host?: string;
}

export async function startServer(options: ServerOptions = {}, env: NodeJS.ProcessEnv = process.env) {
  const logger = serverLogger(env.LOG_LEVEL ?? 'info');
  const config = loadConfig(env);
  const port = options.port ?? Number(env.PORT ?? 3000);
  const host = options.host ?? env.HOST ?? '127.0.0.1';
  // Links that leave the server (subscriber mails, Mattermost's dialogs and buttons) need the address the public reaches it at.
  const publicUrl = env.INCIDENT_PUBLIC_URL || `http://${host}:${port}`;
  const slack = slackFromEnvironment(env);
  const mattermost = mattermostFromEnvironment(env, publicUrl);
  const trackers = trackerSettingsFromEnvironment(env);
  // One chat platform per deployment: rooms, the delivery queue and remembered users are kept for one.
  if (slack && mattermost) throw new Error('Slack and Mattermost are both configured: set SLACK_* or MATTERMOST_*, not both');
  const dataDir = resolve(env.INCIDENT_DATA_DIR ?? 'data');
  const store = await Store.open({ databaseUrl: env.DATABASE_URL, dataDir, log: logger });
  logger.info({ store: store.dialect, location: store.location, config: config.source }, 'store ready');

  const bootstrapped = await bootstrapAdmin(store, dataDir, systemClock.now().toISOString(), env.INCIDENT_BOOTSTRAP_TOKEN);
  if (bootstrapped?.tokenFile)
    logger.info({ person: bootstrapped.handle, tokenFile: bootstrapped.tokenFile }, `first start: created @admin; its API token is in ${bootstrapped.tokenFile}`);
  else if (bootstrapped) logger.info({ person: bootstrapped.handle }, 'first start: created @admin with INCIDENT_BOOTSTRAP_TOKEN');

  const trustProxy = trustProxyFrom(env.TRUST_PROXY);
  if (trustsEveryone(trustProxy))
    logger.warn(
      { TRUST_PROXY: env.TRUST_PROXY },
      'TRUST_PROXY trusts every hop: any client can send X-Forwarded-For and so escape every rate limit; set the number of proxies in front (TRUST_PROXY=1) or their addresses',
    );
  const mail = mailFromEnvironment(env);
  const paging = pagingFromEnvironment(env);
  const statusExportDir = env.INCIDENT_STATUS_EXPORT_DIR || null;
  const statusPort = statusPortFrom(env.INCIDENT_STATUS_PORT);
  if (!slack && !mattermost)
    logger.info('Chat is off: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (Slack), or MATTERMOST_URL, MATTERMOST_BOT_TOKEN and MATTERMOST_TEAM (Mattermost)');
  if (mattermost && !env.MATTERMOST_COMMAND_TOKEN?.trim()) logger.info('The Mattermost slash command is off: set MATTERMOST_COMMAND_TOKEN to serve POST /mattermost/command');
  const chat = slack ? { port: slack.chat, platform: 'slack' as const } : mattermost ? { port: mattermost, platform: 'mattermost' as const, reactions: mattermost } : null;
  // Teams cards go beside the platform (or alone): a webhook posts, it keeps no rooms or users.
  const teamsWebhooks = teamsWebhooksFromEnvironment(env, config);
  const teams = teamsWebhooks ? { webhooks: teamsWebhooks, consoleUrl: publicUrl, poster: teamsWebhookPoster } : null;
  const teamsAdapter = teamsAdapterFromEnvironment(env);
  if (!teamsAdapter) logger.info('The Teams bot is off: set MicrosoftAppId, MicrosoftAppPassword and MicrosoftAppTenantId to serve POST /api/messages');
  const workers = new Workers({
    store,
    config,
    clock: systemClock,
    log: logger,
    publicUrl,
    statusExportDir,
    mailEnabled: mail !== null,
    deliveries: { webhooks: httpWebhookSender({ targets: new WebhookTargets(config.webhooks.allowTargets) }), mail, paging },
    chat,
    teams,
    trackers,
  });
  const statusProcess =
    statusPort === null
      ? null
      : new StatusProcess({
          publisher: workers.statusPage,
          host,
          port: statusPort,
          // What the child passes on goes to this server over loopback when it listens on every address.
          upstream: () => ({ host: host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host, port: (app.server.address() as AddressInfo).port }),
          rateLimit: config.statusPage.rateLimit,
          trustProxy,
          bounds: workers.metrics.requestBounds,
          timeouts: SERVER_TIMEOUTS,
          onRequests: (tallies) => workers.metrics.requestsCounted(tallies),
          log: logger,
        });
  const app = await buildApp(
    { store, statusProcess, config, clock: systemClock, publicUrl, mailEnabled: mail !== null, paging, trustProxy, statusExportDir, workers, slack, teamsAdapter, mattermostCommandToken: mattermost ? env.MATTERMOST_COMMAND_TOKEN?.trim() || null : null, mattermostSigner: mattermost?.signer ?? null, metricsToken: env.INCIDENT_METRICS_TOKEN || null, oidcClientSecret: env.OIDC_CLIENT_SECRET || null, trackers, githubWebhookSecret: env.GITHUB_WEBHOOK_SECRET?.trim() || null },
    logger,
  );
  // The workers stop (finishing the work in hand) as the server begins to close; the store goes last.
  app.addHook('onClose', () => store.close());
  await app.listen({ port, host });
  // After the server listens: the child passes to it what it does not answer itself.
  if (statusProcess)
    await workers.join('statusProcess', statusProcess).catch(async (error: unknown) => {
      await app.close();
      throw error;
    });

  let stopping = false;
  const stop = async (signal: string) => {
    // Sent to a process group, the signal comes twice (directly and forwarded by npm): the first one drains.
    if (stopping) return;
    stopping = true;
    logger.info({ signal, graceMs: SHUTDOWN_GRACE_MS }, 'shutting down');
    // Whatever is still in hand after the grace (a send that will not end, a socket that will not close) is left: leases run out and another start takes it up.
    setTimeout(() => {
      logger.error({ graceMs: SHUTDOWN_GRACE_MS }, 'shutdown did not finish within its grace; exiting anyway');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    try {
      await app.close();
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  return app;
}

/** INCIDENT_STATUS_PORT: unset or empty for none. */
function statusPortFrom(value: string | undefined): number | null {
  const text = value?.trim() ?? '';
  if (text === '') return null;
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65_535)
    throw new ConfigError('the environment', [{ field: 'INCIDENT_STATUS_PORT', problem: `"${text}" is not a port number (0–65535)` }]);
  return Number(text);
}
