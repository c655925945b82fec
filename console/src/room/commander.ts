/** Who takes the Incident Commander's steps (R3: the IC decides; an admin may step in). */
import { useConsole } from '../console-context.js';
import type { Incident } from '../types.js';

/** Whether the person signed in may take the IC's steps in this incident: they hold IC, or they are an admin. */
export function useMayCommand(incident: Incident): boolean {
  const { me, permissions } = useConsole();
  return permissions.respond && (incident.roles.incident_commander === me.handle || permissions.admin);
}

/** Said on a form the IC's steps need, kept for its text once the person no longer holds IC. */
export function noLongerCommanding(incident: Incident, kept: string): string {
  const commander = incident.roles.incident_commander;
  return `${commander ? `@${commander} is Incident Commander of ${incident.id} now` : `${incident.id} has no Incident Commander now`}: only they can do this. ${kept}`;
}
