/**
 * Who takes the Incident Commander's steps (R3: the IC decides; an admin may step in), and what
 * becomes of one being written (or of a status update) when it stops being the person's to
 * take: nothing typed is lost.
 */
import { useEffect, useRef, useState } from 'react';
import { useConsole } from '../console-context.js';
import type { Incident } from '../types.js';

/** Whether the person signed in may take the IC's steps in this incident: they hold IC, or they are an admin. */
export function useMayCommand(incident: Incident): boolean {
  const { me, permissions } = useConsole();
  return permissions.respond && (incident.roles.incident_commander === me.handle || permissions.admin);
}

/**
 * Why the person cannot take an IC's step (resolve, merge) now, or null while they can. The
 * incident no longer open is said before who commands it: it is the bigger news, and IC coming
 * back would not give the step back. While their own step is on its way (`taking`) nothing bars
 * it: the room's live reload may bring the incident that step closed before the step's answer
 * does, and that is no news to hold their text for.
 */
export function useStepBarred(incident: Incident, taking: boolean): string | null {
  const mayCommand = useMayCommand(incident);
  if (taking) return null;
  if (incident.state !== 'open')
    return `${incident.id} was ${incident.mergedInto ? `merged into ${incident.mergedInto}` : 'resolved'} meanwhile: this step no longer applies.`;
  if (mayCommand) return null;
  const commander = incident.roles.incident_commander;
  return `${commander ? `@${commander} is Incident Commander of ${incident.id} now` : `${incident.id} has no Incident Commander now`}: only its Incident Commander or an admin can do this.`;
}

/**
 * On a step's form kept for its text once the step can no longer be taken: says why. The live
 * region is there from the form's first render (the step could be taken then), so that screen
 * readers announce the notice when it fills.
 */
export function CommandNotice({ id, barred, kept }: { id: string; barred: string | null; kept: string }) {
  return (
    <div role="status" id={id}>
      {barred === null ? null : (
        <p className="alert amber">
          {barred} {kept}
        </p>
      )}
    </div>
  );
}

/**
 * Whether a step's form is kept for its text: the step stopped being the person's to take (IC
 * moved on, or someone else resolved or merged the incident) with something typed in it. It
 * stays so once the text is gone (discarded, or cleared by hand), so that Discarded can take the
 * form's place; until the step is theirs again.
 */
export function useKept(mayTake: boolean, typed: boolean): boolean {
  const [kept, setKept] = useState(false);
  const now = !mayTake && (typed || kept);
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
