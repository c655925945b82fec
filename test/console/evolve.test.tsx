// @vitest-environment jsdom
/** Console: correct an incident's details, reopen it, merge it — against a real in-process server. */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { EditDetails, MergePanel, ReopenPanel } from '../../console/src/room/Evolve.js';
import { consoleServer, declared, liveRoom, type ConsoleServer } from './support.js';

let server: ConsoleServer;

beforeAll(async () => {
  server = await consoleServer({ alex: 'responder', lee: 'responder' });
});
afterAll(() => server.close());
afterEach(() => cleanup());

// As the room renders them for a responder: open or not, Merge and Reopen decide what they show.
const { Room, reload } = liveRoom((incident, onChanged) => (
  <>
    <p data-testid="state">{`${incident.title} · ${incident.state} · ${incident.mergedInto ?? ''}`}</p>
    <EditDetails incident={incident} onChanged={onChanged} />
    <MergePanel incident={incident} onChanged={onChanged} />
    <ReopenPanel incident={incident} onChanged={onChanged} />
  </>
));

describe('console: understanding evolves', () => {
  it('the title and summary are corrected with a reason; only what changed is recorded', async () => {
    const incident = await declared(server, { title: 'Checkout errors', severity: 'SEV2' }, 'alex');
    server.renderAs('lee', <Room initial={incident} />);
    const save = screen.getByRole('button', { name: 'Save corrections' }) as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    fireEvent.change(screen.getByLabelText('Title'), { target: { value: 'Checkout 500s' } });
    fireEvent.change(screen.getByLabelText('Summary'), { target: { value: 'Pool exhausted' } });
    fireEvent.change(screen.getAllByLabelText('Reason')[0]!, { target: { value: 'Found the cause' } });
    fireEvent.click(save);
    await waitFor(() => expect(screen.getByTestId('state').textContent).toBe('Checkout 500s · open · '));
    const timeline = (await server.t.call('GET', `/api/v1/incidents/${incident.id}/timeline?kind=edited`)).json() as { text: string; actor: string }[];
    expect(timeline.map((e) => [e.actor, e.text])).toEqual([
      ['lee', 'Title "Checkout errors" → "Checkout 500s": Found the cause'],
      ['lee', 'Summary now "Pool exhausted": Found the cause'],
    ]);
  });

  it('a correction being typed survives someone else’s change to another field, which the form follows; saving sends only what was typed', async () => {
    const incident = await declared(server, { title: 'Login errors', severity: 'SEV2' }, 'alex');
    server.renderAs('lee', <Room initial={incident} />);
    fireEvent.change(screen.getByLabelText('Title'), { target: { value: 'Login 502s' } });
    const theirs = await server.t.call('PATCH', `/api/v1/incidents/${incident.id}`, { summary: 'Token service down', reason: 'paged' }, { as: 'alex' });
    expect(theirs.statusCode).toBe(200);
    await reload(await server.incident(incident.id));
    expect((screen.getByLabelText('Title') as HTMLInputElement).value).toBe('Login 502s');
    expect((screen.getByLabelText('Summary') as HTMLTextAreaElement).value).toBe('Token service down');
    expect(screen.queryByText(/Changed meanwhile/)).toBeNull();
    fireEvent.change(screen.getAllByLabelText('Reason')[0]!, { target: { value: 'clearer' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save corrections' }));
    await waitFor(() => expect(screen.getByTestId('state').textContent).toBe('Login 502s · open · '));
    expect(await server.incident(incident.id)).toMatchObject({ title: 'Login 502s', summary: 'Token service down' });
    expect((screen.getByLabelText('Title') as HTMLInputElement).value).toBe('Login 502s');
  });

  it('the same field changed meanwhile by someone else is said under it, and saving puts the typed value in its place', async () => {
    const incident = await declared(server, { title: 'Queue backlog', severity: 'SEV3' }, 'alex');
    server.renderAs('lee', <Room initial={incident} />);
    fireEvent.change(screen.getByLabelText('Title'), { target: { value: 'Queue backlog in eu-west' } });
    await server.t.call('PATCH', `/api/v1/incidents/${incident.id}`, { title: 'Queue backlog (billing)', reason: 'scope' }, { as: 'alex' });
    await reload(await server.incident(incident.id));
    expect((screen.getByLabelText('Title') as HTMLInputElement).value).toBe('Queue backlog in eu-west');
    const hint = screen.getByText('Changed meanwhile to “Queue backlog (billing)”: saving puts yours in its place.');
    expect(screen.getByLabelText('Title').getAttribute('aria-describedby')).toContain(hint.id);
    fireEvent.change(screen.getAllByLabelText('Reason')[0]!, { target: { value: 'region, not team' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save corrections' }));
    await waitFor(() => expect(screen.getByTestId('state').textContent).toBe('Queue backlog in eu-west · open · '));
    expect(screen.queryByText(/Changed meanwhile/)).toBeNull();
  });

  it('after saving, a value the server tidied (trimmed) is taken as saved, not as someone else’s change, and the field follows the room again', async () => {
    const incident = await declared(server, { title: 'Cache misses', severity: 'SEV3' }, 'alex');
    server.renderAs('lee', <Room initial={incident} />);
    fireEvent.change(screen.getByLabelText('Title'), { target: { value: '  Cache misses in eu-west  ' } });
    fireEvent.change(screen.getAllByLabelText('Reason')[0]!, { target: { value: 'where' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save corrections' }));
    await waitFor(() => expect(screen.getByTestId('state').textContent).toBe('Cache misses in eu-west · open · '));
    expect((screen.getByLabelText('Title') as HTMLInputElement).value).toBe('Cache misses in eu-west');
    expect(screen.queryByText(/Changed meanwhile/)).toBeNull();
    await server.t.call('PATCH', `/api/v1/incidents/${incident.id}`, { title: 'Cache misses (all regions)', reason: 'wider' }, { as: 'alex' });
    await reload(await server.incident(incident.id));
    expect((screen.getByLabelText('Title') as HTMLInputElement).value).toBe('Cache misses (all regions)');
  });

  it('a refusal is shown beside the field it names', async () => {
    const incident = await declared(server, { title: 'Search slow', severity: 'SEV3' }, 'alex');
    server.renderAs('alex', <Room initial={incident} />);
    fireEvent.change(screen.getByLabelText('Impact began (UTC)'), { target: { value: '2099-01-01T00:00:00' } });
    fireEvent.change(screen.getAllByLabelText('Reason')[0]!, { target: { value: 'later' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save corrections' }));
    expect((await screen.findByText(/Impact cannot start after the incident was declared/)).textContent).toBeTruthy();
  });

  it('merge closes the incident with a pointer; a resolved one offers Reopen', async () => {
    const main = await declared(server, { title: 'Payments down', severity: 'SEV1' }, 'alex');
    const duplicate = await declared(server, { title: 'Card errors', severity: 'SEV2' }, 'alex');
    server.renderAs('alex', <Room initial={duplicate} />);
    fireEvent.change(screen.getByLabelText('Merge into (an open incident, e.g. INC-7)'), { target: { value: main.id } });
    fireEvent.click(screen.getByRole('button', { name: `Merge ${duplicate.id}` }));
    await waitFor(() => expect(screen.getByTestId('state').textContent).toBe(`Card errors · closed · ${main.id}`));
    cleanup();

    await server.t.call('POST', `/api/v1/incidents/${main.id}/resolve`, { impact: 'Down 10 minutes', whatWeKnow: 'Pool' }, { as: 'alex' });
    server.renderAs('lee', <Room initial={await server.incident(main.id)} />);
    fireEvent.change(screen.getAllByLabelText('Reason')[1]!, { target: { value: 'Errors are back' } });
    fireEvent.click(screen.getByRole('button', { name: `Reopen ${main.id}` }));
    await waitFor(() => expect(screen.getByTestId('state').textContent).toBe('Payments down · open · '));
    // Their own reopen: the panel goes, with nothing said about a reason not posted.
    expect(screen.queryByRole('heading', { name: 'Resolved too early?' })).toBeNull();
    expect(screen.queryByText(/not posted/)).toBeNull();
  });

  it('their own reopen says nothing of a reason not posted, even when the room’s live reload brings the reopened incident first', async () => {
    const incident = await declared(server, { title: 'Uploads failing', severity: 'SEV2', commander: 'alex' }, 'alex');
    await server.t.call('POST', `/api/v1/incidents/${incident.id}/resolve`, { impact: 'Uploads failed', whatWeKnow: 'Disk' }, { as: 'alex' });
    server.renderAs('lee', <Room initial={await server.incident(incident.id)} />);
    fireEvent.change(screen.getAllByLabelText('Reason')[1]!, { target: { value: 'Failing again' } });
    const fetch = globalThis.fetch;
    let broughtFirst = false;
    const early = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const response = await fetch(input, init);
      if (init?.method === 'POST' && String(input).endsWith(`/incidents/${incident.id}/reopen`)) {
        await reload(await server.incident(incident.id));
        broughtFirst = true;
      }
      return response;
    });
    try {
      fireEvent.click(screen.getByRole('button', { name: `Reopen ${incident.id}` }));
      await waitFor(() => expect(screen.getByTestId('state').textContent).toBe('Uploads failing · open · '));
    } finally {
      early.mockRestore();
    }
    expect(broughtFirst).toBe(true);
    expect(screen.queryByRole('heading', { name: 'Resolved too early?' })).toBeNull();
    expect(screen.queryByText(/not posted/)).toBeNull();
  });

  it('a reason to reopen being typed when someone else reopens the incident: the panel goes, and a line says the reason was not posted', async () => {
    const incident = await declared(server, { title: 'Search down', severity: 'SEV2', commander: 'alex' }, 'alex');
    await server.t.call('POST', `/api/v1/incidents/${incident.id}/resolve`, { impact: 'Down 5 minutes', whatWeKnow: 'Index' }, { as: 'alex' });
    server.renderAs('lee', <Room initial={await server.incident(incident.id)} />);
    const reason = screen.getAllByLabelText('Reason')[1]!;
    reason.focus();
    fireEvent.change(reason, { target: { value: 'Errors again in eu-west' } });
    expect((await server.t.call('POST', `/api/v1/incidents/${incident.id}/reopen`, { reason: 'Errors are back' }, { as: 'alex' })).statusCode).toBe(200);
    await reload(await server.incident(incident.id));

    expect(screen.queryByRole('button', { name: `Reopen ${incident.id}` })).toBeNull();
    const line = `${incident.id} was reopened by someone else meanwhile; your reason was not posted.`;
    // Announced, and focused: focus was in the reason field, gone with the panel.
    expect(screen.getAllByRole('status').map((s) => s.textContent)).toContain(line);
    expect(document.activeElement?.textContent).toBe(line);
    // Resolved again: the panel is back, empty, and the line gone.
    await server.t.call('POST', `/api/v1/incidents/${incident.id}/resolve`, { impact: 'Down 9 minutes', whatWeKnow: 'Index' }, { as: 'alex' });
    await reload(await server.incident(incident.id));
    expect(screen.queryByText(line)).toBeNull();
    expect((screen.getAllByLabelText('Reason')[1] as HTMLInputElement).value).toBe('');
  });

  it('the line does not take focus from elsewhere, and with nothing typed nothing is said', async () => {
    const incident = await declared(server, { title: 'Mail delayed', severity: 'SEV3', commander: 'alex' }, 'alex');
    await server.t.call('POST', `/api/v1/incidents/${incident.id}/resolve`, { impact: 'Mail late', whatWeKnow: 'Queue' }, { as: 'alex' });
    server.renderAs('lee', <Room initial={await server.incident(incident.id)} />);
    fireEvent.change(screen.getAllByLabelText('Reason')[1]!, { target: { value: 'Still late' } });
    screen.getByLabelText('Title').focus();
    await server.t.call('POST', `/api/v1/incidents/${incident.id}/reopen`, { reason: 'Still late' }, { as: 'alex' });
    await reload(await server.incident(incident.id));
    expect(screen.getByText(`${incident.id} was reopened by someone else meanwhile; your reason was not posted.`)).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByLabelText('Title'));
    cleanup();

    await server.t.call('POST', `/api/v1/incidents/${incident.id}/resolve`, { impact: 'Mail late', whatWeKnow: 'Queue' }, { as: 'alex' });
    server.renderAs('lee', <Room initial={await server.incident(incident.id)} />);
    await server.t.call('POST', `/api/v1/incidents/${incident.id}/reopen`, { reason: 'Again' }, { as: 'alex' });
    await reload(await server.incident(incident.id));
    expect(screen.queryByRole('heading', { name: 'Resolved too early?' })).toBeNull();
    expect(screen.queryByText(/not posted/)).toBeNull();
  });
});
