// @vitest-environment jsdom
/**
 * The alert inbox while someone else acts on the groups, against a real in-process server: a
 * card that moves to the other list takes the focus with it (the same control, its caret, or
 * the card itself, said aloud), focus elsewhere stays put, and what was typed on a group that
 * has left the inbox is dropped, unless the person is typing in it at that moment.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cleanup, configure, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { AlertInbox } from '../../console/src/alerts/AlertInbox.js';
import { LiveContext, LiveStream } from '../../console/src/live.js';
import type { AlertGroup } from '../../console/src/types.js';
import { consoleServer, type ConsoleServer } from './support.js';

let server: ConsoleServer;
let key: string;

/** The page's event stream; each test sends the `alerts` message the server sends after a change. */
class TestEventSource extends EventTarget {
  static readonly CLOSED = 2;
  static latest: TestEventSource | null = null;
  readyState = 1;
  constructor() {
    super();
    TestEventSource.latest = this;
  }
  close() {}
}

beforeAll(async () => {
  vi.stubGlobal('EventSource', TestEventSource);
  server = await consoleServer({ alex: 'responder', priya: 'responder' }, {}, { alerts: { groupEventsBy: ['component'] } });
  for (const [id, name] of [['checkout', 'Checkout'], ['search', 'Search']]) expect((await server.t.call('POST', '/api/v1/components', { id, name })).statusCode).toBe(201);
  const source = await server.t.call('POST', '/api/v1/alert-sources', { name: 'pagerduty', type: 'events' });
  key = (source.json() as { key: string }).key;
});
afterAll(async () => {
  vi.unstubAllGlobals();
  await server.close();
});
afterEach(() => cleanup());
configure({ asyncUtilTimeout: 5000 });

async function trigger(summary: string, component: string, source = 'web-1'): Promise<AlertGroup> {
  const body = { routing_key: key, event_action: 'trigger', payload: { summary, source, component, severity: 'critical' } };
  const res = await server.t.call('POST', '/api/v1/alerts/events', body);
  expect(res.statusCode, res.body).toBe(202);
  const open = (await server.t.call('GET', '/api/v1/alerts?state=open')).json() as AlertGroup[];
  return open.find((g) => g.groupKey.includes(`component=${component}`))!;
}

async function as(person: string, group: AlertGroup, action: 'ack' | 'dismiss') {
  const res = await server.t.call('POST', `/api/v1/alerts/${group.id}/${action}`, action === 'dismiss' ? { reason: 'Flapping check' } : undefined, { as: person });
  expect(res.statusCode, res.body).toBe(200);
}

/** The inbox as @alex sees it, on a live page. */
async function inbox() {
  const stream = new LiveStream();
  stream.start();
  server.renderAs(
    'alex',
    <LiveContext.Provider value={stream}>
      <AlertInbox />
    </LiveContext.Provider>,
  );
  await screen.findByRole('heading', { name: /^Open \(/ });
}

/** The `alerts` message: the inbox reads the groups again (then the test waits for what it draws). */
const alertsChanged = () => TestEventSource.latest!.dispatchEvent(new Event('alerts'));
const list = (name: 'Open' | 'Acknowledged') => screen.getByRole('heading', { name: new RegExp(`^${name} \\(`) }).closest('section')!;
const card = (section: HTMLElement, group: AlertGroup) => within(section).findByRole('article', { name: group.title });
const said = () => screen.getAllByRole('status').map((s) => s.textContent).join(' ');

describe('console: alert cards moving between lists', () => {
  it('the text field being typed in keeps the focus and its selection when someone else acknowledges the group', async () => {
    const group = await trigger('Checkout returning 500s', 'checkout');
    await inbox();
    const before = await card(list('Open'), group);
    fireEvent.click(within(before).getByRole('button', { name: 'Declare an incident…' }));
    const title = within(before).getByLabelText('Incident title') as HTMLInputElement;
    fireEvent.change(title, { target: { value: 'Checkout 500s in eu-west' } });
    title.focus();
    title.setSelectionRange(9, 13, 'backward');

    await as('priya', group, 'ack');
    alertsChanged();
    const after = await card(list('Acknowledged'), group);
    await within(after).findByText('Acknowledged by @priya');
    const moved = within(after).getByLabelText('Incident title') as HTMLInputElement;
    expect(moved).not.toBe(title);
    expect(document.activeElement).toBe(moved);
    expect([moved.value, moved.selectionStart, moved.selectionEnd, moved.selectionDirection]).toEqual(['Checkout 500s in eu-west', 9, 13, 'backward']);
    expect(said()).toContain(`Group ${group.title} moved to Acknowledged.`);
  });

  it('focus on a control the moved card no longer has lands on the card, and where it went is said', async () => {
    const group = await trigger('Search latency above 2s', 'search');
    await inbox();
    within(await card(list('Open'), group)).getByRole('button', { name: 'Acknowledge' }).focus();

    await as('priya', group, 'ack');
    alertsChanged();
    const after = await card(list('Acknowledged'), group);
    await waitFor(() => expect(document.activeElement).toBe(within(after).getByRole('heading', { name: group.title })));
    expect(within(after).queryByRole('button', { name: 'Acknowledge' })).toBeNull();
    expect(said()).toContain(`Group ${group.title} moved to Acknowledged.`);
  });

  it('focus outside the moving card stays where it is; when its own card moves, it follows', async () => {
    const moving = await trigger('Payments queue backing up', 'payments');
    const staying = await trigger('Login errors above 1%', 'login');
    await inbox();
    const dismiss = within(await card(list('Open'), staying)).getByRole('button', { name: 'Dismiss…' });
    dismiss.focus();

    await as('priya', moving, 'ack');
    alertsChanged();
    await card(list('Acknowledged'), moving);
    expect(document.activeElement).toBe(dismiss);
    expect(said()).not.toContain('moved to');

    await as('priya', staying, 'ack');
    alertsChanged();
    const after = await card(list('Acknowledged'), staying);
    await waitFor(() => expect(document.activeElement).toBe(within(after).getByRole('button', { name: 'Dismiss…' })));
  });

  it('a draft of a group dismissed elsewhere is dropped: when the group fires again, its card starts afresh', async () => {
    const group = await trigger('Queue depth above 10k', 'queue');
    await inbox();
    const before = await card(list('Open'), group);
    fireEvent.click(within(before).getByRole('button', { name: 'Dismiss…' }));
    fireEvent.change(within(before).getByLabelText('Why dismiss it'), { target: { value: 'Known slow reindex' } });
    screen.getByRole('checkbox', { name: /tab title/ }).focus();

    await as('priya', group, 'dismiss');
    alertsChanged();
    await waitFor(() => expect(screen.queryByRole('article', { name: group.title })).toBeNull());

    await trigger('Queue depth above 10k', 'queue', 'web-2');
    alertsChanged();
    const again = await card(list('Open'), group);
    // The same group, firing again: its old draft would have come back with it.
    expect(again.dataset.alertGroup).toBe(String(group.id));
    expect(within(again).queryByLabelText('Why dismiss it')).toBeNull();
    expect(within(again).getByRole('button', { name: 'Dismiss…' }).getAttribute('aria-expanded')).toBe('false');
  });

  it('a group dismissed elsewhere while its reason is being typed keeps its card, saying so, until the person leaves it', async () => {
    const group = await trigger('Disk almost full on db-3', 'database');
    await inbox();
    const before = await card(list('Open'), group);
    fireEvent.click(within(before).getByRole('button', { name: 'Dismiss…' }));
    const reason = within(before).getByLabelText('Why dismiss it') as HTMLTextAreaElement;
    fireEvent.change(reason, { target: { value: 'Cleanup job runs at noon' } });
    reason.focus();

    await as('priya', group, 'dismiss');
    alertsChanged();
    await within(before).findByText(/No longer in the inbox/);
    expect(document.activeElement).toBe(reason);
    expect(reason.value).toBe('Cleanup job runs at noon');
    expect(within(before).queryByRole('button', { name: 'Acknowledge' })).toBeNull();
    expect(said()).toContain(`Group ${group.title} is no longer in the inbox`);
    // Kept for the text, not counted: it is no longer in the inbox.
    const stillOpen = (await server.t.call('GET', '/api/v1/alerts?state=open')).json() as AlertGroup[];
    expect(list('Open').querySelector('h2')!.textContent).toBe(`Open (${stillOpen.length})`);

    screen.getByRole('checkbox', { name: /tab title/ }).focus();
    await waitFor(() => expect(screen.queryByRole('article', { name: group.title })).toBeNull());
    await trigger('Disk almost full on db-3', 'database', 'web-2');
    alertsChanged();
    const again = await card(list('Open'), group);
    expect(again.dataset.alertGroup).toBe(String(group.id));
    expect(within(again).queryByLabelText('Why dismiss it')).toBeNull();
  });
});
