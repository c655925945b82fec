// @vitest-environment jsdom
import { useCallback, useEffect, useState } from 'react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { Timeline } from '../../console/src/room/Timeline.js';
import { useConsole } from '../../console/src/console-context.js';
import type { Entry, Incident } from '../../console/src/types.js';
import { consoleServer, declared, type ConsoleServer } from './support.js';

let server: ConsoleServer;

beforeAll(async () => {
  server = await consoleServer({ alex: 'responder', sam: 'responder', vic: 'viewer' });
});
afterAll(() => server.close());
afterEach(() => cleanup());

/** The timeline as the room shows it: re-read from the API after every write. */
function Room({ incident }: { incident: Incident }) {
  const { api } = useConsole();
  const [entries, setEntries] = useState<Entry[]>([]);
  const load = useCallback(() => api.get<Entry[]>(`/incidents/${incident.id}/timeline`).then(setEntries), [api, incident.id]);
  useEffect(() => void load(), [load]);
  return <Timeline incident={incident} entries={entries} onChanged={() => void load()} />;
}

const entries = () => within(screen.getByRole('list', { name: 'Timeline entries' })).queryAllByRole('listitem');
const kinds = () => entries().map((li) => li.querySelector('.kind')?.textContent);

async function call(server: ConsoleServer, method: string, path: string, body: unknown, as: string, status: number) {
  const res = await server.t.call(method, `/api/v1${path}`, body, { as });
  expect(res.statusCode, `${method} ${path}: ${res.body}`).toBe(status);
  return res.json() as { id: string };
}

const PUBLIC_UPDATE = { status: 'identified', impact: 'Checkout fails for some users.', whatWeKnow: 'A bad deploy.', nextStep: 'Roll it back.', audience: 'public' };

async function record(kind: string, text: string, at?: string) {
  fireEvent.click(screen.getByRole('radio', { name: kind }));
  fireEvent.change(screen.getByLabelText('What happened'), { target: { value: text } });
  if (at) fireEvent.change(screen.getByLabelText(/^When \(UTC/), { target: { value: at } });
  fireEvent.click(screen.getByRole('button', { name: /^Add / }));
  await waitFor(() => expect(entries().some((li) => li.textContent?.includes(text))).toBe(true));
}

describe('console: the timeline (R9)', () => {
  it('R9: an entry is recorded with the kind chosen; newest last, with UTC and local time and the actor', async () => {
    const incident = await declared(server, { title: 'Timeline basics', severity: 'SEV2' }, 'alex');
    server.renderAs('sam', <Room incident={incident} />);
    await waitFor(() => expect(entries()).toHaveLength(1));
    await record('Observation', 'Checkout 500s on ~30% of attempts');
    const last = entries().at(-1)!;
    expect(last.textContent).toContain('Observation');
    expect(last.textContent).toContain('@sam');
    expect(last.textContent).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    expect(last.querySelector('time')?.getAttribute('dateTime')).toMatch(/Z$/);
  });

  it('R9: a backdated entry takes its place in time and keeps when it was recorded', async () => {
    const incident = await declared(server, { title: 'Backdating', severity: 'SEV2' }, 'alex');
    server.renderAs('sam', <Room incident={incident} />);
    await waitFor(() => expect(entries()).toHaveLength(1));
    const tenMinutesEarlier = new Date(Date.parse(incident.declaredAt) - 10 * 60_000).toISOString().slice(0, 19);
    await record('Observation', 'Errors began before anyone declared', tenMinutesEarlier);
    const [first, second] = entries();
    expect(first!.textContent).toContain('Errors began before anyone declared');
    expect(first!.textContent).toContain(`backdated, recorded ${incident.declaredAt.slice(11, 19)}`);
    expect(second!.textContent).toContain('Declared SEV2');
  });

  it('R9: what was ruled out stays in view whatever the filter shows', async () => {
    const incident = await declared(server, { title: 'Ruled out', severity: 'SEV2' }, 'alex');
    server.renderAs('sam', <Room incident={incident} />);
    await record('Ruled out', 'Rolled back deploy 4821: errors continue');
    await record('Hypothesis', 'Batch job holding the DB connections');
    fireEvent.change(screen.getByLabelText('Show'), { target: { value: 'hypothesis' } });
    expect(entries().map((li) => li.textContent)).toEqual([expect.stringContaining('Batch job holding the DB connections')]);
    const ruledOut = screen.getByRole('region', { name: 'What we have ruled out' });
    expect(ruledOut.textContent).toContain('Rolled back deploy 4821: errors continue');
  });

  it('R9: a correction is a new entry that points at the one it corrects', async () => {
    const incident = await declared(server, { title: 'Corrections', severity: 'SEV2' }, 'alex');
    server.renderAs('sam', <Room incident={incident} />);
    await record('Observation', 'Errors on ~50% of attempts');
    const wrong = entries().at(-1)!;
    const id = /#(\d+)/.exec(wrong.textContent ?? '')![1];
    fireEvent.click(within(wrong).getByRole('button', { name: `Correct #${id}` }));
    expect(screen.getByRole('status').textContent).toContain(`Correcting entry #${id}`);
    await record('Observation', 'Errors on ~30% of attempts');
    await waitFor(() => expect(entries().find((li) => li.textContent?.includes('~50%'))?.textContent).toMatch(/corrected by #\d+/));
    expect(entries().at(-1)!.textContent).toContain(`(corrects #${id})`);
  });

  it('R6: the IC recording an action is told, before and in the answer, that the IC does not debug', async () => {
    const incident = await declared(server, { title: 'Hands on', severity: 'SEV2' }, 'alex');
    server.renderAs('alex', <Room incident={incident} />);
    fireEvent.click(screen.getByRole('radio', { name: 'Action' }));
    expect(screen.getByText(/You are the Incident Commander: the IC does not debug/)).toBeTruthy();
    await record('Action', 'Looking at pool metrics myself');
    expect((await screen.findByRole('alert')).textContent).toContain('Nobody is steering while the IC debugs');
  });

  it('R9: an entry dated in the future is refused, next to the "when" field', async () => {
    const incident = await declared(server, { title: 'Future', severity: 'SEV2' }, 'alex');
    server.renderAs('sam', <Room incident={incident} />);
    fireEvent.change(screen.getByLabelText('What happened'), { target: { value: 'Not yet' } });
    fireEvent.change(screen.getByLabelText(/^When \(UTC/), { target: { value: new Date(Date.now() + 3_600_000).toISOString().slice(0, 19) } });
    fireEvent.click(screen.getByRole('button', { name: /^Add / }));
    const when = screen.getByLabelText(/^When \(UTC/);
    await waitFor(() => expect(when.getAttribute('aria-describedby') ?? '').toMatch(/error/));
    expect(document.getElementById(when.getAttribute('aria-describedby')!.split(' ')[0]!)?.textContent).toContain('cannot be dated in the future');
  });

  it('R9: "Status updates" shows a public update that went out without the Comms Lead, with the update', async () => {
    const incident = await declared(server, { title: 'Not by the Comms Lead', severity: 'SEV1' }, 'alex');
    await call(server, 'POST', `/incidents/${incident.id}/roles`, { role: 'comms_lead', person: 'sam' }, 'alex', 200);
    await call(server, 'POST', `/incidents/${incident.id}/updates`, PUBLIC_UPDATE, 'alex', 201);
    server.renderAs('sam', <Room incident={incident} />);
    await waitFor(() => expect(kinds()).toContain('update not by comms lead'));
    fireEvent.change(screen.getByLabelText('Show'), { target: { value: 'updates' } });
    expect(kinds()).toEqual(['update posted', 'status changed', 'update not by comms lead']);
  });

  it('a viewer reads the timeline and has no way to add to it', async () => {
    const incident = await declared(server, { title: 'Viewer timeline', severity: 'SEV2' }, 'alex');
    server.renderAs('vic', <Room incident={incident} />);
    await waitFor(() => expect(entries()).toHaveLength(1));
    expect(screen.queryByLabelText('What happened')).toBeNull();
    expect(screen.queryAllByRole('button')).toEqual([]);
  });
});

describe('console: the timeline of updates held for the Comms Lead', () => {
  let held: ConsoleServer;
  beforeAll(async () => {
    held = await consoleServer({ alex: 'responder', priya: 'responder', sam: 'responder' }, {}, { updates: { publicBy: 'comms-lead-approves' } });
  });
  afterAll(() => held.close());

  it('R9: "Status updates" shows the drafts held, approved and rejected, with the update approving posted', async () => {
    const incident = await declared(held, { title: 'Drafts on the timeline', severity: 'SEV1' }, 'alex');
    const path = `/incidents/${incident.id}`;
    await call(held, 'POST', `${path}/roles`, { role: 'comms_lead', person: 'priya' }, 'alex', 200);
    const approved = await call(held, 'POST', `${path}/updates`, PUBLIC_UPDATE, 'sam', 202);
    const rejected = await call(held, 'POST', `${path}/updates`, PUBLIC_UPDATE, 'sam', 202);
    await call(held, 'POST', `${path}/drafts/${approved.id}/approve`, undefined, 'priya', 201);
    expect((await held.t.call('POST', `/api/v1${path}/drafts/${rejected.id}/reject`, { reason: 'Say which users' }, { as: 'priya' })).statusCode).toBe(204);
    held.renderAs('sam', <Room incident={incident} />);
    await waitFor(() => expect(kinds()).toContain('draft rejected'));
    fireEvent.change(screen.getByLabelText('Show'), { target: { value: 'updates' } });
    expect(kinds()).toEqual(['update held', 'update held', 'draft approved', 'update posted', 'status changed', 'draft rejected']);
    expect(entries().at(-1)?.textContent).toContain(`Draft ${rejected.id} by @sam rejected: Say which users`);
  });
});
