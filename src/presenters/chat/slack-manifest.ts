/**
 * The Slack app manifest (YAML) for this server: one Request URL (`/slack/events`) for the
 * slash command, interactivity and the Events API, the "Add to timeline" message shortcut,
 * and the bot scopes the app's calls need, no more.
 */
import { stringify } from 'yaml';

/** Each scope, for the calls that need it. */
export const SLACK_BOT_SCOPES = [
  'commands', // the slash command and the message shortcut
  'chat:write', // chat.postMessage, chat.postEphemeral
  'channels:manage', // conversations.create/invite/setTopic/archive, public rooms
  'groups:write', // the same, private rooms
  'pins:write', // pins.add (the announcement)
  'im:write', // conversations.open (the IC offer)
  'im:history', // conversations.history of the IC offer's direct message: posted once across a crash
  'channels:read', // conversations.list: a room created before a crash, the announce channel's id
  'groups:read', // the same, private rooms
  'users:read', // users.info
  'users:read.email', // users.lookupByEmail, users.info's e-mail
  'channels:history', // conversations.history (the captured message; a post looked for after a crash), public rooms
  'groups:history', // the same, private rooms
  'reactions:read', // reaction_added
] as const;

export function slackManifest(publicUrl: string, command: string, organization: string): string {
  const url = `${publicUrl.replace(/\/+$/, '')}/slack/events`;
  return stringify({
    display_information: { name: 'Incident Command', description: `Run ${organization}'s incidents where the team talks.` },
    features: {
      bot_user: { display_name: 'incident', always_online: true },
      slash_commands: [{ command, url, description: 'Declare and run an incident', usage_hint: '[declare SEV2 title | update | role ic @person | status | help]', should_escape: true }],
      shortcuts: [{ name: 'Add to timeline', type: 'message', callback_id: 'add_to_timeline', description: "Put this message on the incident's timeline" }],
    },
    oauth_config: { scopes: { bot: [...SLACK_BOT_SCOPES] } },
    settings: {
      event_subscriptions: { request_url: url, bot_events: ['reaction_added'] },
      interactivity: { is_enabled: true, request_url: url },
      org_deploy_enabled: false,
      socket_mode_enabled: false,
      token_rotation_enabled: false,
    },
  });
}
