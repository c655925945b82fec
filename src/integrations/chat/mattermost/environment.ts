/** Mattermost from the environment: MATTERMOST_URL, MATTERMOST_BOT_TOKEN and MATTERMOST_TEAM (all three, or Mattermost is off). */
import { MattermostChat } from './client.js';

export function mattermostFromEnvironment(env: NodeJS.ProcessEnv): MattermostChat | null {
  const url = env.MATTERMOST_URL?.trim();
  const token = env.MATTERMOST_BOT_TOKEN?.trim();
  const team = env.MATTERMOST_TEAM?.trim();
  if (!url || !token || !team) return null;
  return new MattermostChat({ url, token, team });
}
