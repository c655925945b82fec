/** What the access screens share: loading a list (and a clear word when the API says no), a secret shown once, a two-step confirm. */
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { ApiError } from '../api.js';
import { CopyButton, FormError, type Action } from '../ui.js';
import { useConsole } from '../console-context.js';

export interface Loaded<T> {
  data: T | null;
  error: ApiError | null;
  reload: () => Promise<void>;
}

/** Loads once, and again whenever `load` changes (keep it in useCallback) or `reload` is called. */
export function useLoaded<T>(load: () => Promise<T>): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const reload = useCallback(async () => {
    try {
      setData(await load());
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'CLIENT', e instanceof Error ? e.message : String(e), null));
    }
  }, [load]);
  useEffect(() => void reload(), [reload]);
  return { data, error, reload };
}

/**
 * A long list a page at a time: the first page on load (and on reload), the next one
 * appended by `more` while the server says there is one.
 */
export function usePages<T>(path: string): Loaded<T[]> & { hasMore: boolean; more: () => Promise<void> } {
  const { api } = useConsole();
  const [next, setNext] = useState<string | null>(null);
  const load = useCallback(async () => {
    const first = await api.page<T>(path);
    setNext(first.next);
    return first.items;
  }, [api, path]);
  const loaded = useLoaded(load);
  const { data } = loaded;
  const [moreError, setMoreError] = useState<ApiError | null>(null);
  const [extra, setExtra] = useState<T[]>([]);
  useEffect(() => setExtra([]), [data]);
  const more = useCallback(async () => {
    if (next === null) return;
    try {
      const page = await api.page<T>(path, next);
      setExtra((rows) => [...rows, ...page.items]);
      setNext(page.next);
      setMoreError(null);
    } catch (e) {
      setMoreError(e instanceof ApiError ? e : new ApiError(0, 'CLIENT', e instanceof Error ? e.message : String(e), null));
    }
  }, [api, path, next]);
  return { data: data === null ? null : [...data, ...extra], error: loaded.error ?? moreError, reload: loaded.reload, hasMore: next !== null, more };
}

/** A refused or failed read. A 403 says plainly that the screen is for admins: the server decided, whatever the console showed. */
export function LoadError({ error }: { error: ApiError | null }) {
  if (!error) return null;
  if (error.status === 403)
    return (
      <div className="alert red" role="alert">
        <strong>Only an admin may use this screen.</strong> The server refused: {error.message}
      </div>
    );
  return (
    <p className="form-error" role="alert">
      {error.message}
    </p>
  );
}

/** What a refused write says: a 403 in plain words (the console's idea of the role may be stale; the server's is not). */
export function refusalText(error: ApiError): string {
  return error.status === 403 ? `Only an admin may do this. The server refused: ${error.message}` : error.message;
}

/** A form's refusal that names none of its fields, a 403 in plain words. */
export function WriteError({ action, fields }: { action: Action; fields: readonly string[] }) {
  if (action.error?.status !== 403) return <FormError action={action} fields={fields} />;
  return (
    <div className="form-error" role="alert">
      {refusalText(action.error)}
    </div>
  );
}

/** A row's refusal, beside the row's buttons. */
export function RowError({ action }: { action: Action }) {
  if (!action.error) return null;
  return (
    <div className="form-error" role="alert">
      {refusalText(action.error)}
    </div>
  );
}

/** A secret the server answers once (token, key, signing secret): copy it now, it cannot be shown again. */
export function ShownOnce({ title, secret, children }: { title: string; secret: string | null; children?: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  // Focus lands on the news, so a keyboard or screen-reader user meets the secret next.
  useEffect(() => heading.current?.focus(), [secret]);
  return (
    <section className="panel shown-once" aria-labelledby="shown-once-title">
      <h2 id="shown-once-title" tabIndex={-1} ref={heading}>
        {title}
      </h2>
      {secret === null ? (
        <p className="form-error">The answer was a replay, and a secret is shown only once: it is not shown again.</p>
      ) : (
        <>
          <p>Copy it now: it is shown only this once and cannot be shown again.</p>
          <div className="row wrap">
            <code className="secret" aria-label={`${title} (secret)`}>
              {secret}
            </code>
            <CopyButton text={secret} />
          </div>
        </>
      )}
      {children}
    </section>
  );
}

/** A destructive button that asks once more in place (no pop-up): the confirming button takes the focus. */
export function Confirm(props: { label: string; question: string; confirmLabel: string; onConfirm: () => Promise<boolean>; busy: boolean }) {
  const [asking, setAsking] = useState(false);
  const yes = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) yes.current?.focus();
  }, [asking]);
  if (!asking)
    return (
      <button type="button" className="small" onClick={() => setAsking(true)}>
        {props.label}
      </button>
    );
  return (
    <span className="confirm" role="group" aria-label={props.question}>
      <span>{props.question}</span>
      <button
        type="button"
        className="danger small"
        ref={yes}
        disabled={props.busy}
        onClick={() => void props.onConfirm().then((done) => done && setAsking(false))}
      >
        {props.confirmLabel}
      </button>
      <button type="button" className="small" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}

/** The screens' lists: column headings, an optional note beneath, one row per item. */
export function AdminTable({ columns, caption, className, children }: { columns: readonly string[]; caption?: string; className?: string; children: ReactNode }) {
  return (
    <table className={`incidents admin-table${className ? ` ${className}` : ''}`}>
      {caption ? <caption className="muted">{caption}</caption> : null}
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c} scope="col">
              {c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
