/** Mattermost from the environment: MATTERMOST_URL, MATTERMOST_BOT_TOKEN and MATTERMOST_TEAM (all three, or Mattermost is off). */
import { MattermostChat } from './client.js';

/** `publicUrl`: this server as Mattermost reaches it (INCIDENT_PUBLIC_URL), where dialogs and buttons send their requests. */
export function mattermostFromEnvironment(env: NodeJS.ProcessEnv, publicUrl: string): MattermostChat | null {
  const url = env.MATTERMOST_URL?.trim();
  const token = env.MATTERMOST_BOT_TOKEN?.trim();
  const team = env.MATTERMOST_TEAM?.trim();
  if (!url || !token || !team) return null;
  return new MattermostChat({ url, token, team, actionsUrl: `${publicUrl.replace(/\/+$/, '')}/mattermost/actions` });
}
