/**
 * Teams from the environment and the configuration. Channel cards: `chat.teams.webhooks`
 * (by severity, and `default`), with TEAMS_WEBHOOK_URL as the default where the file names
 * none. The bot: MicrosoftAppId and MicrosoftAppPassword (both, or the bot is off), and
 * MicrosoftAppTenantId for a single-tenant bot (what Azure creates now); the SDK's own
 * authentication checks every request to POST /api/messages against them.
 */
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { ConfigError, type Config } from '../../../config/load.js';

export function teamsWebhooksFromEnvironment(env: NodeJS.ProcessEnv, config: Config): Record<string, string> | null {
  const webhooks = { ...config.chat.teams.webhooks };
  const fallback = env.TEAMS_WEBHOOK_URL?.trim();
  if (fallback && !webhooks.default) {
    let url: URL | null = null;
    try {
      url = new URL(fallback);
    } catch {
      url = null;
    }
    if (url?.protocol !== 'https:') throw new ConfigError('the environment', [{ field: 'TEAMS_WEBHOOK_URL', problem: 'is not an https:// address (copy it from the Workflows flow)' }]);
    webhooks.default = fallback;
  }
  return Object.keys(webhooks).length ? webhooks : null;
}

/** The Bot Framework adapter, authenticating incoming requests with the app's credentials; null when the bot is not configured. */
export function teamsAdapterFromEnvironment(env: NodeJS.ProcessEnv): CloudAdapter | null {
  const appId = env.MicrosoftAppId?.trim();
  const password = env.MicrosoftAppPassword?.trim();
  const tenant = env.MicrosoftAppTenantId?.trim();
  if (!appId || !password) return null;
  return new CloudAdapter(
    new ConfigurationBotFrameworkAuthentication({
      MicrosoftAppId: appId,
      MicrosoftAppPassword: password,
      MicrosoftAppType: tenant ? 'SingleTenant' : 'MultiTenant',
      ...(tenant ? { MicrosoftAppTenantId: tenant } : {}),
    }),
  );
}
