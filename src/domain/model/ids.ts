/** How people name an incident: `INC-7`. The one place that form is written or read. */

export function incidentId(number: number): string {
  return `INC-${number}`;
}

/** `INC-7`, `inc-7`, `inc7` or `7` → 7; null when the text names no incident. */
export function parseIncidentId(text: string): number | null {
  const match = /^(?:inc-?)?([1-9][0-9]{0,8})$/i.exec(text.trim());
  return match ? Number(match[1]) : null;
}
