// @vitest-environment jsdom
/** Console: the Incident Commander's steps (resolve, merge) when IC moves on while they are being written — against a real in-process server. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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
    expect(screen.queryByText(/only they can do this/)).toBeNull();
  });
});
