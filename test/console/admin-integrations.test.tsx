// @vitest-environment jsdom
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, configure, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { AdminScreen } from '../../console/src/admin/AdminScreen.js';
import { consoleServer, type ConsoleServer } from './support.js';
import { renderAsStaleAdmin } from './admin-support.js';

let server: ConsoleServer;

beforeAll(async () => {
  server = await consoleServer({ alex: 'responder' });
});
afterAll(() => server.close());
afterEach(() => cleanup());
// Each answer comes from a real server on a machine shared with other suites: wait for it longer than the default second.
configure({ asyncUtilTimeout: 5000 });

const rowOf = (name: string | RegExp) => screen.getByRole('rowheader', { name }).closest('tr')!;
const secretOf = async (label: string) => (await screen.findByLabelText(`${label} (secret)`)).textContent!;

describe('console: alert sources (admin)', () => {
  it('adds a source and shows its key once inside a receiver ready to paste; rotating gives a new key and says until when the old one works', async () => {
    server.renderAs('admin', <AdminScreen page="alert-sources" />);
    fireEvent.change(await screen.findByLabelText('Source name'), { target: { value: 'prometheus-prod' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add source' }));
    const key = await secretOf('Key for prometheus-prod');
    expect(key).toMatch(/^ics_/);
    const receiver = screen.getByRole('region', { name: 'Key for prometheus-prod' }).querySelector('pre')!.textContent!;
    expect(receiver).toContain('webhook_configs:');
    expect(receiver).toContain(`url: ${window.location.origin}/api/v1/alerts/alertmanager`);
    expect(receiver).toContain(`credentials: ${key}`);
    expect(screen.getByRole('button', { name: 'Copy receiver' })).toBeTruthy();
    await screen.findByRole('rowheader', { name: 'prometheus-prod' });

    fireEvent.click(within(rowOf('prometheus-prod')).getByRole('button', { name: 'Rotate the key of prometheus-prod' }));
    fireEvent.click(screen.getByRole('button', { name: 'Yes, rotate prometheus-prod' }));
    const rotated = await secretOf('New key for prometheus-prod');
    expect(rotated).not.toBe(key);
    expect(screen.getByText(/The old key is still accepted until \d{4}-\d\d-\d\d/)).toBeTruthy();
    expect(screen.getByRole('region', { name: 'New key for prometheus-prod' }).querySelector('pre')!.textContent).toContain(`credentials: ${rotated}`);
  });

  it('an Events v2 source gets a pagerduty_configs receiver with the key as routing_key', async () => {
    server.renderAs('admin', <AdminScreen page="alert-sources" />);
    fireEvent.change(await screen.findByLabelText('Source name'), { target: { value: 'pager' } });
    fireEvent.change(screen.getByLabelText('Sender'), { target: { value: 'events' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add source' }));
    const key = await secretOf('Key for pager');
    const receiver = screen.getByRole('region', { name: 'Key for pager' }).querySelector('pre')!.textContent!;
    expect(receiver).toContain('pagerduty_configs:');
    expect(receiver).toContain(`routing_key: ${key}`);
  });

  it("a name the API refuses shows beside the field", async () => {
    server.renderAs('admin', <AdminScreen page="alert-sources" />);
    const name = await screen.findByLabelText('Source name');
    fireEvent.change(name, { target: { value: 'has spaces' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add source' }));
    await waitFor(() => expect(name.getAttribute('aria-describedby') ?? '').toMatch(/error/));
  });
});

describe('console: webhooks (admin)', () => {
  it('adds a webhook (its secret once), switches it off and on, rotates the secret, and deletes it after a second yes', async () => {
    const url = 'http://127.0.0.1:9/hook/ops';
    server.renderAs('admin', <AdminScreen page="webhooks" />);
    fireEvent.change(await screen.findByLabelText('URL'), { target: { value: url } });
    fireEvent.click(screen.getByRole('checkbox', { name: 'incident.role_gap' }));
    fireEvent.click(screen.getByRole('button', { name: 'Add webhook' }));
    const secret = await secretOf(`Signing secret for ${url}`);
    expect(secret).toMatch(/^whsec_/);
    await screen.findByRole('rowheader', { name: new RegExp(`^${url}`) });
    const [hook] = (await server.t.call('GET', '/api/v1/webhooks')).json() as Array<{ id: string; events: string[]; enabled: boolean }>;
    expect(hook!.events).toEqual(['incident.declared', 'incident.update_posted', 'incident.resolved', 'incident.role_gap']);
    const row = () => within(rowOf(new RegExp(`^${url}`)));

    fireEvent.click(row().getByRole('button', { name: 'Disable' }));
    await waitFor(() => expect(row().getByText('Off')).toBeTruthy());
    expect(((await server.t.call('GET', '/api/v1/webhooks')).json() as Array<{ enabled: boolean }>)[0]!.enabled).toBe(false);
    fireEvent.click(row().getByRole('button', { name: 'Enable' }));
    await waitFor(() => expect(row().getByText('On')).toBeTruthy());

    fireEvent.click(row().getByRole('button', { name: 'Rotate secret' }));
    fireEvent.click(row().getByRole('button', { name: 'Yes, rotate' }));
    await waitFor(async () => expect(await secretOf(`Signing secret for ${url}`)).not.toBe(secret));
    expect(screen.getByText(/every delivery is signed by the old secret and by this one/)).toBeTruthy();

    fireEvent.click(row().getByRole('button', { name: 'Deliveries' }));
    expect(await screen.findByText('Nothing delivered yet.')).toBeTruthy();

    fireEvent.click(row().getByRole('button', { name: 'Delete' }));
    fireEvent.click(row().getByRole('button', { name: 'Yes, delete' }));
    await screen.findByText('No webhooks yet.');
    expect((await server.t.call('GET', '/api/v1/webhooks')).json()).toEqual([]);
  });

  it('shows deliveries 100 at a time, and the rest on "Load more deliveries"', async () => {
    const url = 'http://127.0.0.1:9/hook/busy';
    const hook = (await server.t.call('POST', '/api/v1/webhooks', { url, events: ['incident.declared'] })).json() as { id: string };
    const at = server.t.clock.now().toISOString();
    await server.t.store.transaction(async (tx) => {
      for (let e = 1; e <= 130; e++) await tx.webhooks.addDelivery({ webhookId: hook.id, eventId: e, type: 'IncidentDeclared', body: '{}', remaining: 5, at });
    });
    server.renderAs('admin', <AdminScreen page="webhooks" />);
    await screen.findByRole('rowheader', { name: new RegExp(`^${url}`) });
    fireEvent.click(within(rowOf(new RegExp(`^${url}`))).getByRole('button', { name: 'Deliveries' }));
    const section = await screen.findByRole('region', { name: `Deliveries to ${url}` });
    const shown = () => within(section).getAllByRole('row').length - 1;
    await waitFor(() => expect(shown()).toBe(100));
    fireEvent.click(within(section).getByRole('button', { name: 'Load more deliveries' }));
    await waitFor(() => expect(shown()).toBe(130));
    expect(within(section).queryByRole('button', { name: 'Load more deliveries' })).toBeNull();
    await server.t.call('DELETE', `/api/v1/webhooks/${hook.id}`);
  });

  it('the API decides: a console that believes a responder is an admin shows the refusal plainly, and no form', async () => {
    renderAsStaleAdmin(server, 'alex', <AdminScreen page="webhooks" />);
    expect((await screen.findByRole('alert')).textContent).toMatch(/^Only an admin may use this screen\./);
    expect(screen.queryByRole('button', { name: 'Add webhook' })).toBeNull();
  });
});
