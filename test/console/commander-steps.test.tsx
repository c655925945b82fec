// @vitest-environment jsdom
/**
 * Console: the Incident Commander's steps (resolve, merge) when IC moves on, or someone else
 * closes the incident, while they are being written — against a real in-process server.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { ResolvePanel } from '../../console/src/room/Resolve.js';
import { MergePanel } from '../../console/src/room/Evolve.js';
import type { Incident } from '../../console/src/types.js';
import { consoleServer, declared, liveRoom, type ConsoleServer } from './support.js';

let server: ConsoleServer;

beforeAll(async () => {
  server = await consoleServer({ alex: 'responder', lee: 'responder' });
});
afterAll(() => server.close());
afterEach(() => cleanup());

// As the room renders them for a responder: open or not, the panels decide what they show.
const { Room, reload } = liveRoom((incident, onChanged) => (
  <>
    <ResolvePanel incident={incident} onChanged={onChanged} />
    <MergePanel incident={incident} onChanged={onChanged} />
  </>
));

/** IC handed from one to the other: offered, then accepted (R3); the room reloads. */
async function handOver(incident: Incident, from = 'alex', to = 'lee'): Promise<void> {
  expect((await server.t.call('POST', `/api/v1/incidents/${incident.id}/roles`, { role: 'incident_commander', person: to }, { as: from })).statusCode).toBe(202);
  const offer = (await server.incident(incident.id)).pendingHandoff!;
  expect((await server.t.call('POST', `/api/v1/incidents/${incident.id}/handoffs/${offer.id}/accept`, undefined, { as: to })).statusCode).toBe(200);
  await reload(await server.incident(incident.id));
}

const whatWeKnow = () => screen.getByLabelText('What we know (cause, as known)') as HTMLTextAreaElement;
const mergeInto = () => screen.getByLabelText('Merge into (an open incident, e.g. INC-7)') as HTMLInputElement;
const resolveButton = (incident: Incident) => screen.getByRole('button', { name: `Resolve ${incident.id} with this final update` }) as HTMLButtonElement;

describe('console: the IC’s steps when IC moves on', () => {
  it('a final update being written stays, with Resolve disabled and who commands now said, until discarded', async () => {
    const incident = await declared(server, { title: 'Payments timeouts', severity: 'SEV2', commander: 'alex' }, 'alex');
    server.renderAs('alex', <Room initial={incident} />);
    fireEvent.change(screen.getByLabelText('Final impact'), { target: { value: '3% of payments failed for 20 minutes' } });
    await handOver(incident);

    expect((screen.getByLabelText('Final impact') as HTMLTextAreaElement).value).toBe('3% of payments failed for 20 minutes');
    expect(resolveButton(incident).disabled).toBe(true);
    const notice = screen.getByRole('status');
    expect(notice.textContent).toBe(
      `@lee is Incident Commander of ${incident.id} now: only its Incident Commander or an admin can do this. Your final update stays here until you discard it.`,
    );
    expect(resolveButton(incident).getAttribute('aria-describedby')).toBe(notice.id);
    // Merge was empty: it goes, as for anyone who is not IC.
    expect(screen.queryByText(/Merge into another incident/)).toBeNull();

    // IC back: the step is theirs again, the notice gone.
    await handOver(incident, 'lee', 'alex');
    expect(resolveButton(incident).disabled).toBe(false);
    expect(within(screen.getByRole('region', { name: 'Resolve' })).getByRole('status').textContent).toBe('');
    await handOver(incident);

    fireEvent.click(screen.getByRole('button', { name: 'Discard final update' }));
    await waitFor(() => expect(screen.queryByLabelText('Final impact')).toBeNull());
    // Focus was on the button that went with the panel: it lands on what says where the text went.
    expect(document.activeElement?.textContent).toBe('Final update discarded.');
    expect((await server.incident(incident.id)).state).toBe('open');

    // IC back and handed on again with nothing typed: the panel is gone, and no old line comes back to take focus.
    await handOver(incident, 'lee', 'alex');
    expect(screen.queryByText('Final update discarded.')).toBeNull();
    expect(screen.getByLabelText('Final impact')).toBeTruthy();
    await handOver(incident);
    expect(screen.queryByLabelText('Final impact')).toBeNull();
    expect(screen.queryByText('Final update discarded.')).toBeNull();
  });

  it('a merge being typed stays the same way; the new IC sees both steps, enabled', async () => {
    const incident = await declared(server, { title: 'Payments timeouts again', severity: 'SEV2', commander: 'alex' }, 'alex');
    server.renderAs('alex', <Room initial={incident} />);
    fireEvent.change(screen.getByLabelText('Merge into (an open incident, e.g. INC-7)'), { target: { value: 'INC-1' } });
    await handOver(incident);
    expect((screen.getByLabelText('Merge into (an open incident, e.g. INC-7)') as HTMLInputElement).value).toBe('INC-1');
    expect((screen.getByRole('button', { name: `Merge ${incident.id}` }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.queryByLabelText('Final impact')).toBeNull();
    // Cleared by hand rather than discarded: the same line, and focus, where the form was.
    fireEvent.change(screen.getByLabelText('Merge into (an open incident, e.g. INC-7)'), { target: { value: '' } });
    await waitFor(() => expect(screen.queryByLabelText('Merge into (an open incident, e.g. INC-7)')).toBeNull());
    expect(document.activeElement?.textContent).toBe('Merge discarded.');
    cleanup();

    server.renderAs('lee', <Room initial={await server.incident(incident.id, 'lee')} />);
    expect(screen.getByLabelText('Final impact')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Merge into (an open incident, e.g. INC-7)'), { target: { value: 'INC-1' } });
    expect((screen.getByRole('button', { name: `Merge ${incident.id}` }) as HTMLButtonElement).disabled).toBe(false);
    // No notice on either step: they are the new IC's to take.
    expect(screen.getAllByRole('status').map((s) => s.textContent)).toEqual(['', '']);
  });
});

describe('console: the IC’s steps when someone else closes the incident meanwhile', () => {
  it('a final update being written stays when an admin resolves the incident, with Resolve disabled and why said, until discarded', async () => {
    const incident = await declared(server, { title: 'Search errors', severity: 'SEV2', commander: 'alex' }, 'alex');
    server.renderAs('alex', <Room initial={incident} />);
    fireEvent.change(whatWeKnow(), { target: { value: 'A bad index build' } });
    const theirs = await server.t.call('POST', `/api/v1/incidents/${incident.id}/resolve`, { impact: 'Search failed for 5 minutes', whatWeKnow: 'Index' }, { as: 'admin' });
    expect(theirs.statusCode).toBe(200);
    await reload(await server.incident(incident.id));

    expect(whatWeKnow().value).toBe('A bad index build');
    expect(resolveButton(incident).disabled).toBe(true);
    const notice = screen.getByRole('status');
    expect(notice.textContent).toBe(`${incident.id} was resolved meanwhile: this step no longer applies. Your final update stays here until you discard it.`);
    expect(resolveButton(incident).getAttribute('aria-describedby')).toBe(notice.id);
    // Merge was empty: it goes, as it does for anyone once the incident is resolved.
    expect(screen.queryByText(/Merge into another incident/)).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Discard final update' }));
    await waitFor(() => expect(screen.queryByLabelText('What we know (cause, as known)')).toBeNull());
    expect(document.activeElement?.textContent).toBe('Final update discarded.');

    // Reopened: the step is alex's again, empty, and the line is gone.
    expect((await server.t.call('POST', `/api/v1/incidents/${incident.id}/reopen`, { reason: 'Errors are back' }, { as: 'lee' })).statusCode).toBe(200);
    await reload(await server.incident(incident.id));
    expect(screen.queryByText('Final update discarded.')).toBeNull();
    expect(whatWeKnow().value).toBe('');
    expect(resolveButton(incident).disabled).toBe(false);
  });

  it('a merge being typed stays when the new IC merges the incident; the notice names where it went rather than who commands', async () => {
    const main = await declared(server, { title: 'Checkout down', severity: 'SEV1' }, 'lee');
    const incident = await declared(server, { title: 'Cart errors', severity: 'SEV2', commander: 'alex' }, 'alex');
    server.renderAs('alex', <Room initial={incident} />);
    fireEvent.change(mergeInto(), { target: { value: 'INC-1' } });
    await handOver(incident);
    expect((await server.t.call('POST', `/api/v1/incidents/${incident.id}/merge`, { into: main.id }, { as: 'lee' })).statusCode).toBe(200);
    await reload(await server.incident(incident.id));

    expect(mergeInto().value).toBe('INC-1');
    const merge = screen.getByRole('button', { name: `Merge ${incident.id}` }) as HTMLButtonElement;
    expect(merge.disabled).toBe(true);
    const notice = screen.getByRole('status');
    expect(notice.textContent).toBe(`${incident.id} was merged into ${main.id} meanwhile: this step no longer applies. What you typed stays here until you discard it.`);
    expect(merge.getAttribute('aria-describedby')).toBe(notice.id);
    expect(screen.queryByLabelText('Final impact')).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Discard merge' }));
    await waitFor(() => expect(screen.queryByLabelText('Merge into (an open incident, e.g. INC-7)')).toBeNull());
    expect(document.activeElement?.textContent).toBe('Merge discarded.');
  });

  it('resolving it themselves leaves neither the panel nor a "discarded" line, even when the room’s live reload brings the resolved incident first', async () => {
    const incident = await declared(server, { title: 'Queue stuck', severity: 'SEV2', commander: 'alex' }, 'alex');
    server.renderAs('alex', <Room initial={incident} />);
    fireEvent.change(screen.getByLabelText('Final impact'), { target: { value: 'Jobs waited 10 minutes' } });
    fireEvent.change(whatWeKnow(), { target: { value: 'A stuck consumer' } });
    // The live event of their own resolve, taken before its answer arrives (as it may be).
    const fetch = globalThis.fetch;
    let broughtFirst = false;
    const early = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const response = await fetch(input, init);
      if (init?.method === 'POST' && String(input).endsWith(`/incidents/${incident.id}/resolve`)) {
        await reload(await server.incident(incident.id));
        broughtFirst = true;
      }
      return response;
    });
    try {
      fireEvent.click(resolveButton(incident));
      await waitFor(() => expect(screen.queryByLabelText('Final impact')).toBeNull());
    } finally {
      early.mockRestore();
    }
    expect(broughtFirst).toBe(true);
    expect((await server.incident(incident.id)).state).toBe('resolved');
    expect(screen.queryByText(/discarded/)).toBeNull();
    expect(screen.queryByRole('status')).toBeNull();
  });

  it('merging it themselves leaves no kept merge either', async () => {
    const main = await declared(server, { title: 'Login down', severity: 'SEV1' }, 'lee');
    const incident = await declared(server, { title: 'SSO errors', severity: 'SEV2', commander: 'alex' }, 'alex');
    server.renderAs('alex', <Room initial={incident} />);
    fireEvent.change(mergeInto(), { target: { value: main.id } });
    fireEvent.click(screen.getByRole('button', { name: `Merge ${incident.id}` }));
    await waitFor(() => expect(screen.queryByLabelText('Merge into (an open incident, e.g. INC-7)')).toBeNull());
    expect((await server.incident(incident.id)).mergedInto).toBe(main.id);
    expect(screen.queryByText(/discarded/)).toBeNull();
    expect(screen.queryByRole('status')).toBeNull();
  });
});
