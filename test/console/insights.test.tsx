// @vitest-environment jsdom
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, configure, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { InsightsScreen } from '../../console/src/insights/InsightsScreen.js';
import { consoleServer, declared, type ConsoleServer } from './support.js';

let server: ConsoleServer;
const MINUTE = 60_000;
const UPDATE = { status: 'identified', impact: 'Checkout fails for about 30% of users.', whatWeKnow: 'A bad deploy at 14:02.', nextStep: 'Rolling back.' };

beforeAll(async () => {
  server = await consoleServer({ alex: 'responder', priya: 'responder', vic: 'viewer' });
  // An hour ago by the server's clock, so that all of it falls before the browser's "now", where the page's period ends.
  server.t.clock.set(new Date(Date.now() - 60 * MINUTE).toISOString());
  // SEV1 with priya as Comms Lead, its first update 5 minutes past the 10 promised; a SEV2 resolved
  // (its final update the first) 5 minutes after declaring, in time.
  const sev1 = await declared(server, { title: 'Checkout errors', severity: 'SEV1' }, 'alex');
  await server.t.call('POST', `/api/v1/incidents/${sev1.id}/roles`, { role: 'comms_lead', person: 'priya' }, { as: 'alex' });
  server.t.clock.advance(15 * MINUTE);
  await server.t.call('POST', `/api/v1/incidents/${sev1.id}/updates`, UPDATE, { as: 'priya' });
  const sev2 = await declared(server, { title: 'Search slow', severity: 'SEV2' }, 'alex');
  server.t.clock.advance(5 * MINUTE);
  await server.t.call('POST', `/api/v1/incidents/${sev2.id}/resolve`, { impact: 'Search was slow.', whatWeKnow: 'An index rebuild.' }, { as: 'alex' });
  // Two follow-ups from the SEV1, one of them done.
  const due = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
  for (const title of ['Alert on checkout error rate', 'Canary for payments']) {
    const res = await server.t.call('POST', `/api/v1/incidents/${sev1.id}/follow-ups`, { title, owner: 'alex', due }, { as: 'alex' });
    if (title.startsWith('Canary')) await server.t.call('PATCH', `/api/v1/follow-ups/${(res.json() as { id: string }).id}`, { state: 'done' }, { as: 'alex' });
  }
});
afterAll(() => server.close());
afterEach(() => cleanup());
// Each answer comes from a real server on a machine shared with other suites.
configure({ asyncUtilTimeout: 5000 });

/** The period a team looks back over most: the last 12 months. */
async function lastYear() {
  fireEvent.change(await screen.findByLabelText('Period'), { target: { value: '365' } });
  await screen.findByRole('heading', { name: 'How fast' });
}

const tile = (name: string) => screen.getByText(name, { selector: 'dt' }).nextSibling?.textContent;
const row = (table: HTMLElement, name: string) => within(table).getByRole('rowheader', { name }).closest('tr')!.textContent;

describe('console: insights', () => {
  it('shows the headline figures, how fast, and the promises kept by severity and Comms Lead, with the definitions', async () => {
    server.renderAs('vic', <InsightsScreen />);
    await lastYear();
    await waitFor(() => expect(tile('Incidents')).toBe('2'));
    expect(tile('Update promises kept')).toBe('50% (1 of 2)');
    const fast = screen.getByRole('heading', { name: 'How fast' }).closest('section')!;
    expect(row(within(fast).getByRole('table'), 'Time to first update')).toBe('Time to first update25m15m');
    expect(row(within(fast).getByRole('table'), 'Time to resolve')).toBe('Time to resolve15m5m');
    const promises = within(screen.getByRole('heading', { name: /promises kept/ }).closest('section')!).getByRole('table');
    expect(row(promises, 'SEV1')).toBe('SEV10% (0 of 1)5m5m');
    expect(row(promises, 'SEV2')).toBe('SEV2100% (1 of 1)––');
    expect(row(promises, 'Comms Lead @priya')).toBe('Comms Lead @priya0% (0 of 1)5m5m');
    expect(screen.getByRole('link', { name: 'INC-1' }).getAttribute('href')).toBe('/incidents/INC-1');
    const followUps = within(screen.getByRole('heading', { name: 'Follow-ups' }).closest('section')!);
    expect(followUps.getByText('Opened', { selector: 'dt' }).nextSibling?.textContent).toBe('2');
    expect(followUps.getByText('Done', { selector: 'dt' }).nextSibling?.textContent).toBe('1');
    expect(followUps.getByText(/^Overdue at/, { selector: 'dt' }).nextSibling?.textContent).toBe('0');
    expect(tile('“Next update by” promises')).toContain('kept when the next update is posted by then');
    const csv = screen.getByRole('link', { name: 'Download CSV' }).getAttribute('href')!;
    expect(csv).toMatch(/^\/api\/v1\/insights\.csv\?from=.+&to=.+$/);
  });

  it('narrows to one severity', async () => {
    server.renderAs('vic', <InsightsScreen />);
    await lastYear();
    fireEvent.change(await screen.findByLabelText('Severity'), { target: { value: 'SEV2' } });
    await waitFor(() => expect(tile('Incidents')).toBe('1'));
    expect(screen.getByText(/, SEV2 only\./)).toBeTruthy();
    expect(screen.getByText('Every promise was kept.')).toBeTruthy();
  });
});
