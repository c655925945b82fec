// @vitest-environment jsdom
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, configure, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { AdminScreen } from '../../console/src/admin/AdminScreen.js';
import { consoleServer, type ConsoleServer } from './support.js';
import { renderAsStaleAdmin } from './admin-support.js';

let server: ConsoleServer;

beforeAll(async () => {
  server = await consoleServer({ alex: 'responder', priya: 'responder', vic: 'viewer' });
});
afterAll(() => server.close());
afterEach(() => cleanup());
// Each answer comes from a real server on a machine shared with other suites: wait for it longer than the default second.
configure({ asyncUtilTimeout: 5000 });

const row = (handle: string) => screen.getByRole('rowheader', { name: new RegExp(`^@${handle}\\b`) }).closest('tr')!;
const person = async (handle: string) => (await server.t.call('GET', `/api/v1/people/${handle}`)).json() as { role: string; active: boolean };

describe('console: people (admin)', () => {
  it('adds a person, who then shows in the list', async () => {
    server.renderAs('admin', <AdminScreen page="people" />);
    await screen.findByRole('rowheader', { name: /^@alex/ });
    fireEvent.change(screen.getByLabelText('Handle'), { target: { value: 'dana' } });
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'Dana Wu' } });
    fireEvent.change(screen.getByLabelText('E-mail (optional)'), { target: { value: 'dana@example.com' } });
    fireEvent.change(screen.getByLabelText('Role'), { target: { value: 'viewer' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add person' }));
    await waitFor(() => expect(row('dana').textContent).toContain('dana@example.com'));
    expect(await person('dana')).toMatchObject({ role: 'viewer', active: true });
    expect((screen.getByLabelText('Handle') as HTMLInputElement).value).toBe('');
  });

  it("the API's refusal shows beside the field it names (a handle already taken)", async () => {
    server.renderAs('admin', <AdminScreen page="people" />);
    await screen.findByRole('rowheader', { name: /^@alex/ });
    fireEvent.change(screen.getByLabelText('Handle'), { target: { value: 'alex' } });
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'Another Alex' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add person' }));
    const handle = screen.getByLabelText('Handle');
    await waitFor(() => expect(handle.getAttribute('aria-describedby') ?? '').toMatch(/error/));
    expect(document.getElementById(handle.getAttribute('aria-describedby')!.split(' ')[0]!)?.textContent).toMatch(/alex/);
  });

  it("changes a person's role", async () => {
    server.renderAs('admin', <AdminScreen page="people" />);
    await screen.findByRole('rowheader', { name: /^@priya/ });
    const save = within(row('priya')).getByRole('button', { name: 'Save role' }) as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    fireEvent.change(screen.getByLabelText('Role of @priya'), { target: { value: 'viewer' } });
    fireEvent.click(save);
    await waitFor(async () => expect((await person('priya')).role).toBe('viewer'));
    await waitFor(() => expect((screen.getByLabelText('Role of @priya') as HTMLSelectElement).value).toBe('viewer'));
  });

  it('the last active admin cannot be demoted: the refusal shows on their row', async () => {
    server.renderAs('admin', <AdminScreen page="people" />);
    await screen.findByRole('rowheader', { name: /^@admin/ });
    fireEvent.change(screen.getByLabelText('Role of @admin'), { target: { value: 'responder' } });
    fireEvent.click(within(row('admin')).getByRole('button', { name: 'Save role' }));
    expect((await within(row('admin')).findByRole('alert')).textContent).toMatch(/admin/i);
    expect((await person('admin')).role).toBe('admin');
  });

  it('deactivates after a second, explicit yes, and reactivates', async () => {
    server.renderAs('admin', <AdminScreen page="people" />);
    await screen.findByRole('rowheader', { name: /^@alex/ });
    fireEvent.click(screen.getByRole('button', { name: 'Deactivate @alex' }));
    const yes = screen.getByRole('button', { name: 'Yes, deactivate @alex' });
    expect(document.activeElement).toBe(yes);
    expect((await person('alex')).active).toBe(true);
    fireEvent.click(yes);
    await screen.findByRole('button', { name: 'Reactivate @alex' });
    expect(row('alex').textContent).toContain('Deactivated');
    expect((await person('alex')).active).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: 'Reactivate @alex' }));
    await screen.findByRole('button', { name: 'Deactivate @alex' });
    expect((await person('alex')).active).toBe(true);
  });

  it("issues a token for someone from their row, shown once, and lists it there", async () => {
    server.renderAs('admin', <AdminScreen page="people" />);
    fireEvent.click(await screen.findByRole('button', { name: 'Tokens of @priya' }));
    const panel = await screen.findByRole('region', { name: 'Tokens of @priya' });
    fireEvent.change(within(panel).getByLabelText('What it is for'), { target: { value: 'on-call phone' } });
    fireEvent.click(within(panel).getByRole('button', { name: 'Create token' }));
    const secret = (await within(panel).findByLabelText('New token on-call phone for @priya (secret)')).textContent!;
    const me = await server.t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${secret}` } });
    expect((me.json() as { person: { handle: string } }).person.handle).toBe('priya');
    await within(panel).findByRole('rowheader', { name: /^on-call phone tok_/ });
  });

  it('someone who is not an admin gets a plain word, not the screen', async () => {
    server.renderAs('vic', <AdminScreen page="people" />);
    expect(screen.getByRole('heading', { name: 'Admins only' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Add person' })).toBeNull();
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('the API still decides: a console that believes it is an admin is told clearly when the server refuses', async () => {
    renderAsStaleAdmin(server, 'vic', <AdminScreen page="people" />);
    await screen.findByRole('rowheader', { name: /^@alex/ });
    fireEvent.change(screen.getByLabelText('Handle'), { target: { value: 'eve' } });
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'Eve' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add person' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/Only an admin may do this/);
    expect((await server.t.call('GET', '/api/v1/people/eve')).statusCode).toBe(404);
  });
});
