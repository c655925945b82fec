// @vitest-environment jsdom
/**
 * The Follow-ups screen against a real server: the table (incident link, owner, due day with
 * overdue marked, priority, state), the state / mine / overdue filters, done, won't do with a
 * reason and reopen, a change refused when someone changed the item since; a viewer only reads.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, configure, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { FollowUps } from '../../console/src/follow-ups/FollowUps.js';
import { Room } from '../../console/src/screens/Room.js';
import type { FollowUp, Incident } from '../../console/src/types.js';
import { consoleServer, declared, type ConsoleServer } from './support.js';
import { FakeTrackers } from '../support/fake-trackers.js';
import { GitHubIssues } from '../../src/integrations/trackers/github.js';

let server: ConsoleServer;
const fake = new FakeTrackers();
let incident: Incident;
/** Due a few days ago and still open: overdue. */
let late: FollowUp;
let mine: FollowUp;
let theirs: FollowUp;

async function api<T>(method: string, path: string, body?: unknown, as = 'admin', status = 200, headers?: Record<string, string>): Promise<T> {
  const res = await server.t.call(method, `/api/v1${path}`, body, { as, ...(headers ? { headers } : {}) });
  if (res.statusCode !== status) throw new Error(`${method} ${path}: ${res.statusCode} ${res.body}`);
  return res.json() as T;
}

const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
const add = (title: string, owner: string, due: string, priority = 'P2') => api<FollowUp>('POST', `/incidents/${incident.id}/follow-ups`, { title, owner, due, priority }, 'alex', 201);
const rowOf = async (title: string) => (await screen.findByText(title)).closest('tr')!;

beforeAll(async () => {
  await fake.start();
  const github = new GitHubIssues({ token: 'ghp_test', owner: 'acme', repo: 'ops', baseUrl: fake.url });
  server = await consoleServer({ alex: 'responder', priya: 'responder', vic: 'viewer' }, { trackers: { ports: { github }, pollMs: 3_600_000 } });
  incident = await declared(server, { title: 'Checkout returning 500s', severity: 'SEV2' }, 'alex');
  const now = new Date().toISOString();
  server.t.clock.set(new Date(Date.now() - 3 * 86_400_000).toISOString());
  late = await add('Alert on checkout error rate', 'priya', day(-3), 'P1');
  server.t.clock.set(now);
  mine = await add('Raise the connection pool', 'alex', day(10));
  theirs = await add('Document the rollback', 'priya', day(20), 'P3');
});
afterAll(async () => {
  await server.close();
  await fake.stop();
});
afterEach(() => cleanup());
configure({ asyncUtilTimeout: 5000 });

describe('console: follow-ups', () => {
  it('lists the open items earliest due first, overdue marked, with their incident, owner and priority', async () => {
    server.renderAs('alex', <FollowUps />);
    const row = await rowOf(late.title);
    expect(within(row).getByRole('link', { name: incident.id }).getAttribute('href')).toBe(`/incidents/${incident.id}`);
    expect(row.textContent).toContain('@priya');
    expect(row.textContent).toContain(day(-3));
    expect(within(row).getByText('Overdue')).toBeTruthy();
    expect(within(row).getByText('P1')).toBeTruthy();
    expect(within(row).getByText('Open')).toBeTruthy();
    expect(within(await rowOf(mine.title)).queryByText('Overdue')).toBeNull();
    const titles = screen.getAllByRole('row').slice(1).map((r) => r.querySelector('td')!.firstChild!.textContent);
    expect(titles).toEqual([late.title, mine.title, theirs.title]);
  });

  it('filters: mine only, overdue only, and by state', async () => {
    server.renderAs('alex', <FollowUps />);
    await rowOf(theirs.title);
    fireEvent.click(screen.getByLabelText('Mine only'));
    await waitFor(() => expect(screen.queryByText(theirs.title)).toBeNull());
    expect(screen.getByText(mine.title)).toBeTruthy();
    expect(screen.queryByText(late.title)).toBeNull();
    fireEvent.click(screen.getByLabelText('Mine only'));
    fireEvent.click(screen.getByLabelText('Overdue only'));
    await waitFor(() => expect(screen.queryByText(mine.title)).toBeNull());
    expect(screen.getByText(late.title)).toBeTruthy();
    fireEvent.click(screen.getByLabelText('Overdue only'));
    fireEvent.change(screen.getByLabelText('State'), { target: { value: 'done' } });
    await screen.findByText('No follow-ups match.');
  });

  it("marks done, drops with a reason and reopens, each naming the row's version", async () => {
    const item = await add('Add a runbook for the pool', 'alex', day(5));
    server.renderAs('alex', <FollowUps />);
    fireEvent.click(await screen.findByRole('button', { name: `Mark done ${item.id}` }));
    await waitFor(() => expect(screen.queryByText(item.title)).toBeNull());
    expect(await api<FollowUp>('GET', `/follow-ups/${item.id}`)).toMatchObject({ state: 'done', version: 2, closedBy: 'alex' });

    fireEvent.change(screen.getByLabelText('State'), { target: { value: 'any' } });
    fireEvent.click(await screen.findByRole('button', { name: `Reopen ${item.id}` }));
    fireEvent.click(await screen.findByRole('button', { name: `Won't do ${item.id}` }));
    const form = screen.getByRole('form', { name: `Won't do ${item.id}` });
    fireEvent.change(within(form).getByLabelText('Reason'), { target: { value: 'The pool is going away' } });
    fireEvent.click(within(form).getByRole('button', { name: "Confirm won't do" }));
    // The row is drawn anew at its new version.
    await waitFor(() => expect(screen.getByText(item.title).closest('tr')!.textContent).toContain('Reason: The pool is going away'));
    expect(within(await rowOf(item.title)).getByText("Won't do")).toBeTruthy();
    expect(await api<FollowUp>('GET', `/follow-ups/${item.id}`)).toMatchObject({ state: 'wont_do', reason: 'The pool is going away', version: 4 });
  });

  it('refuses a change when someone changed the item since the page loaded', async () => {
    const item = await add('Cap the batch job', 'priya', day(7));
    server.renderAs('alex', <FollowUps />);
    const done = await screen.findByRole('button', { name: `Mark done ${item.id}` });
    await api('PATCH', `/follow-ups/${item.id}`, { due: day(8) }, 'priya', 200, { 'if-match': `"${item.version}"` });
    fireEvent.click(done);
    const row = (await rowOf(item.title)) as HTMLElement;
    expect((await within(row).findByRole('alert')).textContent).toBe(`Follow-up ${item.id} is at version 2, not 1: someone changed it; reload.`);
    expect(await api<FollowUp>('GET', `/follow-ups/${item.id}`)).toMatchObject({ state: 'open', version: 2 });
    fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    await waitFor(() => expect(screen.getByText(item.title).closest('tr')!.textContent).toContain(day(8)));
    fireEvent.click(screen.getByRole('button', { name: `Mark done ${item.id}` }));
    await waitFor(() => expect(screen.queryByText(item.title)).toBeNull());
  });

  it('a viewer reads the follow-ups but has no actions', async () => {
    server.renderAs('vic', <FollowUps />);
    await rowOf(late.title);
    expect(screen.queryByRole('columnheader', { name: 'Actions' })).toBeNull();
    expect(screen.queryByRole('button', { name: /^Mark / })).toBeNull();
  });

  it("the room lists the incident's follow-ups and opens one from its form", async () => {
    server.renderAs('alex', <Room id={incident.id} />);
    const panel = (await screen.findByRole('heading', { name: 'Follow-ups' })).closest('section')!;
    const list = within(panel).getByRole('list', { name: 'Follow-ups, earliest due first' });
    await waitFor(() => expect(list.textContent).toContain(late.title));
    expect(within(list).getByText(late.title).closest('li')!.textContent).toContain('Overdue');
    const form = within(panel).getByRole('form', { name: 'New follow-up' });
    fireEvent.change(within(form).getByLabelText('Follow-up'), { target: { value: 'Page on pool saturation' } });
    fireEvent.change(await within(form).findByRole('combobox', { name: 'Follow-up owner' }), { target: { value: 'priya' } });
    await waitFor(() => expect((within(form).getByLabelText('Follow-up owner') as HTMLSelectElement).value).toBe('priya'));
    fireEvent.change(within(form).getByLabelText('Due (UTC day)'), { target: { value: day(14) } });
    fireEvent.change(within(form).getByLabelText('Priority'), { target: { value: 'P1' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Add follow-up' }));
    await waitFor(() => expect(list.textContent).toContain('Page on pool saturation'));
    const created = (await api<FollowUp[]>('GET', `/follow-ups?incident=${incident.id}`)).find((f) => f.title === 'Page on pool saturation');
    expect(created).toMatchObject({ owner: 'priya', due: day(14), priority: 'P1', state: 'open', createdBy: 'alex' });
  });

  it('the room refuses a due day in the past beside the field; a viewer sees the list without the form', async () => {
    server.renderAs('alex', <Room id={incident.id} />);
    const form = await screen.findByRole('form', { name: 'New follow-up' });
    fireEvent.change(within(form).getByLabelText('Follow-up'), { target: { value: 'Too late' } });
    await waitFor(() => expect(within(form).getAllByRole('option').length).toBeGreaterThan(1));
    fireEvent.change(within(form).getByLabelText('Follow-up owner'), { target: { value: 'alex' } });
    fireEvent.change(within(form).getByLabelText('Due (UTC day)'), { target: { value: day(-1) } });
    fireEvent.submit(form);
    expect((await within(form).findByRole('alert')).textContent).toMatch(/due/i);
    cleanup();

    server.renderAs('vic', <Room id={incident.id} />);
    const panel = (await screen.findByRole('heading', { name: 'Follow-ups' })).closest('section')!;
    await waitFor(() => expect(panel.textContent).toContain(late.title));
    expect(within(panel).queryByRole('form', { name: 'New follow-up' })).toBeNull();
  });

  it('exports an open item to GitHub once; its issue is then a link, and Jira not set up is said so', async () => {
    // Its own incident, last: the other tests count the items they made.
    const other = await declared(server, { title: 'Search slow', severity: 'SEV3' }, 'alex');
    const item = await api<FollowUp>('POST', `/incidents/${other.id}/follow-ups`, { title: 'Export me to the tracker', owner: 'alex', due: day(30) }, 'alex', 201);
    server.renderAs('alex', <FollowUps />);
    fireEvent.click(await screen.findByRole('button', { name: `Export ${item.id} to Jira` }));
    await screen.findByText(/Jira is not set up here/);
    fireEvent.click(screen.getByRole('button', { name: `Export ${item.id} to GitHub` }));
    const link = await screen.findByRole('link', { name: 'acme/ops#1' });
    expect(link.getAttribute('href')).toBe('https://github.example/acme/ops/issues/1');
    expect(screen.queryByRole('button', { name: `Export ${item.id} to GitHub` })).toBeNull();
    expect(fake.creates('github')).toHaveLength(1);
  });
});
