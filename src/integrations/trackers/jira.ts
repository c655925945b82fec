/**
 * Jira Cloud through its REST API v3 with Node's fetch (a client library would add
 * nothing for two calls): basic auth with an account's e-mail and an API token; the
 * description in Atlassian Document Format. Issues are keyed by their Jira key (OPS-12).
 */
import type { RemoteState } from '../../domain/follow-ups/export.js';
import { retryAfterMs, TRACKER_TIMEOUT_MS, TrackerError, type IssueDraft, type TrackerPort } from './port.js';

export interface JiraSettings {
  /** The site, e.g. https://acme.atlassian.net. */
  url: string;
  email: string;
  apiToken: string;
  project: string;
  /** The issue type new issues get; Task unless told. */
  issueType: string;
}

type AdfText = { type: 'text'; text: string; marks?: { type: 'link'; attrs: { href: string } }[] };

/** A document of plain paragraphs and a last one holding the link (ADF version 1). */
export function adfDocument(draft: IssueDraft) {
  const paragraph = (content: AdfText[]) => ({ type: 'paragraph', content });
  return {
    type: 'doc',
    version: 1,
    content: [
      ...draft.paragraphs.filter((p) => p.trim()).map((p) => paragraph([{ type: 'text', text: p }])),
      paragraph([{ type: 'text', text: draft.link, marks: [{ type: 'link', attrs: { href: draft.link } }] }]),
    ],
  };
}

/** Jira's resolutions that mean "not going to be done" rather than done. */
const NOT_DONE = /^(won'?t (do|fix)|declined|cannot reproduce|duplicate|rejected)$/i;

export class JiraIssues implements TrackerPort {
  readonly tracker = 'jira' as const;
  readonly target: string;
  private readonly base: string;
  private readonly authorization: string;

  constructor(private readonly settings: JiraSettings) {
    this.base = settings.url.replace(/\/+$/, '');
    this.authorization = `Basic ${Buffer.from(`${settings.email}:${settings.apiToken}`).toString('base64')}`;
    this.target = `Jira project ${settings.project} at ${new URL(this.base).host}`;
  }

  private async call(what: string, path: string, init: { method: string; body?: unknown }): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method: init.method,
        headers: {
          authorization: this.authorization,
          accept: 'application/json',
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        signal: AbortSignal.timeout(TRACKER_TIMEOUT_MS),
      });
    } catch (error) {
      throw new TrackerError(`Jira ${what}: no answer (${(error as Error).message})`, null);
    }
    const text = await response.text();
    if (!response.ok) {
      // Jira says what was wrong in errorMessages and per field in errors.
      let detail = text.slice(0, 300);
      try {
        const body = JSON.parse(text) as { errorMessages?: string[]; errors?: Record<string, string> };
        detail = [...(body.errorMessages ?? []), ...Object.entries(body.errors ?? {}).map(([f, m]) => `${f}: ${m}`)].join('; ') || detail;
      } catch {
        // Not JSON (a proxy's page): the start of the text says enough.
      }
      throw new TrackerError(`Jira ${what}: ${response.status} ${detail}`.trim(), response.status, retryAfterMs(response.headers.get('retry-after'), Date.now()));
    }
    return text ? JSON.parse(text) : null;
  }

  async createIssue(draft: IssueDraft): Promise<{ key: string; url: string }> {
    const fields = {
      project: { key: this.settings.project },
      summary: draft.summary.slice(0, 255),
      issuetype: { name: this.settings.issueType },
      description: adfDocument(draft),
    };
    const created = (await this.call('creating an issue', '/rest/api/3/issue', { method: 'POST', body: { fields } })) as { key?: string } | null;
    if (!created?.key) throw new TrackerError('Jira creating an issue: the answer named no issue key', 502);
    return { key: created.key, url: `${this.base}/browse/${created.key}` };
  }

  async issueState(key: string): Promise<RemoteState> {
    const issue = (await this.call(`reading ${key}`, `/rest/api/3/issue/${encodeURIComponent(key)}?fields=status,resolution`, { method: 'GET' })) as {
      fields?: { status?: { statusCategory?: { key?: string } }; resolution?: { name?: string } | null };
    } | null;
    if (issue?.fields?.status?.statusCategory?.key !== 'done') return 'open';
    return NOT_DONE.test(issue.fields.resolution?.name ?? '') ? 'wont_do' : 'done';
  }
}
