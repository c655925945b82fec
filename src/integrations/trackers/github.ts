/**
 * GitHub Issues through the official client (@octokit/rest), at api.github.com or a
 * GitHub Enterprise Server (`baseUrl`, e.g. https://github.example.com/api/v3). The
 * client's own retries are not installed: the sync worker owns retrying, with backoff.
 * Issues are keyed `owner/repo#number`.
 */
import { Octokit } from '@octokit/rest';
import type { RemoteState } from '../../domain/follow-ups/export.js';
import { retryAfterMs, TRACKER_TIMEOUT_MS, TrackerError, type IssueDraft, type TrackerPort } from './port.js';

export interface GitHubSettings {
  token: string;
  owner: string;
  repo: string;
  /** The REST API's root; https://api.github.com unless GitHub Enterprise. */
  baseUrl?: string;
}

function translate(what: string, error: unknown): TrackerError {
  const e = error as { status?: number; message?: string; response?: { headers?: Record<string, string | undefined> } };
  const status = typeof e.status === 'number' && e.status > 0 ? e.status : null;
  const headers = e.response?.headers ?? {};
  // GitHub's secondary rate limit is a 403 with Retry-After; its primary one a 403/429 with no requests left.
  const limited = status === 429 || (status === 403 && (headers['retry-after'] !== undefined || headers['x-ratelimit-remaining'] === '0'));
  const reset = headers['x-ratelimit-reset'] ? Number(headers['x-ratelimit-reset']) * 1000 - Date.now() : null;
  const wait = retryAfterMs(headers['retry-after'], Date.now()) ?? (limited && reset !== null && reset > 0 ? reset : null);
  return new TrackerError(`GitHub ${what}: ${status ?? 'no answer'} ${e.message ?? ''}`.trim(), limited ? 429 : status, wait);
}

export class GitHubIssues implements TrackerPort {
  readonly tracker = 'github' as const;
  readonly target: string;
  private readonly client: Octokit;

  constructor(private readonly settings: GitHubSettings) {
    // The client's request log would print each failure; the sync worker logs them once, with the follow-up.
    const quiet = () => undefined;
    this.client = new Octokit({
      auth: settings.token,
      userAgent: 'incident-command',
      log: { debug: quiet, info: quiet, warn: console.warn, error: quiet },
      ...(settings.baseUrl ? { baseUrl: settings.baseUrl.replace(/\/+$/, '') } : {}),
    });
    this.target = `${settings.owner}/${settings.repo}${settings.baseUrl ? ` at ${new URL(settings.baseUrl).host}` : ''}`;
  }

  async createIssue(draft: IssueDraft): Promise<{ key: string; url: string }> {
    const { owner, repo } = this.settings;
    try {
      const { data } = await this.client.rest.issues.create({
        owner,
        repo,
        title: draft.summary,
        body: [...draft.paragraphs, draft.link].join('\n\n'),
        request: { signal: AbortSignal.timeout(TRACKER_TIMEOUT_MS) },
      });
      return { key: `${owner}/${repo}#${data.number}`, url: data.html_url };
    } catch (error) {
      throw translate('creating an issue', error);
    }
  }

  async issueState(key: string): Promise<RemoteState> {
    const match = /^([^/]+)\/([^#]+)#(\d+)$/.exec(key);
    if (!match) throw new TrackerError(`GitHub: "${key}" is not an issue key (owner/repo#number)`, 400);
    try {
      const { data } = await this.client.rest.issues.get({
        owner: match[1]!,
        repo: match[2]!,
        issue_number: Number(match[3]),
        request: { signal: AbortSignal.timeout(TRACKER_TIMEOUT_MS) },
      });
      return githubState(data.state, data.state_reason ?? null);
    } catch (error) {
      throw translate(`reading ${key}`, error);
    }
  }
}

/** closed as completed → done; closed as not planned → won't do; any other close counts as done. */
export function githubState(state: string, reason: string | null): RemoteState {
  if (state !== 'closed') return 'open';
  return reason === 'not_planned' ? 'wont_do' : 'done';
}
