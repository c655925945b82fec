/** The chat rules' settings from the configuration. */
import type { Config } from '../../config/load.js';
import type { ChatSettings } from '../../domain/chat/plan.js';

/** Each platform's own: a deployment moving from Slack to Mattermost names its channels anew. */
export function chatSettings(config: Config, platform: 'slack' | 'mattermost'): ChatSettings {
  const own = config.chat[platform];
  return {
    announceChannel: own.announceChannel,
    leadershipChannel: own.leadershipChannel,
    // The policy lists severities most severe first: leadership hears of that one (SEV1 by default).
    leadershipSeverities: config.policy.levels.slice(0, 1).map((l) => l.id),
    archiveAfterMs: own.archiveAfterMs,
  };
}
