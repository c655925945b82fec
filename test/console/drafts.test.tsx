// @vitest-environment jsdom
/**
 * Public updates held for the Comms Lead (`updates.publicBy: comms-lead-approves`) in the room,
 * against a real server: the composer says its update was held, not posted; the Held for
 * approval panel shows each draft as it would post, with Approve and Reject for whoever decides
 * and who decides for everyone else.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, configure, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { Room } from '../../console/src/screens/Room.js';
import { DraftsPanel } from '../../console/src/room/Drafts.js';
import type { Draft, Entry, Incident, Update } from '../../console/src/types.js';
import { consoleServer, declared, type ConsoleServer } from './support.js';

let server: ConsoleServer;

beforeAll(async () => {
  server = await consoleServer({ alex: 'responder', priya: 'responder', sam: 'responder' }, {}, { updates: { publicBy: 'comms-lead-approves' } });
});
afterAll(() => server.close());
afterEach(() => cleanup());
configure({ asyncUtilTimeout: 5000 });

const UPDATE = {
  status: 'identified',
  impact: 'Checkout fails for about 30% of users.',
  whatWeKnow: 'A bad deploy of the payments client.',
  nextStep: 'Rolling back the deploy.',
  audience: 'public',
};

async function call<T>(method: string, path: string, body: unknown, as: string, status: number): Promise<T> {
  const res = await server.t.call(method, `/api/v1${path}`, body, { as });
  expect(res.statusCode, `${method} ${path}: ${res.body}`).toBe(status);
  return res.json() as T;
}

/** A SEV1 (public updates) commanded by @alex, @priya its Comms Lead. */
async function incidentWithCommsLead(title: string): Promise<Incident> {
  const incident = await declared(server, { title, severity: 'SEV1' }, 'alex');
  await call('POST', `/incidents/${incident.id}/roles`, { role: 'comms_lead', person: 'priya' }, 'alex', 200);
  return incident;
}

/** @sam's public update, held for @priya. */
const heldFromSam = (incident: Incident) => call<Draft>('POST', `/incidents/${incident.id}/updates`, UPDATE, 'sam', 202);
const drafts = (incident: Incident) => call<Draft[]>('GET', `/incidents/${incident.id}/drafts`, undefined, 'admin', 200);
const updates = (incident: Incident) => call<Update[]>('GET', `/incidents/${incident.id}/updates`, undefined, 'admin', 200);
const heldPanel = async () => (await screen.findByRole('heading', { name: 'Held for approval' })).closest('section')!;
const heldDraft = async (draft: Draft) => within(await heldPanel()).findByRole('listitem', { name: `Draft ${draft.id}` });

describe('console: public updates held for the Comms Lead', () => {
  it('a public update from someone else is said to be held for the Comms Lead, not posted; the fields clear and the draft waits in the room', async () => {
    const incident = await incidentWithCommsLead('Checkout errors');
    server.renderAs('sam', <Room id={incident.id} />);
    const composer = await screen.findByRole('region', { name: 'Post a status update' });
    const type = (label: string, value: string) => fireEvent.change(within(composer).getByLabelText(label), { target: { value } });
    // SEV1's updates are public by default, once the room has its severities.
    await waitFor(() => expect((within(composer).getByLabelText(/^Public/) as HTMLInputElement).checked).toBe(true));
    type('Impact', UPDATE.impact);
    type('What we know', UPDATE.whatWeKnow);
    type('Next step', UPDATE.nextStep);
    fireEvent.click(within(composer).getByRole('button', { name: 'Post update' }));

    const said = await within(composer).findByText(/^Held as draft/);
    const [draft] = await drafts(incident);
    expect(draft).toMatchObject({ draftedBy: 'sam', commsLead: 'priya', impact: UPDATE.impact });
    expect(said.textContent).toBe(`Held as draft ${draft!.id} for @priya (Comms Lead) to approve: the public has not heard it yet.`);
    expect(said.closest('[role="status"]')).not.toBeNull();
    expect(within(composer).queryByText(/Posted update/)).toBeNull();
    expect(within(composer).queryByRole('button', { name: 'Copy posted Markdown' })).toBeNull();
    for (const label of ['Impact', 'What we know', 'Next step']) expect((within(composer).getByLabelText(label) as HTMLTextAreaElement).value).toBe('');
    expect(await updates(incident)).toEqual([]);

    // The room reloads after the hold: the draft shows in the panel, read-only for its author.
    const item = await heldDraft(draft!);
    expect(item.textContent).toContain('By @sam');
    expect(within(item).queryByRole('button')).toBeNull();
  });

  it('the Comms Lead sees the draft as it would post and approves it: it is posted as their update and leaves the panel', async () => {
    const incident = await incidentWithCommsLead('Payments slow');
    const draft = await heldFromSam(incident);
    server.renderAs('priya', <Room id={incident.id} />);
    const item = await heldDraft(draft);
    expect(item.textContent).toContain(`By @sam, ${draft.draftedAt.slice(0, 10)} ${draft.draftedAt.slice(11, 19)} UTC`);
    expect(item.querySelector('time')?.getAttribute('datetime')).toBe(draft.draftedAt);
    const preview = within(item).getByLabelText(`Draft ${draft.id} as it would post`);
    // The server's template, rendered: its header bold, the promise from the SEV1 cadence.
    await waitFor(() => expect(preview.querySelector('strong')?.textContent).toMatch(/^\[SEV1\] Payments slow, UPDATE \d\d:\d\d UTC$/));
    expect(preview.textContent).toContain(`Impact: ${UPDATE.impact}`);
    expect(preview.textContent).toMatch(/Next update: by \d\d:\d\d UTC/);

    fireEvent.click(within(item).getByRole('button', { name: `Approve and post ${draft.id}` }));
    const panel = await heldPanel();
    const note = await within(panel).findByText(/approved: posted as update/);
    const posted = await updates(incident);
    expect(posted).toEqual([expect.objectContaining({ postedBy: 'priya', impact: UPDATE.impact, status: 'identified', audience: 'public' })]);
    expect(note.textContent).toBe(`Draft ${draft.id} approved: posted as update ${posted[0]!.id}.`);
    expect(document.activeElement).toBe(note);
    await waitFor(() => expect(within(panel).queryByRole('listitem')).toBeNull());
    expect(await drafts(incident)).toEqual([]);
  });

  it('rejecting takes a reason: none (or only spaces) is not sent; with one the draft goes and its author sees why on the timeline', async () => {
    const incident = await incidentWithCommsLead('Search down');
    const draft = await heldFromSam(incident);
    server.renderAs('priya', <Room id={incident.id} />);
    const item = await heldDraft(draft);
    const reject = within(item).getByRole('button', { name: `Reject ${draft.id}` }) as HTMLButtonElement;
    const reason = within(item).getByLabelText(`Reason to reject ${draft.id}`);
    expect(reject.disabled).toBe(true);
    fireEvent.change(reason, { target: { value: '   ' } });
    expect(reject.disabled).toBe(true);
    // Enter in the field does not submit past a disabled button; were it sent, the server's refusal shows under the reason.
    fireEvent.submit(reject.closest('form')!);
    await waitFor(() => expect(reason.getAttribute('aria-describedby') ?? '').toMatch(/error/));
    expect(document.getElementById(reason.getAttribute('aria-describedby')!.split(' ')[0]!)?.textContent).toMatch(/takes a reason/);
    expect(await drafts(incident)).toHaveLength(1);

    fireEvent.change(reason, { target: { value: 'Impact overstated: only EU cards' } });
    fireEvent.click(reject);
    const panel = await heldPanel();
    expect((await within(panel).findByText(/rejected/)).textContent).toBe(`Draft ${draft.id} rejected; @sam sees why on the timeline.`);
    await waitFor(() => expect(within(panel).queryByRole('listitem')).toBeNull());
    expect(await drafts(incident)).toEqual([]);
    expect(await updates(incident)).toEqual([]);
    const timeline = await call<Entry[]>('GET', `/incidents/${incident.id}/timeline?kind=draft_rejected`, undefined, 'admin', 200);
    expect(timeline).toHaveLength(1);
    expect(timeline[0]!.text).toContain('Impact overstated: only EU cards');
  });

  it('anyone else reads the draft and who decides, without Approve or Reject; an admin may decide, and the IC once no Comms Lead is named', async () => {
    const incident = await incidentWithCommsLead('Login errors');
    const draft = await heldFromSam(incident);
    server.renderAs('alex', <Room id={incident.id} />);
    const item = await heldDraft(draft);
    expect((await heldPanel()).textContent).toContain('@priya (Comms Lead) approves or rejects each');
    expect(within(item).getByLabelText(`Draft ${draft.id} as it would post`).textContent).toContain(UPDATE.whatWeKnow);
    expect(within(item).queryByRole('button')).toBeNull();
    expect(within(item).queryByLabelText(`Reason to reject ${draft.id}`)).toBeNull();
    cleanup();

    server.renderAs('admin', <Room id={incident.id} />);
    expect(within(await heldDraft(draft)).getByRole('button', { name: `Approve and post ${draft.id}` })).toBeTruthy();
    cleanup();

    await call('DELETE', `/incidents/${incident.id}/roles/comms_lead`, undefined, 'alex', 200);
    server.renderAs('alex', <Room id={incident.id} />);
    expect((await heldPanel()).textContent).toContain('@alex (Incident Commander: no Comms Lead is named now) approves or rejects each');
    expect(within(await heldDraft(draft)).getByRole('button', { name: `Reject ${draft.id}` })).toBeTruthy();
  });

  it('a draft decided elsewhere meanwhile: the refusal is said; the panel follows the room as it reloads', async () => {
    const incident = await server.incident((await incidentWithCommsLead('Queue backlog')).id);
    const severity = (await server.severities()).find((s) => s.id === 'SEV1');
    const { rerender } = server.renderAs('priya', <DraftsPanel incident={incident} severity={severity} revision={0} onChanged={() => undefined} />);
    const draft = await heldFromSam(incident);
    expect(screen.queryByRole('heading', { name: 'Held for approval' })).toBeNull();
    rerender(<DraftsPanel incident={incident} severity={severity} revision={1} onChanged={() => undefined} />);
    const item = await heldDraft(draft);

    await call('POST', `/incidents/${incident.id}/drafts/${draft.id}/approve`, undefined, 'admin', 201);
    fireEvent.click(within(item).getByRole('button', { name: `Approve and post ${draft.id}` }));
    expect((await within(item).findByRole('alert')).textContent).toMatch(new RegExp(`^Draft ${draft.id} is not waiting on ${incident.id}`));
    rerender(<DraftsPanel incident={incident} severity={severity} revision={2} onChanged={() => undefined} />);
    await waitFor(() => expect(screen.queryByRole('heading', { name: 'Held for approval' })).toBeNull());
  });
});
