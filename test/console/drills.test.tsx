// @vitest-environment jsdom
/**
 * The Drills screen against a real server: start a drill from a script at a speed, stop it,
 * read an ended drill's scorecard; a viewer only reads. And the DRILL mark on the drill's
 * incident in the incident list and the room, absent from a real incident.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, configure, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { DrillsScreen } from '../../console/src/drills/DrillsScreen.js';
import { IncidentList } from '../../console/src/screens/IncidentList.js';
import { Room } from '../../console/src/screens/Room.js';
import type { Drill, Incident } from '../../console/src/types.js';
import { consoleServer, declared, type ConsoleServer } from './support.js';

let server: ConsoleServer;
/** A drill declared and run through the API, then stopped: its scorecard is final. */
let scored: Drill;
let drillIncident: Incident;
let realIncident: Incident;

async function api<T>(method: string, path: string, body?: unknown, as = 'admin', status = 200): Promise<T> {
  const res = await server.t.call(method, `/api/v1${path}`, body, { as });
  if (res.statusCode !== status) throw new Error(`${method} ${path}: ${res.statusCode} ${res.body}`);
  return res.json() as T;
}

beforeAll(async () => {
  server = await consoleServer({ alex: 'responder', priya: 'responder', vic: 'viewer' });
  const drill = await api<Drill>('POST', '/drills', { script: 'checkout', speed: 10 }, 'alex', 201);
  drillIncident = await declared(server, { title: 'Checkout returning 500s', severity: 'SEV2', drill: drill.id }, 'alex');
  await api('POST', `/incidents/${drillIncident.id}/roles`, { role: 'comms_lead', person: 'priya' }, 'alex');
  await api('POST', `/incidents/${drillIncident.id}/timeline`, { kind: 'ruled_out', text: 'The 14:00 deploy: rolled back, errors continue.' }, 'priya', 201);
  scored = await api<Drill>('POST', `/drills/${drill.id}/stop`, undefined, 'alex');
  realIncident = await declared(server, { title: 'Search is slow', severity: 'SEV3' }, 'alex');
});
afterAll(() => server.close());
afterEach(() => cleanup());
configure({ asyncUtilTimeout: 5000 });

describe('console: drills', () => {
  it('starts a drill from a script at a chosen speed, lists it running, and stops it', async () => {
    server.renderAs('alex', <DrillsScreen id={null} />);
    const script = await screen.findByLabelText('Script');
    await waitFor(() => expect((script as HTMLSelectElement).value).toBe('checkout'));
    expect(screen.getByText(/Checkout returning 500s \(10 steps\)/)).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Speed'), { target: { value: '50' } });
    fireEvent.click(screen.getByRole('button', { name: 'Start drill' }));

    const started = await screen.findByRole('status');
    const id = /Started (drl_[0-9a-f]{12}) at 50×/.exec(started.textContent ?? '')?.[1];
    expect(id, started.textContent ?? '').toBeTruthy();
    expect(((await api<Drill[]>('GET', '/drills')).find((d) => d.id === id))).toMatchObject({ speed: 50, state: 'running', notify: false });

    const stop = await screen.findByRole('button', { name: `Stop drill ${id}` });
    const card = stop.closest('li')!;
    expect(within(card).getByText('Running')).toBeTruthy();
    fireEvent.click(stop);
    await waitFor(() => expect((screen.getByText(new RegExp(`^${id} ·`)).closest('li') as HTMLElement).textContent).toContain('Ended: stopped'));
    expect((await api<Drill>('GET', `/drills/${id}`)).endedHow).toBe('stopped');
  });

  it('refuses a speed the server does not take, next to the field', async () => {
    server.renderAs('alex', <DrillsScreen id={null} />);
    await waitFor(() => expect((screen.getByLabelText('Script') as HTMLSelectElement).value).toBe('checkout'));
    fireEvent.change(screen.getByLabelText('Speed'), { target: { value: '5000' } });
    fireEvent.submit(screen.getByRole('button', { name: 'Start drill' }).closest('form')!);
    expect((await screen.findByRole('alert')).textContent).toMatch(/speed/);
  });

  it("shows an ended drill's scorecard: time to declare, roles, hands off, updates, what was ruled out", async () => {
    expect(scored.state).toBe('ended');
    server.renderAs('vic', <DrillsScreen id={scored.id} />);
    const card = (await screen.findByRole('heading', { name: 'Scorecard' })).closest('section')!;
    const value = (term: string) => within(card).getByText(term, { selector: 'dt' }).nextElementSibling!.textContent;
    expect(value('Time to declare')).toMatch(/from the first alert|Never declared\./);
    expect(value('Roles named')).toContain('Incident Commander: @alex');
    expect(value('Roles named')).toContain('Comms Lead: @priya');
    expect(value('Roles named')).toContain('Scribe: not named');
    expect(value('IC kept hands off')).toBe('Yes.');
    expect(value('Updates on time')).toBeTruthy();
    expect(value('Ruled out')).toContain('Found 1 of 2: deploy. Missed: payment provider.');
    expect(value('Ruled out')).toContain('@priya: The 14:00 deploy: rolled back, errors continue.');
    expect(value('Resolved')).toBe('No.');
    expect(screen.getByRole('link', { name: `Open ${drillIncident.id}` }).getAttribute('href')).toBe(`/incidents/${drillIncident.id}`);
  });

  it('a viewer reads the drills but has no start form and no stop button', async () => {
    await api<Drill>('POST', '/drills', { script: 'checkout', speed: 1 }, 'alex', 201);
    server.renderAs('vic', <DrillsScreen id={null} />);
    await screen.findAllByText('Running');
    expect(screen.queryByLabelText('Script')).toBeNull();
    expect(screen.queryByRole('button', { name: /^Stop drill/ })).toBeNull();
    expect(screen.getAllByRole('link', { name: `Scorecard of ${scored.id}` })).toHaveLength(1);
  });

  it('marks the drill incident DRILL in the incident list and the room; a real incident has no mark', async () => {
    server.renderAs('vic', <IncidentList />);
    const drillRow = (await screen.findByRole('link', { name: `${drillIncident.id} Checkout returning 500s` })).closest('tr')!;
    expect(within(drillRow).getByText('DRILL')).toBeTruthy();
    const realRow = screen.getByRole('link', { name: `${realIncident.id} Search is slow` }).closest('tr')!;
    expect(within(realRow).queryByText('DRILL')).toBeNull();
    cleanup();

    server.renderAs('vic', <Room id={drillIncident.id} />);
    const header = (await screen.findByRole('heading', { level: 1, name: new RegExp(drillIncident.id) })).closest('header')!;
    expect(within(header).getByText('DRILL')).toBeTruthy();
    expect(within(header).getByRole('link', { name: scored.id }).getAttribute('href')).toBe(`/drills/${scored.id}`);
    expect(header.textContent).toContain('it stays off the status page, chat, pages and webhooks');
    cleanup();

    server.renderAs('vic', <Room id={realIncident.id} />);
    const plain = (await screen.findByRole('heading', { level: 1, name: new RegExp(realIncident.id) })).closest('header')!;
    expect(within(plain).queryByText('DRILL')).toBeNull();
  });
});
