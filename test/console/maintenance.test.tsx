// @vitest-environment jsdom
/** Console: a maintenance window's reminders, chosen when scheduling and changing it — against a real in-process server. */
import { useEffect, useState } from 'react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { act, cleanup, configure, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { MaintenancePanel } from '../../console/src/status-page/Maintenance.js';
import type { Component, Maintenance } from '../../console/src/types.js';
import { consoleServer, type ConsoleServer } from './support.js';

let server: ConsoleServer;
let components: Component[];

beforeAll(async () => {
  server = await consoleServer({ alex: 'responder' });
  expect((await server.t.call('POST', '/api/v1/components', { id: 'checkout', name: 'Checkout' })).statusCode).toBe(201);
  components = (await server.t.call('GET', '/api/v1/components')).json() as Component[];
});
afterAll(() => server.close());
afterEach(() => cleanup());
configure({ asyncUtilTimeout: 5000 });

const windows = async () => (await server.t.call('GET', '/api/v1/maintenances?state=scheduled')).json() as Maintenance[];
const chosenFor = async (title: string) => (await windows()).find((w) => w.title === title)?.remindBefore;
let reload: () => Promise<void> = async () => undefined;

/** The status page screen's part: the windows as the server has them, read again after each change here or on `reload`. */
function Panel() {
  const [shown, setShown] = useState<Maintenance[]>([]);
  reload = async () => {
    const list = await windows();
    await act(async () => setShown(list));
  };
  useEffect(() => void reload(), []);
  return <MaintenancePanel windows={shown} components={components} onChanged={() => void reload()} />;
}

const inputAt = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString().slice(0, 16);
const reminders = (form: HTMLElement) => within(within(form).getByRole('group', { name: 'Remind subscribers before it starts' }));
const ticked = (form: HTMLElement) =>
  ['1 hour', '24 hours', '72 hours'].filter((name) => (reminders(form).getByRole('checkbox', { name }) as HTMLInputElement).checked);

describe('console: maintenance reminders', () => {
  it('scheduling offers 1 hour (ticked), 24 hours and 72 hours; the list says which were chosen, and a change saves its own', async () => {
    server.renderAs('alex', <Panel />);
    fireEvent.click(screen.getByRole('button', { name: 'Schedule maintenance…' }));
    const form = screen.getByRole('form', { name: 'Schedule maintenance' });
    expect(ticked(form)).toEqual(['1 hour']);
    fireEvent.change(within(form).getByLabelText('Title'), { target: { value: 'Datacenter move' } });
    fireEvent.change(within(form).getByLabelText(/What will happen/), { target: { value: 'Checkout is read-only.' } });
    fireEvent.change(within(form).getByLabelText('Starts (UTC)'), { target: { value: inputAt(96) } });
    fireEvent.change(within(form).getByLabelText('Ends (UTC)'), { target: { value: inputAt(97) } });
    fireEvent.click(reminders(form).getByRole('checkbox', { name: '72 hours' }));
    fireEvent.click(reminders(form).getByRole('checkbox', { name: '24 hours' }));
    fireEvent.click(within(form).getByRole('button', { name: 'Schedule' }));
    const item = await screen.findByRole('listitem', { name: 'Datacenter move' });
    await within(item).findByText('Subscribers reminded 72 hours, 24 hours and 1 hour before it starts');
    expect(await chosenFor('Datacenter move')).toEqual(['1h', '24h', '72h']);

    fireEvent.click(within(item).getByRole('button', { name: 'Change Datacenter move' }));
    const change = screen.getByRole('form', { name: 'Change maintenance Datacenter move' });
    expect(ticked(change)).toEqual(['1 hour', '24 hours', '72 hours']);
    fireEvent.click(reminders(change).getByRole('checkbox', { name: '1 hour' }));
    fireEvent.click(reminders(change).getByRole('checkbox', { name: '72 hours' }));
    fireEvent.click(within(change).getByRole('button', { name: 'Save changes' }));
    await within(item).findByText('Subscribers reminded 24 hours before it starts');
    expect(await chosenFor('Datacenter move')).toEqual(['24h']);

    fireEvent.click(within(item).getByRole('button', { name: 'Change Datacenter move' }));
    fireEvent.click(reminders(screen.getByRole('form', { name: 'Change maintenance Datacenter move' })).getByRole('checkbox', { name: '24 hours' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    await within(item).findByText('No reminder to subscribers');
    expect(await chosenFor('Datacenter move')).toEqual([]);
  });

  it('while someone changes a window, the reminders follow another\'s change until ticked, and then say it changed meanwhile', async () => {
    const body = { title: 'Cache flush', message: 'Slower pages.', components: [], startsAt: `${inputAt(120)}:00Z`, endsAt: `${inputAt(121)}:00Z`, remindBefore: [] };
    const created = (await server.t.call('POST', '/api/v1/maintenances', body)).json() as Maintenance;
    server.renderAs('alex', <Panel />);
    const item = await screen.findByRole('listitem', { name: 'Cache flush' });
    fireEvent.click(within(item).getByRole('button', { name: 'Change Cache flush' }));
    const change = screen.getByRole('form', { name: 'Change maintenance Cache flush' });
    expect(ticked(change)).toEqual([]);
    expect((await server.t.call('PATCH', `/api/v1/maintenances/${created.id}`, { remindBefore: ['72h'] })).statusCode).toBe(200);
    await reload();
    await waitFor(() => expect(ticked(change)).toEqual(['72 hours']));

    fireEvent.click(reminders(change).getByRole('checkbox', { name: '1 hour' }));
    expect((await server.t.call('PATCH', `/api/v1/maintenances/${created.id}`, { remindBefore: ['24h'] })).statusCode).toBe(200);
    await reload();
    const group = within(change).getByRole('group', { name: 'Remind subscribers before it starts' });
    const hint = await within(change).findByText('Changed meanwhile to “24 hours”: saving puts yours in its place.');
    expect(group.getAttribute('aria-describedby')).toBe(hint.id);
    expect(ticked(change)).toEqual(['1 hour', '72 hours']);
    fireEvent.click(within(change).getByRole('button', { name: 'Save changes' }));
    await within(item).findByText('Subscribers reminded 72 hours and 1 hour before it starts');
    expect(await chosenFor('Cache flush')).toEqual(['1h', '72h']);
  });
});
