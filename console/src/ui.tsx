/** Small pieces every screen uses: errors next to their field, a busy-aware action, copy, Markdown. */
import { useCallback, useEffect, useId, useMemo, useState, type ReactNode } from 'react';
import { ApiError } from './api.js';
import type { Component, Person } from './types.js';

export interface Action {
  run: (work: () => Promise<void>) => Promise<boolean>;
  busy: boolean;
  error: ApiError | null;
  clear: () => void;
}

/** Runs one write at a time and keeps its refusal, so the form can show it beside the field it names. */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const run = useCallback(async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
      return true;
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'CLIENT', e instanceof Error ? e.message : String(e), null));
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { run, busy, error, clear: useCallback(() => setError(null), []) };
}

/** Whether the server's `details.field` (`components[0]`, `links.dashboard`) is this input's. */
function names(errorField: string | null, field: string): boolean {
  return errorField !== null && (errorField === field || errorField.startsWith(`${field}[`));
}

/** The refusal, when the server named this field. */
export function fieldError(action: Action, field: string): string | null {
  return action.error && names(action.error.field, field) ? action.error.message : null;
}

/** A labelled input with the server's refusal for its field right under it. */
export function Field(props: { label: string; field: string; action?: Action; hint?: ReactNode; children: (id: string, describedBy: string | undefined) => ReactNode }) {
  const id = useId();
  const error = props.action ? fieldError(props.action, props.field) : null;
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [error ? errorId : null, props.hint ? hintId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={error ? 'field invalid' : 'field'}>
      <label htmlFor={id}>{props.label}</label>
      {props.children(id, describedBy)}
      {props.hint ? (
        <div className="hint" id={hintId}>
          {props.hint}
        </div>
      ) : null}
      {error ? (
        <div className="field-error" id={errorId} role="alert">
          {error}
        </div>
      ) : null}
    </div>
  );
}

/** A refusal that names no field on this form (or a field it does not show). */
export function FormError({ action, fields }: { action: Action; fields: readonly string[] }) {
  const error = action.error;
  if (!error || fields.some((f) => names(error.field, f))) return null;
  return (
    <div className="form-error" role="alert">
      {error.message}
    </div>
  );
}

export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [copied, setCopied] = useState<'no' | 'yes' | 'failed'>('no');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
    setTimeout(() => setCopied('no'), 2000);
  };
  return (
    <button type="button" onClick={() => void copy()} aria-live="polite">
      {copied === 'yes' ? 'Copied' : copied === 'failed' ? 'Select and copy by hand' : label}
    </button>
  );
}

type Renderer = { render(source: string): string };
let renderer: Renderer | null = null;
// Loaded when first needed, so the first screen does not wait for it.
const loading = import('markdown-it').then(({ default: MarkdownIt }) => {
  // HTML in the source is escaped, never passed through; links stay http(s) and mailto (markdown-it's validateLink).
  renderer = new MarkdownIt({ html: false, linkify: false, breaks: true });
  return renderer;
});

/** Markdown rendered; the source as plain text for the moment before the renderer has loaded. */
export function Markdown({ source, label }: { source: string; label: string }) {
  const [ready, setReady] = useState<Renderer | null>(renderer);
  useEffect(() => {
    if (!ready) void loading.then(setReady);
  }, [ready]);
  const html = useMemo(() => ready?.render(source) ?? null, [ready, source]);
  if (html === null)
    return (
      <pre className="markdown" aria-label={label}>
        {source}
      </pre>
    );
  return <div className="markdown" aria-label={label} dangerouslySetInnerHTML={{ __html: html }} />;
}

/** A read that failed, said where the screen's content would be. */
export function LoadError({ error }: { error: string | null }) {
  return error ? (
    <p className="form-error" role="alert">
      {error}
    </p>
  ) : null;
}

export function Badge({ tone, children }: { tone: 'red' | 'amber' | 'green' | 'grey' | 'blue'; children: ReactNode }) {
  return <span className={`badge ${tone}`}>{children}</span>;
}

/** A labelled text area, its refusal beneath: the update and resolve forms are mostly these. */
export function TextAreaField(props: { label: string; field: string; action: Action; value: string; onChange: (value: string) => void; rows?: number; hint?: ReactNode; placeholder?: string }) {
  return (
    <Field label={props.label} field={props.field} action={props.action} hint={props.hint}>
      {(id, d) => <textarea id={id} aria-describedby={d} rows={props.rows ?? 2} value={props.value} placeholder={props.placeholder} onChange={(e) => props.onChange(e.target.value)} />}
    </Field>
  );
}

/** The status page's components, ticked: the affected ones go on the page with the incident (R10). */
export function ComponentChoice(props: { known: Component[]; chosen: string[]; onChange: (chosen: string[]) => void; action: Action; legend?: string; hint?: ReactNode }) {
  const { known, chosen, onChange, action } = props;
  const id = useId();
  const error = fieldError(action, 'components');
  if (known.length === 0) return null;
  const describedBy = [props.hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <fieldset className={error ? 'field checks invalid' : 'field checks'} aria-describedby={describedBy}>
      <legend>{props.legend ?? 'Affected components (status page)'}</legend>
      {known.map((c) => (
        <label key={c.id} className="inline">
          <input
            type="checkbox"
            value={c.id}
            checked={chosen.includes(c.id)}
            onChange={(e) => onChange(e.target.checked ? [...chosen, c.id] : chosen.filter((x) => x !== c.id))}
          />{' '}
          {c.group ? `${c.group}: ` : ''}
          {c.name}
        </label>
      ))}
      {props.hint ? (
        <div className="hint" id={`${id}-hint`}>
          {props.hint}
        </div>
      ) : null}
      {error ? (
        <div className="field-error" id={`${id}-error`} role="alert">
          {error}
        </div>
      ) : null}
    </fieldset>
  );
}

/** A choice of someone who can own work in an incident: active people who may respond (viewers cannot act on it). */
export function ResponderSelect(props: { id: string; describedBy: string | undefined; value: string; onChange: (handle: string) => void; people: Person[] }) {
  return (
    <select id={props.id} aria-describedby={props.describedBy} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
      <option value="">Choose…</option>
      {props.people
        .filter((p) => p.active && p.role !== 'viewer')
        .map((p) => (
          <option key={p.handle} value={p.handle}>
            @{p.handle} ({p.name})
          </option>
        ))}
    </select>
  );
}
