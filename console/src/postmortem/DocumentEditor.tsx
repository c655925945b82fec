/**
 * Issue 16: the postmortem document, written here. Every save names the revision the edit
 * started from (If-Match), so an edit made while someone else saved is refused and said, and
 * the writer chooses to load the latest revision: nothing is ever silently overwritten.
 */
import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../api.js';
import { useConsole } from '../console-context.js';
import type { Incident, PostmortemDocument, PostmortemRevision } from '../types.js';
import { CopyButton, Field, FormError, LoadError, Markdown, useAction } from '../ui.js';
import { localTime, utcTime } from '../time.js';

/** The writer is in the editor: it has the focus. */
function inEditor(editor: HTMLTextAreaElement | null): boolean {
  return editor !== null && editor === document.activeElement;
}

/** A moment as the console shows it: UTC, the reader's clock beside it. */
function When({ iso }: { iso: string }) {
  return (
    <>
      <time dateTime={iso}>{utcTime(iso)}</time> <span className="muted">({localTime(iso)})</span>
    </>
  );
}

export function DocumentEditor({ incident, draftVersion, onChanged }: { incident: Incident; draftVersion: number; onChanged: (incident: Incident) => void }) {
  const { api, permissions } = useConsole();
  const action = useAction();
  const path = `/incidents/${incident.id}/postmortem`;
  const [doc, setDoc] = useState<PostmortemDocument | null>(null);
  const [text, setText] = useState('');
  const [revisions, setRevisions] = useState<PostmortemRevision[]>([]);
  const [loadError, setLoadError] = useState<string | null>(null);
  /** The revision someone else saved while this edit was open; set by a refused save. */
  const [conflict, setConflict] = useState<{ mine: number; latest: PostmortemDocument } | null>(null);
  const [saved, setSaved] = useState<number | null>(null);
  /**
   * A newer document (the draft written again, someone else's save, the publication) that
   * arrived while the writer was in the editor or had typed: replacing the text then would move
   * the caret or drop a selection under their hands, or lose what they typed. With nothing typed
   * it loads once they leave the editor; otherwise only when they ask (the notice's button).
   */
  const [held, setHeld] = useState<PostmortemDocument | null>(null);
  const heldId = useId();
  const editor = useRef<HTMLTextAreaElement | null>(null);
  const loaded = useRef<PostmortemDocument | null>(null);
  loaded.current = doc;
  const dirty = useRef(false);
  dirty.current = doc !== null && text !== doc.markdown;

  const show = useCallback((next: PostmortemDocument) => {
    setDoc(next);
    setText(next.markdown);
    setConflict(null);
    setHeld(null);
    setSaved(null);
  }, []);
  const arrived = useCallback(
    (next: PostmortemDocument) => {
      const now = loaded.current;
      // The document as loaded (the writer's own save coming back): nothing newer to load, nor to hold.
      if (now && next.revision === now.revision && next.markdown === now.markdown && next.frozen === now.frozen) return setHeld(null);
      // A refused save's banner offers the latest revision: a newer one replaces it there.
      setConflict((c) => (c && next.revision > c.latest.revision ? { ...c, latest: next } : c));
      if (dirty.current) setHeld(next);
      else if (!next.frozen && inEditor(editor.current) && next.markdown !== editor.current!.value) setHeld(next);
      else show(next);
    },
    [show],
  );
  // Held while in the editor, and the writer has left it since (perhaps before the notice was drawn): it loads now.
  useEffect(() => {
    if (held && !conflict && !dirty.current && !inEditor(editor.current)) show(held);
  }, [held, conflict, show]);
  const reloadRevisions = useCallback(async () => setRevisions(await api.get<PostmortemRevision[]>(`${path}/revisions`)), [api, path]);

  const latest = incident.postmortem.revision;
  const published = incident.postmortem.publishedAt;
  useEffect(() => {
    let current = true;
    api.get<PostmortemDocument>(`${path}/document`).then(
      (next) => current && arrived(next),
      (e: unknown) => current && setLoadError(e instanceof Error ? e.message : String(e)),
    );
    api.get<PostmortemRevision[]>(`${path}/revisions`).then(
      (rows) => current && setRevisions(rows),
      (e: unknown) => current && setLoadError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      current = false;
    };
  }, [api, path, latest, published, draftVersion, arrived]);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!doc) return;
    setSaved(null);
    await action.run(async () => {
      try {
        const next = await api.write<PostmortemDocument>('PUT', `${path}/document`, { markdown: text }, { ifMatch: doc.revision });
        show(next);
        setSaved(next.revision);
      } catch (e) {
        if (!(e instanceof ApiError) || e.code !== 'REVISION_CONFLICT') throw e;
        setHeld(null);
        setConflict({ mine: doc.revision, latest: await api.get<PostmortemDocument>(`${path}/document`) });
        return;
      }
      await reloadRevisions();
      onChanged(await api.get<Incident>(`/incidents/${incident.id}`));
    });
  };

  if (!doc)
    return (
      <>
        <LoadError error={loadError} />
        {loadError ? null : <p className="muted">Loading the postmortem…</p>}
      </>
    );
  const editable = permissions.respond && !doc.frozen;
  return (
    <div className="postmortem-document">
      <div className="row">
        <h3 id="postmortem-document-title">Document</h3>
        <a className="button" href={`data:text/markdown;charset=utf-8,${encodeURIComponent(text)}`} download={`${incident.id}-postmortem.md`}>
          Download Markdown
        </a>
        <CopyButton text={text} label="Copy Markdown" />
      </div>
      <p className="hint">
        {doc.revision === 0
          ? 'Not saved yet: this is the draft written from the timeline. Saving it makes revision 1.'
          : `Revision ${doc.revision}${doc.author ? ` by @${doc.author}` : ''}`}
        {doc.revision > 0 && doc.savedAt ? (
          <>
            , <When iso={doc.savedAt} />.
          </>
        ) : null}
      </p>
      {doc.frozen ? (
        <p role="status" className="frozen">
          Published: revision {incident.postmortem.publishedRevision ?? doc.revision} is frozen. The document takes no more edits.
        </p>
      ) : null}
      <div className="postmortem-edit">
        <form aria-labelledby="postmortem-document-title" onSubmit={(e) => void save(e)}>
          <Field label="Postmortem (Markdown)" field="markdown" action={action} hint={editable ? 'Blameless: what happened, why, what we change. The preview follows as you type.' : undefined}>
            {(id, d) => (
              <textarea
                id={id}
                aria-describedby={[d, held && !conflict ? heldId : null].filter(Boolean).join(' ') || undefined}
                className="postmortem-markdown"
                rows={18}
                value={text}
                readOnly={!editable}
                ref={editor}
                onBlur={() => {
                  if (held && !conflict && !dirty.current) show(held);
                }}
                onChange={(e) => {
                  setText(e.target.value);
                  setSaved(null);
                }}
              />
            )}
          </Field>
          {held && !conflict ? (
            <div role="status" className="held-reload" id={heldId}>
              <p>
                {held.frozen
                  ? 'The postmortem was published while you were editing: the document takes no more edits.'
                  : held.revision === 0
                    ? 'The draft was written again from the timeline while you were editing.'
                    : `@${held.author ?? 'someone'} saved revision ${held.revision} while you were editing.`}{' '}
                {text === doc.markdown
                  ? 'It loads when you leave the editor.'
                  : held.revision > doc.revision && !held.frozen
                    ? `Your text is still in the editor; a save from revision ${doc.revision} would be refused.`
                    : 'Your text is still in the editor.'}
              </p>
              {text === doc.markdown ? null : (
                <button
                  type="button"
                  onClick={() => {
                    show(held);
                    editor.current?.focus();
                  }}
                >
                  {held.revision === 0 && !held.frozen ? 'Load the new draft' : `Load revision ${held.revision}`} (replaces my text)
                </button>
              )}
            </div>
          ) : null}
          {conflict ? (
            <div className="form-error" role="alert">
              <p>
                Not saved: @{conflict.latest.author ?? 'someone'} saved revision {conflict.latest.revision} while you were editing revision {conflict.mine}. Nothing was
                overwritten and your text is still in the editor. Copy it, load the latest revision, merge your changes into it and save again.
              </p>
              <CopyButton text={text} label="Copy my text" />{' '}
              <button type="button" onClick={() => show(conflict.latest)}>
                Load revision {conflict.latest.revision} (replaces my text)
              </button>
            </div>
          ) : null}
          <FormError action={action} fields={['markdown']} />
          {editable ? (
            <button type="submit" disabled={action.busy || text === doc.markdown || held?.frozen === true}>
              Save revision {doc.revision + 1}
            </button>
          ) : null}
          {saved !== null && !doc.frozen ? <p role="status">Saved revision {saved}.</p> : null}
        </form>
        <Markdown source={text} label={doc.frozen ? 'Published postmortem' : 'Postmortem draft'} />
      </div>
      <h3 id="postmortem-revisions-title">Revisions</h3>
      {revisions.length === 0 ? (
        <p className="muted">No revision saved yet.</p>
      ) : (
        <ol aria-labelledby="postmortem-revisions-title" className="revisions">
          {revisions.map((r) => (
            <li key={r.revision}>
              Revision {r.revision} by @{r.author}, <When iso={r.savedAt} />
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
