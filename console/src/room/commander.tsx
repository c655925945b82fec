/** Who takes the Incident Commander's steps (R3: the IC decides; an admin may step in). */
import { useEffect, useRef, useState } from 'react';
import { useConsole } from '../console-context.js';
import type { Incident } from '../types.js';

/** Whether the person signed in may take the IC's steps in this incident: they hold IC, or they are an admin. */
export function useMayCommand(incident: Incident): boolean {
  const { me, permissions } = useConsole();
  return permissions.respond && (incident.roles.incident_commander === me.handle || permissions.admin);
}

/**
 * On a form the IC's steps need, kept for its text once the person no longer holds IC: says so.
 * The live region is there from the form's first render (the person held IC then), so that
 * screen readers announce the notice when it fills.
 */
export function CommandNotice({ id, incident, mayCommand, kept }: { id: string; incident: Incident; mayCommand: boolean; kept: string }) {
  const commander = incident.roles.incident_commander;
  return (
    <div role="status" id={id}>
      {mayCommand ? null : (
        <p className="alert amber">
          {commander ? `@${commander} is Incident Commander of ${incident.id} now` : `${incident.id} has no Incident Commander now`}: only its Incident Commander or an
          admin can do this. {kept}
        </p>
      )}
    </div>
  );
}

/**
 * Whether a step's form is kept for its text: the person lost IC with something typed in it.
 * It stays so once the text is gone (discarded, or cleared by hand), so that Discarded can
 * take the form's place; until the person holds IC again.
 */
export function useKept(mayCommand: boolean, typed: boolean): boolean {
  const [kept, setKept] = useState(false);
  const now = !mayCommand && (typed || kept);
  if (now !== kept) setKept(now);
  return now;
}

/**
 * Where a kept step was, once its text is gone: says so and takes focus, which was in the form
 * (on Discard, or in the field cleared), gone with it; otherwise focus would fall to the page.
 */
export function Discarded({ what }: { what: string }) {
  const note = useRef<HTMLParagraphElement>(null);
  useEffect(() => note.current?.focus(), []);
  return (
    <p className="panel hint" tabIndex={-1} ref={note}>
      {what} discarded.
    </p>
  );
}
