// @vitest-environment jsdom
/** Console: an affected component's status row while someone else sets the same component — against a real in-process server. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { StatusControls } from '../../console/src/status-page/StatusControls.js';
import type { Component, Incident } from '../../console/src/types.js';
import { consoleServer, declared, liveRoom, type ConsoleServer } from './support.js';

let server: ConsoleServer;
let components: Component[];

beforeAll(async () => {
  server = await consoleServer({ alex: 'responder', lee: 'responder' });
  const created = await server.t.call('POST', '/api/v1/components', { id: 'checkout', name: 'Checkout' });
  expect(created.statusCode).toBe(201);
  components = (await server.t.call('GET', '/api/v1/components')).json() as Component[];
});
afterAll(() => server.close());
afterEach(() => cleanup());

const { Room, reload } = liveRoom((incident, onChanged) => <StatusControls incident={incident} severity={undefined} components={components} counts={null} onChanged={onChanged} />);

const select = () => screen.getByLabelText('Status of Checkout') as HTMLSelectElement;
const setBy = (incident: Incident, status: string, as: string) => server.t.call('PUT', `/api/v1/incidents/${incident.id}/components/checkout`, { status }, { as });

describe('console: an affected component’s status', () => {
  it('follows the room until chosen; a choice survives someone else setting the component, which is said under it, and is saved in its place', async () => {
    const incident = await declared(server, { title: 'Checkout errors', severity: 'SEV2', components: ['checkout'] }, 'alex');
    server.renderAs('lee', <Room initial={incident} />);
    expect(select().value).toBe(incident.statusPage.components.checkout);

    expect((await setBy(incident, 'degraded_performance', 'alex')).statusCode).toBe(200);
    await reload(await server.incident(incident.id));
    expect(select().value).toBe('degraded_performance');

    fireEvent.change(select(), { target: { value: 'major_outage' } });
    expect((await setBy(incident, 'partial_outage', 'alex')).statusCode).toBe(200);
    await reload(await server.incident(incident.id));
    expect(select().value).toBe('major_outage');
    const hint = screen.getByText('Changed meanwhile to “Partial outage”: saving puts yours in its place.');
    expect(select().getAttribute('aria-describedby')).toContain(hint.id);

    fireEvent.click(screen.getByRole('button', { name: 'Set Checkout' }));
    await waitFor(async () => expect((await server.incident(incident.id)).statusPage.components.checkout).toBe('major_outage'));
    await waitFor(() => expect(screen.queryByText(/Changed meanwhile/)).toBeNull());
    expect(select().value).toBe('major_outage');
    expect((screen.getByRole('button', { name: 'Set Checkout' }) as HTMLButtonElement).disabled).toBe(true);

    expect((await setBy(incident, 'operational', 'alex')).statusCode).toBe(200);
    await reload(await server.incident(incident.id));
    expect(select().value).toBe('operational');
  });

  it('a choice changed back to where it was, after someone else set the component meanwhile, stays the person’s choice', async () => {
    const incident = await declared(server, { title: 'Checkout slow', severity: 'SEV3', components: ['checkout'] }, 'alex');
    expect((await setBy(incident, 'operational', 'alex')).statusCode).toBe(200);
    server.renderAs('lee', <Room initial={await server.incident(incident.id)} />);
    fireEvent.change(select(), { target: { value: 'major_outage' } });
    expect((await setBy(incident, 'partial_outage', 'alex')).statusCode).toBe(200);
    await reload(await server.incident(incident.id));
    fireEvent.change(select(), { target: { value: 'operational' } });
    expect(select().value).toBe('operational');
    expect(screen.getByText('Changed meanwhile to “Partial outage”: saving puts yours in its place.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Set Checkout' }));
    await waitFor(async () => expect((await server.incident(incident.id)).statusPage.components.checkout).toBe('operational'));
    await waitFor(() => expect(screen.queryByText(/Changed meanwhile/)).toBeNull());
  });
});
