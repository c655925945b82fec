/** The chat rules' settings from the configuration. */
import type { Config } from '../../config/load.js';
import type { ChatSettings } from '../../domain/chat/plan.js';

export function chatSettings(config: Config): ChatSettings {
  const slack = config.chat.slack;
  return {
    announceChannel: slack.announceChannel,
    leadershipChannel: slack.leadershipChannel,
    // The policy lists severities most severe first: leadership hears of that one (SEV1 by default).
    leadershipSeverities: config.policy.levels.slice(0, 1).map((l) => l.id),
    archiveAfterMs: slack.archiveAfterMs,
  };
}
