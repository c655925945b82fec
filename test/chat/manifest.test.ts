/** `incident chat slack manifest`: the app manifest for this server's public URL. */
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { parse } from 'yaml';
import { CLI } from '../support/harness.js';

describe('incident chat slack manifest', () => {
  it("points the command, interactivity and events at /slack/events, with the shortcut and the bot scopes", () => {
    const env: NodeJS.ProcessEnv = { ...process.env, INCIDENT_PUBLIC_URL: 'https://incidents.example.com/' };
    delete env.INCIDENT_CONFIG;
    const out = execFileSync(process.execPath, [CLI, 'chat', 'slack', 'manifest'], { env, cwd: tmpdir() }).toString();
    const manifest = parse(out);
    const url = 'https://incidents.example.com/slack/events';
    expect(manifest.features.slash_commands[0]).toMatchObject({ command: '/incident', url });
    expect(manifest.settings.interactivity).toEqual({ is_enabled: true, request_url: url });
    expect(manifest.settings.event_subscriptions).toEqual({ request_url: url, bot_events: ['reaction_added'] });
    expect(manifest.features.shortcuts[0]).toMatchObject({ type: 'message', callback_id: 'add_to_timeline' });
    expect(manifest.oauth_config.scopes.bot).toContain('chat:write');
    expect(manifest.oauth_config.scopes.bot).not.toContain('chat:write.public');
  });

  it('refuses without a public URL', () => {
    const env = { ...process.env };
    delete env.INCIDENT_PUBLIC_URL;
    const result = spawnSync(process.execPath, [CLI, 'chat', 'slack', 'manifest'], { env });
    expect(result.status).not.toBe(0);
    expect(result.stderr.toString()).toMatch(/INCIDENT_PUBLIC_URL/);
  });
});
