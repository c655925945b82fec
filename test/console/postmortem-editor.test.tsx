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
    await screen.findByText('The draft was written again from the timeline while you were editing. It loads when you leave the editor.');
    expect(editor.value).toBe(before);
    expect([editor.selectionStart, editor.selectionEnd]).toEqual([2, 12]);

    act(() => editor.blur());
    await waitFor(() => expect(editor.value).toContain('Postmortem owner: @alex'));
    expect(screen.queryByText(/while you were editing/)).toBeNull();
  });

  it('out of the editor, the draft written again is shown at once', async () => {
    const { editor, liveEvent, schedule } = await editorOpen('Not in the editor');
    await schedule();
    await act(() => liveEvent(1));
    await waitFor(() => expect(editor.value).toContain('Postmortem owner: @alex'));
    expect(screen.queryByText(/while you were editing/)).toBeNull();
  });

  it('once the writer types, leaving the editor keeps their text; the held draft loads only when they ask, replacing it, and the caret is back in the editor', async () => {
    const { editor, liveEvent, schedule } = await editorOpen('Typed after held');
    act(() => editor.focus());
    await schedule();
    await act(() => liveEvent(1));
    await screen.findByText(/The draft was written again from the timeline/);
    // Nothing typed: it loads on leaving, so there is no button to reach (it would vanish as the editor is left for it).
    expect(screen.queryByRole('button', { name: /^Load/ })).toBeNull();
    fireEvent.change(editor, { target: { value: '# My own words' } });
    act(() => editor.blur());
    expect(editor.value).toBe('# My own words');
    await screen.findByText(/while you were editing\. Your text is still in the editor\.$/);
    fireEvent.click(screen.getByRole('button', { name: 'Load the new draft (replaces my text)' }));
    expect(editor.value).toContain('Postmortem owner: @alex');
    expect(document.activeElement).toBe(editor);
    expect(screen.queryByText(/while you were editing/)).toBeNull();
  });

  it('someone else’s save arriving while the writer is in the editor is held and named, the caret kept; it loads when they leave', async () => {
    const { incident, editor, liveEvent } = await editorOpen('Saved elsewhere');
    act(() => {
      editor.focus();
      editor.setSelectionRange(5, 5);
    });
    const theirs = '# Postmortem\n\nThe admin wrote this.';
    const res = await server.t.call('PUT', `/api/v1/incidents/${incident.id}/postmortem/document`, { markdown: theirs, baseRevision: 0 }, { as: 'admin' });
    expect(res.statusCode).toBe(200);
    await act(() => liveEvent(1));
    await screen.findByText('@admin saved revision 1 while you were editing. It loads when you leave the editor.');
    expect(editor.value).toContain('The DB pool ran dry.');
    expect([editor.selectionStart, editor.selectionEnd]).toEqual([5, 5]);
    act(() => editor.blur());
    await waitFor(() => expect(editor.value).toBe(theirs));
    expect(screen.getByRole('button', { name: 'Save revision 2' })).toBeTruthy();
  });

  it('someone else’s save while the writer has typed is said before they save: a save from the revision they started on would be refused, and is', async () => {
    const { incident, editor, liveEvent } = await editorOpen('Typed, then saved elsewhere');
    fireEvent.change(editor, { target: { value: '# Mine' } });
    const res = await server.t.call('PUT', `/api/v1/incidents/${incident.id}/postmortem/document`, { markdown: '# Theirs', baseRevision: 0 }, { as: 'admin' });
    expect(res.statusCode).toBe(200);
    await act(() => liveEvent(1));
    const notice = await screen.findByText('@admin saved revision 1 while you were editing. Your text is still in the editor; a save from revision 0 would be refused.');
    expect(editor.getAttribute('aria-describedby')!.split(' ')).toContain(notice.closest('[role="status"]')!.id);
    expect(editor.value).toBe('# Mine');
    fireEvent.click(screen.getByRole('button', { name: 'Save revision 1' }));
    await screen.findByText(/Not saved: @admin saved revision 1 while you were editing revision 0/);
    expect(screen.queryByText(/a save from revision 0 would be refused/)).toBeNull();
    expect(editor.value).toBe('# Mine');
  });

  it('a refused save’s banner offers the newest revision: one saved after the refusal replaces it there', async () => {
    const { incident, editor, liveEvent } = await editorOpen('Saved twice elsewhere');
    fireEvent.change(editor, { target: { value: '# Mine' } });
    const put = (markdown: string, baseRevision: number) =>
      server.t.call('PUT', `/api/v1/incidents/${incident.id}/postmortem/document`, { markdown, baseRevision }, { as: 'admin' });
    expect((await put('# One', 0)).statusCode).toBe(200);
    fireEvent.click(screen.getByRole('button', { name: 'Save revision 1' }));
    await screen.findByText(/Not saved: @admin saved revision 1 while you were editing revision 0/);
    expect((await put('# Two', 1)).statusCode).toBe(200);
    await act(() => liveEvent(1));
    await screen.findByText(/Not saved: @admin saved revision 2 while you were editing revision 0/);
    fireEvent.click(screen.getByRole('button', { name: 'Load revision 2 (replaces my text)' }));
    expect(editor.value).toBe('# Two');
  });

  it('the publication arriving after the writer has typed is said at once, and the editor stops offering to save', async () => {
    const { incident, editor, liveEvent, schedule } = await editorOpen('Published while typing');
    await schedule();
    await call('PUT', `/incidents/${incident.id}/postmortem/document`, { markdown: '# Final', baseRevision: 0 });
    await act(() => liveEvent(1));
    await waitFor(() => expect(editor.value).toBe('# Final'));
    fireEvent.change(editor, { target: { value: '# Final, and more' } });
    await call('POST', `/incidents/${incident.id}/postmortem/review`, undefined);
    await call('PUT', `/incidents/${incident.id}/postmortem/publication`, { statusPage: false });
    await act(() => liveEvent(2));
    await screen.findByText('The postmortem was published while you were editing: the document takes no more edits. Your text is still in the editor.');
    expect((screen.getByRole('button', { name: 'Save revision 2' }) as HTMLButtonElement).disabled).toBe(true);
    expect(editor.value).toBe('# Final, and more');
  });

  it('the publication arriving while the writer is in the editor with nothing typed is shown at once: the editor is read-only', async () => {
    const { incident, editor, liveEvent } = await editorOpen('Published elsewhere');
    await call('POST', `/incidents/${incident.id}/postmortem/schedule`, { owner: 'alex', scheduledFor: new Date(Date.now() + 2 * 86_400_000).toISOString() });
    await call('PUT', `/incidents/${incident.id}/postmortem/document`, { markdown: '# Final', baseRevision: 0 });
    await call('POST', `/incidents/${incident.id}/postmortem/review`, undefined);
    await call('PUT', `/incidents/${incident.id}/postmortem/publication`, { statusPage: false });
    act(() => editor.focus());
    await act(() => liveEvent(1));
    await screen.findByText(/revision 1 is frozen/);
    expect(editor.value).toBe('# Final');
    expect(editor.readOnly).toBe(true);
  });
});
