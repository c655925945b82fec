// @vitest-environment jsdom
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { RolePanel } from '../../console/src/room/RolePanel.js';
import type { Person } from '../../console/src/types.js';
import { consoleServer, declared, liveRoom, type ConsoleServer } from './support.js';

let server: ConsoleServer;
let people: Person[];

beforeAll(async () => {
  server = await consoleServer({ alex: 'responder', priya: 'responder', sam: 'responder', vic: 'viewer' });
  people = await server.people();
});
afterAll(() => server.close());
afterEach(() => cleanup());

const { Room, reload } = liveRoom((incident, onChanged) => <RolePanel incident={incident} people={people} onChanged={onChanged} />);

const sev1 = (title: string) => declared(server, { title, severity: 'SEV1' }, 'alex');

function row(label: string) {
  return screen.getByText(label, { selector: 'dt' }).parentElement!;
}

describe('console: the role panel (R3–R6)', () => {
  it('R4: a SEV1 without a Comms Lead and a Scribe shows the role gap', async () => {
    server.renderAs('alex', <Room initial={await sev1('Role gap shown')} />);
    const gap = screen.getByRole('alert', { name: 'Role gap' });
    expect(gap.textContent).toContain('SEV1 needs a Comms Lead');
    expect(gap.textContent).toContain('SEV1 needs a Scribe');
    expect(within(row('Comms Lead')).getByText('(unassigned)')).toBeTruthy();
  });

  it('R4: the IC names the Comms Lead and the Scribe; the gap closes', async () => {
    const incident = await sev1('Roles filled');
    server.renderAs('alex', <Room initial={incident} />);
    fireEvent.change(screen.getByLabelText('Name Comms Lead'), { target: { value: 'priya' } });
    fireEvent.click(within(row('Comms Lead')).getByRole('button', { name: 'Name' }));
    await waitFor(() => expect(row('Comms Lead').textContent).toContain('@priya (Priya)'));
    fireEvent.change(screen.getByLabelText('Name Scribe'), { target: { value: 'sam' } });
    fireEvent.click(within(row('Scribe')).getByRole('button', { name: 'Name' }));
    await waitFor(() => expect(screen.queryByRole('alert', { name: 'Role gap' })).toBeNull());
    expect((await server.incident(incident.id)).roles).toEqual({ incident_commander: 'alex', comms_lead: 'priya', scribe: 'sam' });
  });

  it('a person chosen in a picker and then taken by someone else meanwhile reads as no choice: nothing unseen is sent', async () => {
    const incident = await sev1('Chosen meanwhile');
    server.renderAs('alex', <Room initial={incident} />);
    const picker = screen.getByLabelText('Pull in SME') as HTMLSelectElement;
    fireEvent.change(picker, { target: { value: 'sam' } });
    const pullIn = within(row('SMEs')).getByRole('button', { name: 'Pull in' }) as HTMLButtonElement;
    expect(pullIn.disabled).toBe(false);
    const theirs = await server.t.call('POST', `/api/v1/incidents/${incident.id}/smes`, { person: 'sam', specialty: 'database' }, { as: 'alex' });
    expect(theirs.statusCode).toBe(200);
    await reload(await server.incident(incident.id));
    expect(within(row('SMEs')).getByText(/@sam \(Sam\), database/)).toBeTruthy();
    expect(picker.value).toBe('');
    expect(pullIn.disabled).toBe(true);
    // Released again elsewhere, Sam is offered again, but not chosen: the choice was dropped, not hidden.
    await server.t.call('DELETE', `/api/v1/incidents/${incident.id}/smes/sam`, undefined, { as: 'alex' });
    await reload(await server.incident(incident.id));
    expect(within(picker).getByRole('option', { name: /@sam/ })).toBeTruthy();
    expect(picker.value).toBe('');
    expect(pullIn.disabled).toBe(true);
  });

  it('R3: offering IC keeps the old IC until the person offered says yes, and only they see Accept / Decline', async () => {
    const incident = await sev1('IC handoff');
    server.renderAs('alex', <Room initial={incident} />);
    fireEvent.change(screen.getByLabelText('Offer IC to'), { target: { value: 'priya' } });
    fireEvent.click(screen.getByRole('button', { name: 'Offer IC' }));
    await screen.findByText(/IC offered to @priya/);
    expect(row('Incident Commander').textContent).toMatch(/^Incident Commander@alex \(Alex\)/);
    expect(screen.queryByRole('button', { name: 'Accept IC' })).toBeNull();
    cleanup();

    server.renderAs('priya', <Room initial={await server.incident(incident.id, 'priya')} />);
    expect(screen.getByText(/@alex stays IC until they say yes/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Accept IC' }));
    await waitFor(() => expect(row('Incident Commander').textContent).toContain('@priya (Priya) (you)'));
    expect((await server.incident(incident.id)).roles.incident_commander).toBe('priya');
  });

  it('R3: declining leaves IC where it was', async () => {
    const incident = await sev1('IC declined');
    await server.t.call('POST', `/api/v1/incidents/${incident.id}/roles`, { role: 'incident_commander', person: 'sam' }, { as: 'alex' });
    server.renderAs('sam', <Room initial={await server.incident(incident.id)} />);
    fireEvent.click(screen.getByRole('button', { name: 'Decline IC' }));
    await waitFor(() => expect(screen.queryByText(/IC offered to/)).toBeNull());
    expect((await server.incident(incident.id)).roles.incident_commander).toBe('alex');
  });

  it('R5/R6: SMEs show with their specialty; pulling in the IC as an SME warns that the IC does not debug', async () => {
    server.renderAs('alex', <Room initial={await sev1('SMEs')} />);
    fireEvent.change(screen.getByLabelText('Pull in SME'), { target: { value: 'sam' } });
    fireEvent.change(screen.getByLabelText('Specialty'), { target: { value: 'database' } });
    fireEvent.click(screen.getByRole('button', { name: 'Pull in' }));
    await waitFor(() => expect(row('SMEs').textContent).toContain('@sam (Sam), database'));
    fireEvent.change(screen.getByLabelText('Pull in SME'), { target: { value: 'alex' } });
    fireEvent.change(screen.getByLabelText('Specialty'), { target: { value: 'payments' } });
    fireEvent.click(screen.getByRole('button', { name: 'Pull in' }));
    const warning = await screen.findByRole('status', { name: 'Role warnings' });
    expect(warning.textContent).toContain('Nobody is steering while the IC debugs');
  });

  it("an API refusal shows next to the field it names (a blank specialty)", async () => {
    server.renderAs('alex', <Room initial={await sev1('Blank specialty')} />);
    fireEvent.change(screen.getByLabelText('Pull in SME'), { target: { value: 'sam' } });
    fireEvent.change(screen.getByLabelText('Specialty'), { target: { value: '   ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Pull in' }));
    const specialty = screen.getByLabelText('Specialty');
    await waitFor(() => expect(specialty.getAttribute('aria-describedby') ?? '').toMatch(/error/));
    expect(document.getElementById(specialty.getAttribute('aria-describedby')!)?.textContent).toContain('specialty');
  });

  it('a viewer sees who holds what, and no control to change it', async () => {
    server.renderAs('vic', <Room initial={await sev1('Viewer')} />);
    expect(row('Incident Commander').textContent).toContain('@alex');
    expect(screen.queryAllByRole('button')).toEqual([]);
    expect(screen.queryAllByRole('combobox')).toEqual([]);
  });

  it('a responder who is not the IC cannot name roles, but can release themselves', async () => {
    const incident = await sev1('Self release');
    await server.t.call('POST', `/api/v1/incidents/${incident.id}/roles`, { role: 'scribe', person: 'sam' }, { as: 'alex' });
    server.renderAs('sam', <Room initial={await server.incident(incident.id)} />);
    expect(screen.queryByLabelText('Name Scribe')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Release Scribe' }));
    await waitFor(() => expect(within(row('Scribe')).getByText('(unassigned)')).toBeTruthy());
  });
});
