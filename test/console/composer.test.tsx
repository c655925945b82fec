// @vitest-environment jsdom
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { UpdateComposer } from '../../console/src/room/UpdateComposer.js';
import type { Severity, Update } from '../../console/src/types.js';
import { consoleServer, declared, liveRoom, type ConsoleServer } from './support.js';

let server: ConsoleServer;
let severities: Severity[];

beforeAll(async () => {
  server = await consoleServer({ alex: 'responder', priya: 'responder' });
  severities = await server.severities();
});
afterAll(() => server.close());
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

async function composer(title: string) {
  const incident = await declared(server, { title, severity: 'SEV1' }, 'alex');
  const posted: Update[] = [];
  server.renderAs('priya', <UpdateComposer incident={incident} severity={severities.find((s) => s.id === 'SEV1')} onPosted={(u) => posted.push(u)} />);
  return { incident, posted };
}

const type = (label: string | RegExp, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });

/** The console and the server on one clock, stopped past a whole second: the console counts from the second, the server from the millisecond. */
function oneClock() {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Math.floor(Date.now() / 1000) * 1000 + 400);
  server.t.clock.set(new Date().toISOString());
}

const nextLine = (markdown: string | null | undefined) => markdown?.match(/Next update: .*/)?.[0];

describe('console: the update composer (R7)', () => {
  it('R7: the five fields come in the template order: Status, Impact, What we know, Next step, Next update by', async () => {
    await composer('Checkout errors');
    const form = screen.getByRole('region', { name: 'Post a status update' });
    const labels = within(form)
      .getAllByText(/^(Status|Impact|What we know|Next step|Next update by \(UTC\))$/)
      .filter((el) => el.tagName === 'LABEL')
      .map((el) => el.textContent);
    expect(labels).toEqual(['Status', 'Impact', 'What we know', 'Next step', 'Next update by (UTC)']);
  });

  it('R7: "next update by" is prefilled from the severity cadence (SEV1: 30m from now)', async () => {
    await composer('Cadence prefill');
    const value = (screen.getByLabelText('Next update by (UTC)') as HTMLInputElement).value;
    const promised = Date.parse(`${value}Z`);
    expect(Math.abs(promised - (Date.now() + 30 * 60_000))).toBeLessThan(5_000);
  });

  it("R7: the preview is the server's template, rendered as it is typed", async () => {
    await composer('Checkout errors');
    type('Impact', '~30% of checkout attempts failing with a 500 error.');
    type('What we know', 'A batch job exhausted the DB connection pool.');
    // Rendered, not only the source: the header is bold.
    await waitFor(() => expect(screen.getByLabelText('Update preview').querySelector('strong')).not.toBeNull());
    const preview = screen.getByLabelText('Update preview');
    expect(preview.querySelector('strong')?.textContent).toMatch(/^\[SEV1\] Checkout errors, UPDATE \d\d:\d\d UTC$/);
    expect(preview.textContent).toContain('Impact: ~30% of checkout attempts failing with a 500 error.');
    expect(preview.textContent).toContain('A batch job exhausted the DB connection pool.');
    expect(preview.textContent).toContain('(or sooner if status changes)');
  });

  it('R7: posting sends the fields and the chosen audience; the posted Markdown is the one the API stored', async () => {
    const { incident, posted } = await composer('Posting works');
    fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'identified' } });
    type('Impact', 'Checkout fails for some users.');
    type('What we know', 'The pool is exhausted.');
    type('Next step', 'Throttle the batch job.');
    fireEvent.click(screen.getByLabelText(/Internal/));
    fireEvent.click(screen.getByRole('button', { name: 'Post update' }));
    await screen.findByText(/^Posted update/);
    const stored = (await server.t.call('GET', `/api/v1/incidents/${incident.id}/updates`)).json() as Update[];
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ status: 'identified', impact: 'Checkout fails for some users.', audience: 'internal', postedBy: 'priya' });
    expect(posted[0]?.markdown).toBe(stored[0]?.markdown);
    expect((screen.getByLabelText('Impact') as HTMLTextAreaElement).value).toBe('');
  });

  it("R7: the audience follows the severity's policy (SEV1: public), also when the policy arrives after the composer", async () => {
    const incident = await declared(server, { title: 'Audience default', severity: 'SEV1' }, 'alex');
    const { rerender } = server.renderAs('priya', <UpdateComposer incident={incident} severity={undefined} />);
    expect((screen.getByLabelText(/^Internal/) as HTMLInputElement).checked).toBe(true);
    rerender(<UpdateComposer incident={incident} severity={severities.find((s) => s.id === 'SEV1')} />);
    expect((screen.getByLabelText(/^Public/) as HTMLInputElement).checked).toBe(true);
  });

  it('R7: a missing field is refused by the API and the refusal shows next to that field', async () => {
    const { incident } = await composer('Missing impact');
    type('What we know', 'Something.');
    type('Next step', 'Something else.');
    fireEvent.click(screen.getByRole('button', { name: 'Post update' }));
    const impact = screen.getByLabelText('Impact');
    await waitFor(() => expect(impact.getAttribute('aria-describedby')).toMatch(/error/));
    const error = document.getElementById(impact.getAttribute('aria-describedby')!.split(' ')[0]!);
    expect(error?.textContent).toMatch(/impact/i);
    expect((await server.t.call('GET', `/api/v1/incidents/${incident.id}/updates`)).json()).toEqual([]);
  });

  it("R7/R8: left to the server, the preview promises the next update the server posts, for each status, with and without a cadence (SEV3's monitoring update: the final one within finalUpdateWithin)", async () => {
    expect(severities.find((s) => s.id === 'SEV3')).toMatchObject({ updateEveryMinutes: null, finalUpdateWithinMinutes: 60 });
    oneClock();
    for (const severity of ['SEV1', 'SEV3']) {
      const incident = await declared(server, { title: `Promise kept (${severity})`, severity }, 'alex');
      const posted: Update[] = [];
      server.renderAs('priya', <UpdateComposer incident={incident} severity={severities.find((s) => s.id === severity)} onPosted={(u) => posted.push(u)} />);
      for (const status of ['investigating', 'identified', 'monitoring']) {
        fireEvent.change(screen.getByLabelText('Status'), { target: { value: status } });
        type('Impact', 'Some users see errors.');
        type('What we know', 'A bad deploy.');
        type('Next step', 'Roll it back.');
        const previewed = nextLine(screen.getByLabelText('Update preview').textContent);
        fireEvent.click(screen.getByRole('button', { name: 'Post update' }));
        await waitFor(() => expect(posted).toHaveLength(['investigating', 'identified', 'monitoring'].indexOf(status) + 1));
        expect(previewed, `${severity} ${status}`).toBe(nextLine(posted.at(-1)?.markdown));
      }
      cleanup();
    }
  });

  it('R8: without a cadence (SEV3), "next update by" shows what the server would promise: nothing while investigating, the final update within 1h once monitoring', async () => {
    const incident = await declared(server, { title: 'No cadence', severity: 'SEV3' }, 'alex');
    server.renderAs('priya', <UpdateComposer incident={incident} severity={severities.find((s) => s.id === 'SEV3')} />);
    const field = screen.getByLabelText('Next update by (UTC)') as HTMLInputElement;
    const hint = () => document.getElementById(field.getAttribute('aria-describedby')!)?.textContent;
    expect(field.value).toBe('');
    expect(hint()).toBe('No cadence for this severity: leave empty for "at resolution".');
    fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'monitoring' } });
    expect(Math.abs(Date.parse(`${field.value}Z`) - (Date.now() + 60 * 60_000))).toBeLessThan(5_000);
    expect(hint()).toBe('No cadence for this severity: a monitoring update promises the final one within 1h.');
  });

  it('R7: emptied, "next update by" is left to the server, and the preview promises what the server posts (SEV1: its cadence)', async () => {
    oneClock();
    const { posted } = await composer('Emptied promise');
    type('Impact', 'Some users see errors.');
    type('What we know', 'A bad deploy.');
    type('Next step', 'Roll it back.');
    type('Next update by (UTC)', '');
    const previewed = nextLine(screen.getByLabelText('Update preview').textContent);
    fireEvent.click(screen.getByRole('button', { name: 'Post update' }));
    await waitFor(() => expect(posted).toHaveLength(1));
    expect(posted[0]?.nextUpdateBy).toBe(new Date(Date.now() + 30 * 60_000).toISOString());
    expect(previewed).toBe(nextLine(posted[0]?.markdown));
  });

  it('R7: a "next update by" in the past is refused (NEXT_UPDATE_IN_PAST), shown under that field', async () => {
    await composer('Past promise');
    type('Impact', 'x');
    type('What we know', 'y');
    type('Next step', 'z');
    type('Next update by (UTC)', '2020-01-01T10:00:00');
    fireEvent.click(screen.getByRole('button', { name: 'Post update' }));
    const field = screen.getByLabelText('Next update by (UTC)');
    await waitFor(() => expect(field.getAttribute('aria-describedby') ?? '').toMatch(/error/));
    const error = document.getElementById(field.getAttribute('aria-describedby')!.split(' ')[0]!);
    expect(error?.textContent).toContain('must be in the future');
  });
});

describe('console: an update being written when someone else closes the incident', () => {
  // As the room renders it for a responder: open or not, the composer decides what it shows.
  const { Room, reload } = liveRoom((incident) => <UpdateComposer incident={incident} severity={severities.find((s) => s.id === incident.severity)} />);
  const composerRegion = () => screen.getByRole('region', { name: 'Post a status update' });
  const field = (label: string) => within(composerRegion()).getByLabelText(label) as HTMLTextAreaElement | HTMLSelectElement;
  const post = () => within(composerRegion()).getByRole('button', { name: 'Post update' }) as HTMLButtonElement;
  const updates = async (id: string) => (await server.t.call('GET', `/api/v1/incidents/${id}/updates`)).json() as Update[];

  async function resolvedByAdmin(id: string) {
    const theirs = await server.t.call('POST', `/api/v1/incidents/${id}/resolve`, { impact: 'Search failed for 5 minutes', whatWeKnow: 'A bad index' }, { as: 'admin' });
    expect(theirs.statusCode).toBe(200);
    await reload(await server.incident(id));
  }
  async function reopenedBy(id: string, as: string) {
    expect((await server.t.call('POST', `/api/v1/incidents/${id}/reopen`, { reason: 'Errors are back' }, { as })).statusCode).toBe(200);
    await reload(await server.incident(id));
  }

  it('stays when an admin resolves the incident, with Post disabled and why said; reopened, it can be posted as it stood', async () => {
    const incident = await declared(server, { title: 'Search errors', severity: 'SEV2', commander: 'alex' }, 'alex');
    server.renderAs('priya', <Room initial={incident} />);
    type('Impact', 'Search fails for some users.');
    type('What we know', 'An index build is stuck.');
    await resolvedByAdmin(incident.id);

    expect(field('Impact').value).toBe('Search fails for some users.');
    expect(field('What we know').value).toBe('An index build is stuck.');
    // The status it showed, not one made up for a resolved incident.
    expect(field('Status').value).toBe('investigating');
    expect(post().disabled).toBe(true);
    const notice = within(composerRegion()).getByRole('status');
    expect(notice.textContent).toBe(
      `${incident.id} was resolved meanwhile and its final update went out: this update can no longer be posted unless ${incident.id} is reopened. Your draft stays here until you discard it.`,
    );
    expect(post().getAttribute('aria-describedby')).toBe(notice.id);

    await reopenedBy(incident.id, 'alex');
    expect(within(composerRegion()).getByRole('status').textContent).toBe('');
    expect(within(composerRegion()).queryByRole('button', { name: 'Discard draft' })).toBeNull();
    type('Next step', 'Rebuild the index.');
    expect(post().disabled).toBe(false);
    fireEvent.click(post());
    await within(composerRegion()).findByText(/^Posted update/);
    expect((await updates(incident.id)).at(-1)).toMatchObject({ status: 'investigating', impact: 'Search fails for some users.', postedBy: 'priya' });
    expect(field('Impact').value).toBe('');
  });

  it('discarded, a line takes its place and the focus; reopened, the composer is back, empty', async () => {
    const incident = await declared(server, { title: 'Login slow', severity: 'SEV2', commander: 'alex' }, 'alex');
    server.renderAs('priya', <Room initial={incident} />);
    type('Next step', 'Add capacity.');
    await resolvedByAdmin(incident.id);
    fireEvent.click(screen.getByRole('button', { name: 'Discard draft' }));
    await waitFor(() => expect(screen.queryByRole('region', { name: 'Post a status update' })).toBeNull());
    expect(document.activeElement?.textContent).toBe('Update draft discarded.');

    await reopenedBy(incident.id, 'alex');
    expect(screen.queryByText('Update draft discarded.')).toBeNull();
    expect(field('Next step').value).toBe('');
    expect(post().disabled).toBe(false);
  });

  it('a room opened on the resolved incident shows no composer; reopened, its status is the one reopening restored', async () => {
    const incident = await declared(server, { title: 'Cache misses', severity: 'SEV2', commander: 'alex' }, 'alex');
    const identified = { status: 'identified', impact: 'Pages load slowly.', whatWeKnow: 'The cache was flushed.', nextStep: 'Warm it.' };
    expect((await server.t.call('POST', `/api/v1/incidents/${incident.id}/updates`, identified, { as: 'alex' })).statusCode).toBe(201);
    expect((await server.t.call('POST', `/api/v1/incidents/${incident.id}/resolve`, { impact: 'Slow pages', whatWeKnow: 'Cache flush' }, { as: 'alex' })).statusCode).toBe(200);
    server.renderAs('priya', <Room initial={await server.incident(incident.id)} />);
    expect(screen.queryByRole('region', { name: 'Post a status update' })).toBeNull();
    await reopenedBy(incident.id, 'alex');
    expect(field('Status').value).toBe('identified');
  });

  it('merged into another, the notice says where the incident is followed', async () => {
    const main = await declared(server, { title: 'Checkout down', severity: 'SEV1' }, 'alex');
    const incident = await declared(server, { title: 'Cart errors', severity: 'SEV2', commander: 'alex' }, 'alex');
    server.renderAs('priya', <Room initial={incident} />);
    type('Impact', 'Carts cannot be saved.');
    expect((await server.t.call('POST', `/api/v1/incidents/${incident.id}/merge`, { into: main.id }, { as: 'admin' })).statusCode).toBe(200);
    await reload(await server.incident(incident.id));

    expect(field('Impact').value).toBe('Carts cannot be saved.');
    expect(post().disabled).toBe(true);
    expect(within(composerRegion()).getByRole('status').textContent).toBe(
      `${incident.id} was merged into ${main.id} meanwhile: it is followed there, and this update can no longer be posted here. Your draft stays here until you discard it.`,
    );
  });

  it('their own posted update leaves nothing to keep, even when the resolve that followed it arrives before its answer', async () => {
    const incident = await declared(server, { title: 'Queue stuck', severity: 'SEV2', commander: 'alex' }, 'alex');
    server.renderAs('priya', <Room initial={incident} />);
    type('Impact', 'Jobs wait 10 minutes.');
    type('What we know', 'A stuck consumer.');
    type('Next step', 'Restart it.');
    const fetch = globalThis.fetch;
    let broughtFirst = false;
    const early = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const response = await fetch(input, init);
      if (init?.method === 'POST' && String(input).endsWith(`/incidents/${incident.id}/updates`)) {
        await resolvedByAdmin(incident.id);
        broughtFirst = true;
      }
      return response;
    });
    try {
      fireEvent.click(post());
      await waitFor(() => expect(screen.queryByRole('region', { name: 'Post a status update' })).toBeNull());
    } finally {
      early.mockRestore();
    }
    expect(broughtFirst).toBe(true);
    expect((await updates(incident.id)).map((u) => [u.postedBy, u.final])).toEqual([
      ['priya', false],
      ['admin', true],
    ]);
    expect(screen.queryByText(/discarded/)).toBeNull();
    expect(screen.queryByRole('status')).toBeNull();
  });
});
