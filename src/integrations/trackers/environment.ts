/**
 * The trackers follow-ups can be exported to, from the environment (README "Follow-ups"):
 * GitHub with GITHUB_TOKEN and GITHUB_REPOSITORY (owner/repo), GITHUB_API_URL for GitHub
 * Enterprise; Jira with JIRA_URL, JIRA_EMAIL, JIRA_API_TOKEN and JIRA_PROJECT,
 * JIRA_ISSUE_TYPE (Task); TRACKER_SYNC_SECONDS, how often an exported follow-up's issue is
 * looked at (300). A tracker half configured is an error at start, not a surprise
 * at the first export.
 */
import { ConfigError } from '../../config/load.js';
import { GitHubIssues } from './github.js';
import { JiraIssues } from './jira.js';
import { DEFAULT_TRACKER_POLL_MS, type TrackerSettings, type Trackers } from './port.js';

function url(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  if (!value) return undefined;
  if (!/^https?:\/\/[^\s/]+/.test(value)) throw new ConfigError('the environment', [{ field: name, problem: `"${value}" is not an http(s) URL` }]);
  return value;
}

export function trackersFromEnvironment(env: NodeJS.ProcessEnv): Trackers {
  const trackers: Trackers = {};
  const token = env.GITHUB_TOKEN?.trim();
  const repository = env.GITHUB_REPOSITORY?.trim();
  if (token || repository) {
    const match = /^([\w.-]+)\/([\w.-]+)$/.exec(repository ?? '');
    if (!token || !match)
      throw new ConfigError('the environment', [
        { field: token ? 'GITHUB_REPOSITORY' : 'GITHUB_TOKEN', problem: 'GitHub export needs both GITHUB_TOKEN and GITHUB_REPOSITORY (owner/repo)' },
      ]);
    const baseUrl = url(env, 'GITHUB_API_URL');
    trackers.github = new GitHubIssues({ token, owner: match[1]!, repo: match[2]!, ...(baseUrl ? { baseUrl } : {}) });
  }
  const jira = { url: url(env, 'JIRA_URL'), email: env.JIRA_EMAIL?.trim(), apiToken: env.JIRA_API_TOKEN?.trim(), project: env.JIRA_PROJECT?.trim() };
  const given = Object.entries(jira).filter(([, v]) => v);
  if (given.length) {
    const missing = Object.entries({ JIRA_URL: jira.url, JIRA_EMAIL: jira.email, JIRA_API_TOKEN: jira.apiToken, JIRA_PROJECT: jira.project }).find(([, v]) => !v);
    if (missing) throw new ConfigError('the environment', [{ field: missing[0], problem: 'Jira export needs JIRA_URL, JIRA_EMAIL, JIRA_API_TOKEN and JIRA_PROJECT' }]);
    trackers.jira = new JiraIssues({ url: jira.url!, email: jira.email!, apiToken: jira.apiToken!, project: jira.project!, issueType: env.JIRA_ISSUE_TYPE?.trim() || 'Task' });
  }
  return trackers;
}

export function trackerSettingsFromEnvironment(env: NodeJS.ProcessEnv): TrackerSettings {
  const seconds = env.TRACKER_SYNC_SECONDS?.trim();
  if (seconds !== undefined && seconds !== '' && !(/^\d+$/.test(seconds) && Number(seconds) >= 10 && Number(seconds) <= 86_400))
    throw new ConfigError('the environment', [{ field: 'TRACKER_SYNC_SECONDS', problem: `"${seconds}" is not a number of seconds from 10 to 86400` }]);
  return { ports: trackersFromEnvironment(env), pollMs: seconds ? Number(seconds) * 1000 : DEFAULT_TRACKER_POLL_MS };
}
