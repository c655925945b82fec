// @vitest-environment jsdom
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { Declare } from '../../console/src/screens/Declare.js';
import type { Incident } from '../../console/src/types.js';
import { consoleServer, type ConsoleServer } from './support.js';

let server: ConsoleServer;

beforeAll(async () => {
  server = await consoleServer({ alex: 'responder' });
});
afterAll(() => server.close());
afterEach(() => cleanup());

const describedError = (el: HTMLElement) => document.getElementById((el.getAttribute('aria-describedby') ?? '').split(' ')[0]!)?.textContent;

describe('console: declaring (R1, R2)', () => {
  it("R2: each level of the policy shows its impact, response and cadence, with 'when in doubt, declare higher'", async () => {
    server.renderAs('alex', <Declare />);
    const sev1 = await screen.findByRole('radio', { name: /SEV1 Critical/ });
    const option = sev1.closest('label')!;
    expect(option.textContent).toContain('Impact: Core feature down for most users');
    expect(option.textContent).toContain('Response: All hands');
    expect(option.textContent).toContain('Comms: every 30m, public');
    expect(screen.getByRole('radio', { name: /SEV3/ }).closest('label')!.textContent).toContain('at start and resolution');
    expect(screen.getByText(/When in doubt, declare higher/)).toBeTruthy();
  });

  it('R1: declaring opens the incident and shows the channel announcement ready to copy', async () => {
    server.renderAs('alex', <Declare />);
    fireEvent.change(screen.getByLabelText('Title'), { target: { value: 'Checkout errors' } });
    fireEvent.click(await screen.findByRole('radio', { name: /SEV2/ }));
    fireEvent.change(screen.getByLabelText('Summary'), { target: { value: 'Checkout returning 500s for ~30% of users' } });
    fireEvent.change(screen.getByLabelText('Dashboard link'), { target: { value: 'https://grafana.example.com/d/checkout' } });
    fireEvent.click(screen.getByRole('button', { name: 'Declare SEV2' }));
    const announcement = await screen.findByLabelText('Channel announcement');
    expect(announcement.textContent).toMatch(/^🚨 INCIDENT DECLARED, #inc-\d{4}-\d\d-\d\d-checkout-errors/);
    expect(announcement.textContent).toContain('Dashboard: https://grafana.example.com/d/checkout');
    expect(screen.getByRole('button', { name: 'Copy announcement' })).toBeTruthy();
    const id = /Declared (INC-\d+)/.exec(screen.getByRole('heading').textContent ?? '')![1]!;
    expect(screen.getByRole('link', { name: 'Open the incident room' }).getAttribute('href')).toBe(`/incidents/${id}`);
    const stored = (await server.t.call('GET', `/api/v1/incidents/${id}`)).json() as Incident;
    expect(stored).toMatchObject({ title: 'Checkout errors', severity: 'SEV2', declaredBy: 'alex', roles: { incident_commander: 'alex' } });
  });

  it('a refusal shows next to the field it names: no severity chosen, then a link that is not http(s)', async () => {
    server.renderAs('alex', <Declare />);
    await screen.findByRole('radio', { name: /SEV1/ });
    fireEvent.change(screen.getByLabelText('Title'), { target: { value: 'Search is slow' } });
    fireEvent.click(screen.getByRole('button', { name: 'Declare' }));
    await waitFor(() => expect(screen.getByRole('group', { name: 'Severity' }).querySelector('.field-error')).not.toBeNull());
    fireEvent.click(screen.getByRole('radio', { name: /SEV3/ }));
    const dashboard = screen.getByLabelText('Dashboard link');
    fireEvent.change(dashboard, { target: { value: 'javascript:alert(1)' } });
    fireEvent.click(screen.getByRole('button', { name: 'Declare SEV3' }));
    await waitFor(() => expect(describedError(dashboard)).toContain('http:// or https://'));
    expect(screen.queryByLabelText('Channel announcement')).toBeNull();
  });

  it('names another commander, ticks the affected components, dates the impact and keeps it private, as the API allows', async () => {
    for (const [id, name] of [['checkout', 'Checkout'], ['search', 'Search']]) await server.t.call('POST', '/api/v1/components', { id, name }, { as: 'admin' });
    await server.t.person('sam', 'responder');
    server.renderAs('alex', <Declare />);
    fireEvent.change(screen.getByLabelText('Title'), { target: { value: 'Search is slow' } });
    fireEvent.click(await screen.findByRole('radio', { name: /SEV3/ }));
    const commander = screen.getByLabelText('Incident Commander');
    await waitFor(() => expect(commander.querySelectorAll('option').length).toBeGreaterThan(1));
    fireEvent.change(commander, { target: { value: 'sam' } });
    fireEvent.click(await screen.findByRole('checkbox', { name: 'Search' }));
    fireEvent.change(screen.getByLabelText('Impact began (UTC, leave empty for now)'), { target: { value: '2026-01-02T03:04:05' } });
    fireEvent.click(screen.getByRole('checkbox', { name: /Private/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Declare SEV3' }));
    const id = /Declared (INC-\d+)/.exec((await screen.findByRole('heading', { name: /Declared/ })).textContent ?? '')![1]!;
    expect(await server.incident(id)).toMatchObject({
      roles: { incident_commander: 'sam' },
      declaredBy: 'alex',
      components: ['search'],
      startedAt: '2026-01-02T03:04:05.000Z',
      private: true,
    });
  });
});
