/** Slack from the environment: SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (both, or Slack is off), SLACK_API_URL. */
import { SlackChat } from './client.js';

export interface SlackEnvironment {
  chat: SlackChat;
  signingSecret: string;
}

export function slackFromEnvironment(env: NodeJS.ProcessEnv): SlackEnvironment | null {
  const token = env.SLACK_BOT_TOKEN?.trim();
  const signingSecret = env.SLACK_SIGNING_SECRET?.trim();
  if (!token || !signingSecret) return null;
  return { chat: new SlackChat({ token, ...(env.SLACK_API_URL ? { apiUrl: env.SLACK_API_URL } : {}) }), signingSecret };
}
