/**
 * The GitHub and Jira adapters against local receivers that hold them to the APIs'
 * documented shapes (auth headers, required fields, ADF), including GitHub Enterprise's
 * base URL and what a 429 or 5xx becomes.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { adfProblems, FakeTrackers } from '../support/fake-trackers.js';
import { GitHubIssues } from '../../src/integrations/trackers/github.js';
import { adfDocument, JiraIssues } from '../../src/integrations/trackers/jira.js';
import { TrackerError } from '../../src/integrations/trackers/port.js';
import { trackersFromEnvironment } from '../../src/integrations/trackers/environment.js';

const draft = { summary: 'Alert on checkout error rate', paragraphs: ['Follow-up from INC-4 (SEV2: Checkout errors).', 'Opened by Incident Command.'], link: 'https://ic.example/incidents/INC-4' };

describe('tracker adapters', () => {
  const fake = new FakeTrackers({ githubToken: 'ghp_test', githubPrefix: '/api/v3', jiraEmail: 'ops@example.com', jiraToken: 'jira-token', jiraProject: 'OPS' });
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.requests.length = 0;
    fake.refused.length = 0;
  });

  it('GitHub Enterprise: creates an issue under the base URL with the token, and reads its close back', async () => {
    const github = new GitHubIssues({ token: 'ghp_test', owner: 'acme', repo: 'ops', baseUrl: `${fake.url}/api/v3/` });
    const issue = await github.createIssue(draft);
    expect(issue).toEqual({ key: 'acme/ops#1', url: 'https://github.example/acme/ops/issues/1' });
    expect(fake.refused).toEqual([]);
    const sent = fake.creates('github')[0]!;
    expect(sent.path).toBe('/api/v3/repos/acme/ops/issues');
    expect(sent.body).toEqual({ title: draft.summary, body: `${draft.paragraphs.join('\n\n')}\n\n${draft.link}` });
    expect(await github.issueState('acme/ops#1')).toBe('open');
    fake.closeGitHub(1, 'not_planned');
    expect(await github.issueState('acme/ops#1')).toBe('wont_do');
    expect(fake.refused).toEqual([]);
  });

  it('GitHub: a 429 carries its Retry-After, a 502 is transient, a wrong token is not', async () => {
    const github = new GitHubIssues({ token: 'ghp_test', owner: 'acme', repo: 'ops', baseUrl: `${fake.url}/api/v3` });
    fake.failNext(429, 1, { 'retry-after': '120' });
    const limited = await github.issueState('acme/ops#1').catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(TrackerError);
    expect([(limited as TrackerError).status, (limited as TrackerError).retryAfterMs, (limited as TrackerError).transient]).toEqual([429, 120_000, true]);
    fake.failNext(502);
    expect(((await github.issueState('acme/ops#1').catch((e: unknown) => e)) as TrackerError).transient).toBe(true);
    const wrong = new GitHubIssues({ token: 'nope', owner: 'acme', repo: 'ops', baseUrl: `${fake.url}/api/v3` });
    const refused = (await wrong.createIssue(draft).catch((e: unknown) => e)) as TrackerError;
    expect([refused.status, refused.transient]).toEqual([401, false]);
  });

  it('Jira: POST /rest/api/3/issue with basic auth, project key, summary, issue type and an ADF description', async () => {
    const jira = new JiraIssues({ url: `${fake.url}/`, email: 'ops@example.com', apiToken: 'jira-token', project: 'OPS', issueType: 'Task' });
    const issue = await jira.createIssue(draft);
    expect(issue).toEqual({ key: 'OPS-1', url: `${fake.url}/browse/OPS-1` });
    expect(fake.refused).toEqual([]);
    const fields = (fake.creates('jira')[0]!.body as { fields: Record<string, unknown> }).fields;
    expect(fields).toMatchObject({ project: { key: 'OPS' }, summary: draft.summary, issuetype: { name: 'Task' } });
    expect(fields.description).toEqual(adfDocument(draft));
    expect(await jira.issueState('OPS-1')).toBe('open');
    fake.closeJira('OPS-1', 'Done');
    expect(await jira.issueState('OPS-1')).toBe('done');
    fake.jira.get('OPS-1')!.resolution = "Won't Do";
    expect(await jira.issueState('OPS-1')).toBe('wont_do');
  });

  it("Jira: a refusal says Jira's field errors; a 503 is transient with its Retry-After", async () => {
    const jira = new JiraIssues({ url: fake.url, email: 'ops@example.com', apiToken: 'jira-token', project: 'NOPE', issueType: 'Task' });
    const refused = (await jira.createIssue(draft).catch((e: unknown) => e)) as TrackerError;
    expect([refused.status, refused.transient]).toEqual([400, false]);
    expect(refused.message).toContain('project: valid project is required');
    fake.failNext(503, 1, { 'retry-after': '30' });
    const down = (await jira.issueState('OPS-1').catch((e: unknown) => e)) as TrackerError;
    expect([down.status, down.retryAfterMs, down.transient]).toEqual([503, 30_000, true]);
  });

  it('the receiver itself refuses a malformed ADF document (so the checks above can fail)', () => {
    expect(adfProblems({ type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: '' }] }] })).toEqual(['text nodes must have non-empty text']);
    expect(adfProblems('plain text')).toContain('root type must be "doc"');
  });

  it('the environment: both GitHub settings or none; every Jira setting or none', () => {
    expect(trackersFromEnvironment({})).toEqual({});
    expect(() => trackersFromEnvironment({ GITHUB_TOKEN: 'x' })).toThrow(/GITHUB_REPOSITORY/);
    expect(() => trackersFromEnvironment({ JIRA_URL: 'https://acme.atlassian.net', JIRA_EMAIL: 'a@b.c' })).toThrow(/JIRA_API_TOKEN/);
    const both = trackersFromEnvironment({ GITHUB_TOKEN: 'x', GITHUB_REPOSITORY: 'acme/ops', JIRA_URL: 'https://acme.atlassian.net', JIRA_EMAIL: 'a@b.c', JIRA_API_TOKEN: 't', JIRA_PROJECT: 'OPS' });
    expect([both.github?.target, both.jira?.target]).toEqual(['acme/ops', 'Jira project OPS at acme.atlassian.net']);
  });
});
