// @vitest-environment jsdom
import { useCallback, useEffect, useState } from 'react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { FindingsForYou, TasksPanel } from '../../console/src/room/Tasks.js';
import { useConsole } from '../../console/src/console-context.js';
import type { Entry, Incident, Person } from '../../console/src/types.js';
import { consoleServer, declared, type ConsoleServer } from './support.js';

let server: ConsoleServer;
let people: Person[];

beforeAll(async () => {
  server = await consoleServer({ alex: 'responder', dana: 'responder', lee: 'responder', vic: 'viewer' });
  people = await server.people();
});
afterAll(() => server.close());
afterEach(() => cleanup());

/** The panel as the room holds it: the incident and its timeline re-read from the API after every write. */
function Room({ id }: { id: string }) {
  const { api } = useConsole();
  const [incident, setIncident] = useState<Incident | null>(null);
  const [entries, setEntries] = useState<Entry[]>([]);
  const load = useCallback(async () => {
    const [next, timeline] = await Promise.all([api.get<Incident>(`/incidents/${id}`), api.get<Entry[]>(`/incidents/${id}/timeline`)]);
    setIncident(next);
    setEntries(timeline);
  }, [api, id]);
  useEffect(() => void load(), [load]);
  if (!incident) return null;
  return (
    <>
      <FindingsForYou entries={entries} />
      <TasksPanel incident={incident} people={people} onChanged={() => void load()} />
    </>
  );
}

const tasks = () => within(screen.getByRole('list', { name: 'Tasks, blocked first' })).queryAllByRole('listitem');
const post = (id: string, path: string, body: unknown, as: string) => server.t.call('POST', `/api/v1/incidents/${id}/${path}`, body, { as });

describe('console: tasks in the room (who is on what)', () => {
  it('the IC adds a task with an owner; it shows open, with the owner', async () => {
    const incident = await declared(server, { title: 'Tasks added', severity: 'SEV1' }, 'alex');
    server.renderAs('alex', <Room id={incident.id} />);
    await screen.findByText(/Nobody has a task yet/);
    fireEvent.change(screen.getByLabelText('Task'), { target: { value: 'Check the batch job' } });
    fireEvent.change(screen.getByLabelText('Owner'), { target: { value: 'dana' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add task' }));
    await waitFor(() => expect(tasks()).toHaveLength(1));
    expect(tasks()[0]!.textContent).toMatch(/^open.*Check the batch job.*@dana/);
    expect((await server.incident(incident.id)).tasks).toMatchObject([{ title: 'Check the batch job', owner: 'dana', state: 'open', createdBy: 'alex' }]);
  });

  it('blocked tasks come first with their reason; the owner marks theirs blocked, then done; others see no buttons on it', async () => {
    const incident = await declared(server, { title: 'Tasks worked', severity: 'SEV1' }, 'alex');
    await post(incident.id, 'tasks', { title: 'Scale the pool', owner: 'lee' }, 'alex');
    await post(incident.id, 'tasks', { title: 'Read the slow log', owner: 'dana' }, 'alex');
    server.renderAs('dana', <Room id={incident.id} />);
    await waitFor(() => expect(tasks()).toHaveLength(2));
    const lee = () => screen.getByRole('listitem', { name: /Scale the pool/ });
    const mine = () => screen.getByRole('listitem', { name: /Read the slow log/ });
    expect(within(lee()).queryByRole('button')).toBeNull();

    fireEvent.click(within(mine()).getByRole('button', { name: 'Mark blocked' }));
    fireEvent.change(within(mine()).getByLabelText(/^What blocks/), { target: { value: 'Waiting on DBA access' } });
    fireEvent.click(within(mine()).getByRole('button', { name: 'Block' }));
    await waitFor(() => expect(tasks()[0]!.textContent).toContain('Blocked: Waiting on DBA access'));
    expect(tasks()[0]!.textContent).toContain('Read the slow log');
    expect(screen.getByText(/1 blocked · 1 open · 0 done/)).toBeTruthy();

    fireEvent.click(within(mine()).getByRole('button', { name: 'Mark done' }));
    await waitFor(() => expect(tasks()[1]!.textContent).toMatch(/^done.*Read the slow log/));
    expect((await server.incident(incident.id)).tasks.map((t) => [t.title, t.state])).toEqual([
      ['Scale the pool', 'open'],
      ['Read the slow log', 'done'],
    ]);
  });

  it('a viewer sees the tasks but cannot add or change any', async () => {
    const incident = await declared(server, { title: 'Tasks read-only', severity: 'SEV2' }, 'alex');
    await post(incident.id, 'tasks', { title: 'Check DNS', owner: 'lee' }, 'alex');
    server.renderAs('vic', <Room id={incident.id} />);
    await waitFor(() => expect(tasks()).toHaveLength(1));
    expect(screen.queryByRole('button')).toBeNull();
    expect(screen.queryByRole('form', { name: 'New task' })).toBeNull();
  });

  it('findings reported up to the IC are shown to the IC first; others do not see them as theirs', async () => {
    const incident = await declared(server, { title: 'Findings', severity: 'SEV1' }, 'alex');
    await post(incident.id, 'timeline', { kind: 'finding', text: 'The batch job holds 95 connections' }, 'dana');
    await post(incident.id, 'timeline', { kind: 'finding', text: 'TTL is 0', to: 'lee' }, 'dana');
    server.renderAs('alex', <Room id={incident.id} />);
    const panel = await screen.findByRole('region', { name: 'Findings for you' });
    expect(panel.textContent).toContain('The batch job holds 95 connections');
    expect(panel.textContent).toContain('@dana');
    expect(panel.textContent).not.toContain('TTL is 0');
    cleanup();
    server.renderAs('dana', <Room id={incident.id} />);
    await waitFor(() => expect(screen.getByRole('region', { name: 'Tasks' })).toBeTruthy());
    expect(screen.queryByRole('region', { name: 'Findings for you' })).toBeNull();
  });
});
