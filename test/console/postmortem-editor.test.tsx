// @vitest-environment jsdom
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { DocumentEditor } from '../../console/src/postmortem/DocumentEditor.js';
import type { Incident } from '../../console/src/types.js';
import { consoleServer, declared, type ConsoleServer } from './support.js';

let server: ConsoleServer;

beforeAll(async () => {
  server = await consoleServer({ alex: 'responder' });
});
afterAll(() => server.close());
afterEach(() => cleanup());

async function call(method: string, path: string, body: unknown) {
  const res = await server.t.call(method, `/api/v1${path}`, body, { as: 'alex' });
  if (res.statusCode >= 300) throw new Error(`${path}: ${res.body}`);
}

/** A resolved incident, its postmortem owed, its editor open with the draft written from the timeline. */
async function editorOpen(title: string) {
  const incident = await declared(server, { title, severity: 'SEV2' }, 'alex');
  await call('POST', `/incidents/${incident.id}/resolve`, { impact: 'Checkouts failed.', whatWeKnow: 'The DB pool ran dry.' });
  const view = server.renderAs('alex', <DocumentEditor incident={await server.incident(incident.id)} draftVersion={0} onChanged={() => undefined} />);
  const editor = (await screen.findByLabelText('Postmortem (Markdown)')) as HTMLTextAreaElement;
  await waitFor(() => expect(editor.value).toContain('The DB pool ran dry.'));
  // The room moves draftVersion with its live events; the incident as it stands then comes with it.
  const liveEvent = async (draftVersion: number) => {
    const now: Incident = await server.incident(incident.id);
    view.rerender(<DocumentEditor incident={now} draftVersion={draftVersion} onChanged={() => undefined} />);
  };
  const schedule = () =>
    call('POST', `/incidents/${incident.id}/postmortem/schedule`, { owner: 'alex', scheduledFor: new Date(Date.now() + 2 * 86_400_000).toISOString() });
  return { incident, editor, liveEvent, schedule };
}

describe('console: the postmortem editor keeps the writer’s place while the draft moves', () => {
  it('a draft written again while the writer has text selected waits: text and selection stay, a notice says so, and it loads when they leave the editor', async () => {
    const { editor, liveEvent, schedule } = await editorOpen('Held while selected');
    const before = editor.value;
    act(() => {
      editor.focus();
      editor.setSelectionRange(2, 12);
    });
    await schedule();
    await act(() => liveEvent(1));
    await screen.findByText(/The draft was written again from the timeline while you were in the editor\. It loads when you leave the editor\./);
    expect(editor.value).toBe(before);
    expect([editor.selectionStart, editor.selectionEnd]).toEqual([2, 12]);

    act(() => editor.blur());
    await waitFor(() => expect(editor.value).toContain('Postmortem owner: @alex'));
    expect(screen.queryByText(/while you were in the editor/)).toBeNull();
  });

  it('out of the editor, the draft written again is shown at once', async () => {
    const { editor, liveEvent, schedule } = await editorOpen('Not in the editor');
    await schedule();
    await act(() => liveEvent(1));
    await waitFor(() => expect(editor.value).toContain('Postmortem owner: @alex'));
    expect(screen.queryByText(/while you were in the editor/)).toBeNull();
  });

  it('once the writer types, leaving the editor keeps their text; the held draft loads only when they ask, replacing it', async () => {
    const { editor, liveEvent, schedule } = await editorOpen('Typed after held');
    act(() => editor.focus());
    await schedule();
    await act(() => liveEvent(1));
    await screen.findByText(/The draft was written again from the timeline/);
    fireEvent.change(editor, { target: { value: '# My own words' } });
    act(() => editor.blur());
    expect(editor.value).toBe('# My own words');
    await screen.findByText(/Your text is still in the editor\./);
    fireEvent.click(screen.getByRole('button', { name: 'Load the new draft (replaces my text)' }));
    expect(editor.value).toContain('Postmortem owner: @alex');
  });

  it('someone else’s save arriving while the writer is in the editor is held and named; loading it shows that revision', async () => {
    const { incident, editor, liveEvent } = await editorOpen('Saved elsewhere');
    act(() => editor.focus());
    const theirs = '# Postmortem\n\nThe admin wrote this.';
    const res = await server.t.call('PUT', `/api/v1/incidents/${incident.id}/postmortem/document`, { markdown: theirs, baseRevision: 0 }, { as: 'admin' });
    expect(res.statusCode).toBe(200);
    await act(() => liveEvent(1));
    await screen.findByText(/@admin saved revision 1 while you were in the editor\./);
    expect(editor.value).toContain('The DB pool ran dry.');
    fireEvent.click(screen.getByRole('button', { name: 'Load revision 1' }));
    expect(editor.value).toBe(theirs);
    expect(screen.getByRole('button', { name: 'Save revision 2' })).toBeTruthy();
  });
});
