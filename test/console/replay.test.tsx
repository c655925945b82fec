// @vitest-environment jsdom
/** Console: the Replay scrubber shows the incident as it stood at each timeline moment — against a real in-process server. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { Replay, replayMoments } from '../../console/src/room/Replay.js';
import type { Entry } from '../../console/src/types.js';
import { consoleServer, declared, type ConsoleServer } from './support.js';

let server: ConsoleServer;

beforeAll(async () => {
  server = await consoleServer({ alex: 'responder', priya: 'responder', lee: 'responder' });
});
afterAll(() => server.close());
afterEach(() => cleanup());

const SECOND = 1000;

/** The value shown beside a label in the replayed state. */
function shown(label: string): string {
  const term = screen.getByText(label, { selector: '.replay dt' });
  return term.nextElementSibling?.textContent ?? '';
}

describe('console: Replay', () => {
  it('the slider and Earlier/Later step through the moments; each shows status, severity, roles and next update by as they stood', async () => {
    const call = (method: string, path: string, body: unknown, as: string) => server.t.call(method, `/api/v1/incidents${path}`, body, { as });
    const incident = await declared(server, { title: 'Checkout errors', severity: 'SEV2' }, 'alex');
    server.t.clock.advance(10 * SECOND);
    await call('POST', `/${incident.id}/severity`, { severity: 'SEV1', reason: 'Revenue stopped' }, 'alex');
    server.t.clock.advance(10 * SECOND);
    await call('POST', `/${incident.id}/roles`, { role: 'comms_lead', person: 'priya' }, 'alex');
    server.t.clock.advance(10 * SECOND);
    const update = await call('POST', `/${incident.id}/updates`, { status: 'identified', impact: 'Checkouts fail', whatWeKnow: 'DB pool', nextStep: 'Throttle' }, 'priya');
    expect(update.statusCode, update.body).toBe(201);
    const promised = (update.json() as { nextUpdateBy: string }).nextUpdateBy;
    const entries = (await call('GET', `/${incident.id}/timeline`, undefined, 'alex')).json() as Entry[];
    const moments = replayMoments(entries);
    // Declared, severity, role, update + status change recorded together: four moments.
    expect(moments).toHaveLength(4);

    server.renderAs('lee', <Replay incident={incident} entries={entries} />);
    const details = screen.getByText('Replay', { selector: 'summary' }).parentElement as HTMLDetailsElement;
    details.open = true;
    fireEvent(details, new Event('toggle'));

    const slider = screen.getByLabelText('Moment 4 of 4') as HTMLInputElement;
    expect(slider.getAttribute('aria-valuetext')).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC: /);
    await waitFor(() => expect(shown('Status')).toBe('Identified (open)'));
    expect(shown('Severity')).toBe('SEV1');
    expect(shown('Comms Lead')).toBe('@priya');
    expect(shown('Next update by')).toContain(promised.slice(11, 19));
    expect((screen.getByRole('button', { name: 'Later' }) as HTMLButtonElement).disabled).toBe(true);

    fireEvent.change(slider, { target: { value: '0' } });
    await waitFor(() => expect(shown('Severity')).toBe('SEV2'));
    expect(screen.getByLabelText('Moment 1 of 4')).toBeTruthy();
    expect(shown('Status')).toBe('Investigating (open)');
    expect(shown('Incident Commander')).toBe('@alex');
    expect(shown('Comms Lead')).toBe('nobody');
    expect((screen.getByRole('button', { name: 'Earlier' }) as HTMLButtonElement).disabled).toBe(true);

    fireEvent.click(screen.getByRole('button', { name: 'Later' }));
    await waitFor(() => expect(shown('Severity')).toBe('SEV1'));
    expect(shown('Comms Lead')).toBe('nobody');
    fireEvent.click(screen.getByRole('button', { name: 'Later' }));
    await waitFor(() => expect(shown('Comms Lead')).toBe('@priya'));
    expect(shown('Status')).toBe('Investigating (open)');
    fireEvent.click(screen.getByRole('button', { name: 'Earlier' }));
    await waitFor(() => expect(shown('Comms Lead')).toBe('nobody'));
  });

  it('with nothing on the timeline, says so', () => {
    server.renderAs('lee', <Replay incident={{ id: 'INC-99' } as never} entries={[]} />);
    expect(screen.getByText('Nothing on the timeline yet.')).toBeTruthy();
  });
});
