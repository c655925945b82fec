/**
 * What a submitted declare / update / resolve form must hold before it is taken up (pure).
 * Platforms that answer a form's submission synchronously (Mattermost's dialogs) show these
 * next to the field named; the commands themselves check again when they run.
 */
import { toUtcIso } from '../model/time.js';

export type ChatFormKind = 'declare' | 'update' | 'resolve';

const STATUSES = ['investigating', 'identified', 'monitoring'];
const AUDIENCES = ['public', 'internal'];

/** The problems of a form's fields (name → what is wrong); empty when it may be taken up. */
export function checkChatForm(kind: ChatFormKind, fields: Readonly<Record<string, string>>, severities: readonly string[]): Record<string, string> {
  const errors: Record<string, string> = {};
  const required = (name: string, label: string) => {
    if (!fields[name]?.trim()) errors[name] = `${label} is required.`;
  };
  if (kind === 'declare') {
    required('title', 'A title');
    if (!severities.includes(fields.severity ?? '')) errors.severity = `Choose one of ${severities.join(', ')}.`;
    return errors;
  }
  if (kind === 'update' && !STATUSES.includes(fields.status ?? '')) errors.status = `Choose one of ${STATUSES.join(', ')}.`;
  required('impact', 'Impact');
  required('whatWeKnow', 'What we know');
  if (fields.audience && !AUDIENCES.includes(fields.audience)) errors.audience = 'Choose public or internal.';
  if (kind === 'update' && fields.nextUpdateBy && !toUtcIso(fields.nextUpdateBy)) errors.nextUpdateBy = `"${fields.nextUpdateBy}" is not a time; write it as 2026-06-06T15:30Z.`;
  return errors;
}
