/**
 * Local receivers for GitHub's Issues REST API and Jira Cloud's REST API v3, on
 * 127.0.0.1, that hold requests to those APIs' documented shapes: the auth header each
 * takes, the required fields, and for Jira a description in Atlassian Document Format.
 * A request that breaks a rule is answered as the real API would (401, 422, 400) and kept
 * in `refused`, so a test fails on it. `failNext` makes the next calls answer a status.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

interface Issue {
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  state_reason: string | null;
}

interface JiraIssue {
  key: string;
  fields: Record<string, unknown>;
  category: 'new' | 'indeterminate' | 'done';
  resolution: string | null;
}

const GITHUB_ISSUE_FIELDS = new Set(['title', 'body', 'assignee', 'assignees', 'milestone', 'labels', 'type']);
const ADF_MARKS = new Set(['link', 'strong', 'em', 'code', 'strike', 'underline']);

/** Problems of an ADF document (https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/), empty when valid. */
export function adfProblems(doc: unknown): string[] {
  const problems: string[] = [];
  const d = doc as { type?: unknown; version?: unknown; content?: unknown };
  if (d?.type !== 'doc') problems.push('root type must be "doc"');
  if (d?.version !== 1) problems.push('version must be 1');
  if (!Array.isArray(d?.content)) return [...problems, 'doc content must be an array'];
  for (const block of d.content as { type?: unknown; content?: unknown }[]) {
    if (block?.type !== 'paragraph') {
      problems.push(`unexpected block ${String(block?.type)}`);
      continue;
    }
    if (!Array.isArray(block.content)) problems.push('paragraph content must be an array');
    for (const inline of (block.content as { type?: unknown; text?: unknown; marks?: unknown }[]) ?? []) {
      if (inline?.type !== 'text') problems.push(`unexpected inline ${String(inline?.type)}`);
      if (typeof inline?.text !== 'string' || inline.text.length === 0) problems.push('text nodes must have non-empty text');
      for (const mark of (inline?.marks as { type?: string; attrs?: { href?: unknown } }[] | undefined) ?? []) {
        if (!ADF_MARKS.has(String(mark.type))) problems.push(`unknown mark ${String(mark.type)}`);
        if (mark.type === 'link' && typeof mark.attrs?.href !== 'string') problems.push('link mark needs attrs.href');
      }
    }
  }
  return problems;
}

export class FakeTrackers {
  readonly requests: Recorded[] = [];
  readonly refused: { path: string; why: string }[] = [];
  readonly github = new Map<string, Issue>();
  readonly jira = new Map<string, JiraIssue>();
  private readonly failures: { status: number; headers: Record<string, string>; path: string }[] = [];
  private server: Server | null = null;
  url = '';

  constructor(
    readonly settings = { githubToken: 'ghp_test', githubPrefix: '', jiraEmail: 'ops@example.com', jiraToken: 'jira-token', jiraProject: 'OPS' },
  ) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** The next `count` calls (whose path ends with `path`, if given) answer `status` (with these headers). */
  failNext(status: number, count = 1, headers: Record<string, string> = {}, path = ''): void {
    for (let i = 0; i < count; i++) this.failures.push({ status, headers, path });
  }

  creates(kind: 'github' | 'jira'): Recorded[] {
    return this.requests.filter((r) => r.method === 'POST' && (kind === 'github' ? r.path.endsWith('/issues') : r.path === '/rest/api/3/issue'));
  }

  closeGitHub(number: number, reason: 'completed' | 'not_planned'): void {
    const issue = [...this.github.values()].find((i) => i.number === number)!;
    Object.assign(issue, { state: 'closed', state_reason: reason });
  }

  closeJira(key: string, resolution: string): void {
    Object.assign(this.jira.get(key)!, { category: 'done', resolution });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://x');
    let body: unknown = null;
    try {
      body = raw ? JSON.parse(raw) : null;
    } catch {
      body = raw;
    }
    this.requests.push({ method: req.method ?? '', path: url.pathname, headers: req.headers, body });
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(payload));
    };
    const refuse = (status: number, why: string, payload: unknown) => {
      this.refused.push({ path: url.pathname, why });
      send(status, payload);
    };
    const at = this.failures.findIndex((f) => url.pathname.endsWith(f.path));
    const failure = at === -1 ? undefined : this.failures.splice(at, 1)[0];
    if (failure) return send(failure.status, { message: `failing on purpose (${failure.status})` }, failure.headers);
    if (url.pathname.startsWith('/rest/api/3/')) return this.jiraApi(req, url, body, send, refuse);
    const prefix = this.settings.githubPrefix;
    if (!url.pathname.startsWith(`${prefix}/repos/`)) return refuse(404, `not a GitHub API path: ${url.pathname}`, { message: 'Not Found' });
    return this.githubApi(req, url.pathname.slice(prefix.length), body, send, refuse);
  }

  private githubApi(req: IncomingMessage, path: string, body: unknown, send: (s: number, p: unknown) => void, refuse: (s: number, w: string, p: unknown) => void): void {
    // GitHub takes a token as "token X" or "Bearer X", and wants a User-Agent on every request.
    const auth = req.headers.authorization ?? '';
    if (auth !== `token ${this.settings.githubToken}` && auth !== `Bearer ${this.settings.githubToken}`) return refuse(401, `bad authorization "${auth}"`, { message: 'Bad credentials' });
    if (!req.headers['user-agent']) return refuse(403, 'no User-Agent', { message: 'User-Agent required' });
    if (!String(req.headers.accept ?? '').includes('application/vnd.github')) return refuse(415, `accept "${req.headers.accept}"`, { message: 'Unsupported' });
    const create = /^\/repos\/([^/]+)\/([^/]+)\/issues$/.exec(path);
    if (create && req.method === 'POST') {
      if (!String(req.headers['content-type']).startsWith('application/json')) return refuse(415, 'content-type', { message: 'JSON' });
      const b = body as Record<string, unknown>;
      const unknown = Object.keys(b ?? {}).filter((k) => !GITHUB_ISSUE_FIELDS.has(k));
      if (typeof b?.title !== 'string' || !b.title || unknown.length)
        return refuse(422, `title missing or unknown fields ${unknown.join(',')}`, { message: 'Validation Failed', errors: [{ resource: 'Issue', field: 'title', code: 'missing_field' }] });
      const number = this.github.size + 1;
      const issue: Issue = { number, title: b.title, body: typeof b.body === 'string' ? b.body : null, state: 'open', state_reason: null };
      this.github.set(`${create[1]}/${create[2]}#${number}`, issue);
      return send(201, { ...issue, id: 1000 + number, html_url: `https://github.example/${create[1]}/${create[2]}/issues/${number}` });
    }
    const get = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)$/.exec(path);
    if (get && req.method === 'GET') {
      const issue = this.github.get(`${get[1]}/${get[2]}#${get[3]}`);
      return issue ? send(200, { ...issue, id: 1000 + issue.number }) : send(404, { message: 'Not Found' });
    }
    return refuse(404, `unexpected ${req.method} ${path}`, { message: 'Not Found' });
  }

  private jiraApi(req: IncomingMessage, url: URL, body: unknown, send: (s: number, p: unknown) => void, refuse: (s: number, w: string, p: unknown) => void): void {
    const expected = `Basic ${Buffer.from(`${this.settings.jiraEmail}:${this.settings.jiraToken}`).toString('base64')}`;
    if (req.headers.authorization !== expected) return refuse(401, `bad authorization "${req.headers.authorization}"`, { errorMessages: ['Unauthorized'] });
    if (url.pathname === '/rest/api/3/issue' && req.method === 'POST') {
      if (!String(req.headers['content-type']).startsWith('application/json')) return refuse(415, 'content-type', { errorMessages: ['JSON'] });
      const fields = (body as { fields?: Record<string, unknown> })?.fields ?? {};
      const errors: Record<string, string> = {};
      if ((fields.project as { key?: unknown })?.key !== this.settings.jiraProject) errors.project = 'valid project is required';
      if (typeof fields.summary !== 'string' || !fields.summary || fields.summary.length > 255) errors.summary = 'You must specify a summary of the issue.';
      if (typeof (fields.issuetype as { name?: unknown })?.name !== 'string') errors.issuetype = 'valid issue type is required';
      const adf = adfProblems(fields.description);
      if (adf.length) errors.description = `Operation value must be an Atlassian Document (${adf.join('; ')})`;
      if (Object.keys(errors).length) return refuse(400, JSON.stringify(errors), { errorMessages: [], errors });
      const key = `${this.settings.jiraProject}-${this.jira.size + 1}`;
      this.jira.set(key, { key, fields, category: 'new', resolution: null });
      return send(201, { id: String(10000 + this.jira.size), key, self: `${this.url}/rest/api/3/issue/${10000 + this.jira.size}` });
    }
    const get = /^\/rest\/api\/3\/issue\/([A-Z]+-\d+)$/.exec(url.pathname);
    if (get && req.method === 'GET') {
      const issue = this.jira.get(get[1]!);
      if (!issue) return send(404, { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} });
      const names = { new: 'To Do', indeterminate: 'In Progress', done: 'Done' };
      return send(200, {
        key: issue.key,
        fields: { status: { name: names[issue.category], statusCategory: { key: issue.category } }, resolution: issue.resolution ? { name: issue.resolution } : null },
      });
    }
    return refuse(404, `unexpected ${req.method} ${url.pathname}`, { errorMessages: ['Not found'] });
  }
}
