// @vitest-environment jsdom
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, configure, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { Tokens } from '../../console/src/admin/Tokens.js';
import { consoleServer, type ConsoleServer } from './support.js';

let server: ConsoleServer;

beforeAll(async () => {
  server = await consoleServer({ alex: 'responder', vic: 'viewer' });
});
afterAll(() => server.close());
afterEach(() => cleanup());
// Each answer comes from a real server on a machine shared with other suites: wait for it longer than the default second.
configure({ asyncUtilTimeout: 5000 });

const works = async (token: string) =>
  (await server.t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } })).statusCode;
const expiryChoices = () => within(screen.getByLabelText('Expires after')).getAllByRole('option').map((o) => o.textContent);

describe('console: my tokens', () => {
  it('creates a token with an expiry, shows the secret once, and lists it without the secret', async () => {
    server.renderAs('alex', <Tokens />);
    await screen.findByRole('table');
    fireEvent.change(screen.getByLabelText('What it is for'), { target: { value: 'ci' } });
    fireEvent.change(screen.getByLabelText('Expires after'), { target: { value: '30d' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create token' }));
    const secret = (await screen.findByLabelText('Your new token ci (secret)')).textContent!;
    expect(await works(secret)).toBe(200);
    expect(screen.getByText(/shown only this once/)).toBeTruthy();
    const row = (await screen.findByRole('rowheader', { name: /^ci tok_/ })).closest('tr')!;
    const inThirtyDays = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    expect(row.textContent).toContain(inThirtyDays);
    expect(screen.getByRole('table').textContent).not.toContain(secret);
  });

  it('revokes after a second yes; the secret is refused from the next request', async () => {
    const issued = (await server.t.call('POST', '/api/v1/people/alex/tokens', { name: 'old-laptop' }, { as: 'alex' })).json() as { token: string };
    server.renderAs('alex', <Tokens />);
    fireEvent.click(await screen.findByRole('button', { name: 'Revoke old-laptop' }));
    fireEvent.click(screen.getByRole('button', { name: 'Yes, revoke old-laptop' }));
    await waitFor(() => expect(screen.queryByRole('rowheader', { name: /^old-laptop/ })).toBeNull());
    expect(await works(issued.token)).toBe(401);
  });

  it('only an admin is offered a token that never expires', async () => {
    server.renderAs('vic', <Tokens />);
    expect(expiryChoices()).not.toContain('Never (a service token; admins only)');
    cleanup();
    server.renderAs('admin', <Tokens />);
    expect(expiryChoices()).toContain('Never (a service token; admins only)');
  });

  it("the API's refusal of an expiry shows beside the field", async () => {
    server.renderAs('vic', <Tokens />);
    const select = screen.getByLabelText('Expires after') as HTMLSelectElement;
    // A console that offers "never" to someone it should not: the server still refuses it.
    const never = document.createElement('option');
    never.value = 'never';
    select.appendChild(never);
    fireEvent.change(select, { target: { value: 'never' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create token' }));
    await waitFor(() => expect(select.getAttribute('aria-describedby') ?? '').toMatch(/error/));
    expect(document.getElementById(select.getAttribute('aria-describedby')!.split(' ')[0]!)?.textContent).toMatch(/never/i);
  });
});
