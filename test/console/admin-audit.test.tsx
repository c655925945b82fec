// @vitest-environment jsdom
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, configure, fireEvent, screen, waitFor } from '@testing-library/react';
import { AdminScreen } from '../../console/src/admin/AdminScreen.js';
import { consoleServer, type ConsoleServer } from './support.js';
import { renderAsStaleAdmin } from './admin-support.js';

let server: ConsoleServer;

beforeAll(async () => {
  server = await consoleServer({ alex: 'responder' });
  await server.t.call('PATCH', '/api/v1/people/alex', { role: 'viewer' });
  // Enough entries for two pages of 50: alex issues tokens to himself, then revokes them.
  for (let i = 0; i < 30; i++) {
    const issued = (await server.t.call('POST', '/api/v1/people/alex/tokens', { name: `t${i}` }, { as: 'alex' })).json() as { id: string };
    await server.t.call('DELETE', `/api/v1/tokens/${issued.id}`, undefined, { as: 'alex' });
  }
});
afterAll(() => server.close());
afterEach(() => cleanup());
// Each answer comes from a real server on a machine shared with other suites: wait for it longer than the default second.
configure({ asyncUtilTimeout: 5000 });

const actions = () => screen.getAllByRole('rowheader').map((th) => th.textContent);
const show = () => fireEvent.click(screen.getByRole('button', { name: 'Show' }));

describe('console: the audit log (admin)', () => {
  it('shows who did what, newest first, with an edit as before → after', async () => {
    server.renderAs('admin', <AdminScreen page="audit" />);
    await screen.findByRole('table');
    expect(actions()).toHaveLength(50);
    expect(actions()[0]).toBe('token.revoked');
    fireEvent.change(screen.getByLabelText('Action'), { target: { value: 'person.updated' } });
    show();
    await waitFor(() => expect(actions()).toEqual(['person.updated']));
    const row = screen.getByRole('rowheader', { name: 'person.updated' }).closest('tr')!;
    expect(row.textContent).toContain('@admin');
    expect(row.textContent).toContain('role: responder → viewer');
  });

  it('filters by actor and by time, and pages back and forth', async () => {
    server.renderAs('admin', <AdminScreen page="audit" />);
    await screen.findByRole('table');
    fireEvent.change(screen.getByLabelText('Actor'), { target: { value: '@alex' } });
    show();
    await waitFor(() => expect(new Set(actions())).toEqual(new Set(['token.created', 'token.revoked'])));
    expect(actions()).toHaveLength(50);
    fireEvent.click(screen.getByRole('button', { name: 'Older' }));
    await waitFor(() => expect(actions()).toHaveLength(10));
    expect((screen.getByRole('button', { name: 'Older' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Newer' }));
    await waitFor(() => expect(actions()).toHaveLength(50));
    expect(screen.getByRole('link', { name: 'Export as JSON Lines' }).getAttribute('href')).toBe('/api/v1/audit/export?actor=alex');

    // The server's clock is the harness's; everything above happened at that one moment.
    const after = new Date(server.t.clock.now().getTime() + 60_000).toISOString().slice(0, 19);
    fireEvent.change(screen.getByLabelText('Since (UTC)'), { target: { value: after } });
    show();
    await screen.findByText('Nothing recorded that matches.');
  });

  it("an action the API cannot read is refused beside the field", async () => {
    server.renderAs('admin', <AdminScreen page="audit" />);
    await screen.findByRole('table');
    const action = screen.getByLabelText('Action');
    fireEvent.change(action, { target: { value: 'Not An Action' } });
    show();
    await waitFor(() => expect(action.getAttribute('aria-describedby') ?? '').toMatch(/error/));
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('the API decides: someone who is not an admin is told so plainly', async () => {
    renderAsStaleAdmin(server, 'alex', <AdminScreen page="audit" />);
    expect((await screen.findByRole('alert')).textContent).toMatch(/^Only an admin may use this screen\./);
    expect(screen.queryByRole('table')).toBeNull();
  });
});
