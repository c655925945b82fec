// @vitest-environment jsdom
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import { Checklists } from '../../console/src/room/Checklists.js';
import { consoleServer, declared, type ConsoleServer } from './support.js';

let server: ConsoleServer;

beforeAll(async () => {
  server = await consoleServer({ alex: 'responder', priya: 'responder', sam: 'responder' });
});
afterAll(() => server.close());
afterEach(() => cleanup());

const list = (label: RegExp) => screen.getByRole('region', { name: label });

describe('console: role checklists (issue 15, item 8)', () => {
  it('shows each role’s checklist, the viewer’s own first, with ticks from the record and reminders in words', async () => {
    const incident = await declared(server, { title: 'Checklists shown', severity: 'SEV1' }, 'alex');
    const named = await server.t.call('POST', `/api/v1/incidents/${incident.id}/roles`, { role: 'comms_lead', person: 'priya' }, { as: 'alex' });
    expect(named.statusCode, named.body).toBe(200);
    const current = await server.incident(incident.id);

    server.renderAs('priya', <Checklists incident={current} />);
    await screen.findByRole('heading', { name: /^Comms Lead/, level: 3 });
    const headings = within(screen.getByRole('region', { name: 'Checklists' }))
      .getAllByRole('heading', { level: 3 })
      .map((h) => h.textContent);
    expect(headings[0]).toBe('Comms Lead (you) · @priya');
    expect(headings.slice(1).map((h) => h?.split(' ')[0])).toEqual(['Incident', 'Scribe', 'SME']);

    const ic = list(/^Incident Commander/);
    const named_ = within(ic).getByText('Comms Lead named').closest('li')!;
    expect(named_.textContent).toContain('Done: ');
    expect(named_.textContent).toContain('@priya was named Comms Lead.');
    expect(within(ic).getByText('Scribe named').closest('li')!.textContent).toContain('Not yet: ');
    expect(within(ic).getByText('The IC coordinates and does not debug').closest('li')!.textContent).toContain('For a person to tick: ');
  });

  it('ticks follow the incident: a new version refetches', async () => {
    const incident = await declared(server, { title: 'Checklists follow', severity: 'SEV2' }, 'alex');
    const view = server.renderAs('alex', <Checklists incident={incident} />);
    const first = await screen.findByText('First update out');
    expect(first.closest('li')!.textContent).toContain('Not yet: ');
    const posted = await server.t.call('POST', `/api/v1/incidents/${incident.id}/updates`, { status: 'investigating', impact: 'Checkout failing', whatWeKnow: 'Looking', nextStep: 'Find the cause' }, { as: 'alex' });
    expect(posted.statusCode, posted.body).toBe(201);
    view.rerender(<Checklists incident={await server.incident(incident.id)} />);
    await waitFor(() => expect(screen.getByText('First update out').closest('li')!.textContent).toContain('Done: '));
  });
});
