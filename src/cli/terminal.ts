/**
 * What the CLI writes to a terminal: titles, labels and error messages come from the server
 * and, before it, from anyone who can declare an incident or send an alert. Escape
 * sequences in them could recolour, retitle or rewrite the operator's terminal (or hide a
 * line), so they are taken out of human output and escaped in JSON.
 */

// CSI (ESC [ or C1 CSI … final), OSC (ESC ] or C1 OSC … BEL or ST), other two-byte ESC sequences, then every
// C0 and C1 control character but tab and newline (a carriage return rewrites the line).
const ESCAPES = new RegExp(
  [
    '(?:\\u001b\\[|\\u009b)[0-?]*[ -/]*[@-~]',
    '(?:\\u001b\\]|\\u009d)[^\\u0007\\u001b\\u009c]*(?:\\u0007|\\u001b\\\\|\\u009c)?',
    '\\u001b[ -~]?',
    '[\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f]',
  ].join('|'),
  'g',
);

export function terminalSafe(text: string): string {
  return text.replace(ESCAPES, '');
}

/** JSON for a terminal: JSON.stringify leaves DEL and the C1 controls raw; they are escaped too (still valid JSON). */
export function terminalJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
