// @vitest-environment jsdom
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { UpdateComposer } from '../../console/src/room/UpdateComposer.js';
import type { Severity, Update } from '../../console/src/types.js';
import { consoleServer, declared, type ConsoleServer } from './support.js';

let server: ConsoleServer;
let severities: Severity[];

beforeAll(async () => {
  server = await consoleServer({ alex: 'responder', priya: 'responder' });
  severities = await server.severities();
});
afterAll(() => server.close());
afterEach(() => cleanup());

async function composer(title: string) {
  const incident = await declared(server, { title, severity: 'SEV1' }, 'alex');
  const posted: Update[] = [];
  server.renderAs('priya', <UpdateComposer incident={incident} severity={severities.find((s) => s.id === 'SEV1')} onPosted={(u) => posted.push(u)} />);
  return { incident, posted };
}

const type = (label: string | RegExp, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });

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
