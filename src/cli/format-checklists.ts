/** `incident status INC-n`: the role checklists (issue 15, item 8), the caller's roles first. */
import type { Static } from 'typebox';
import type { ChecklistsSchema } from '../http/schemas.js';

/** The answer of `GET /incidents/{id}/checklists`, typed from the server's own schema. */
export type Checklists = Static<typeof ChecklistsSchema>;

/** `[x]` done, `[ ]` not yet, `[?]` only a person can tick it: the record cannot say. */
const MARK = (done: boolean | null) => (done === null ? '[?]' : done ? '[x]' : '[ ]');

export function checklistsText(answer: Checklists): string {
  const blocks = answer.checklists.map((list) => {
    const who = list.holders.length ? list.holders.map((h) => `@${h}`).join(', ') : 'nobody yet';
    const items = list.items.map((i) => `  ${MARK(i.done)} ${i.text} — ${i.proof}`);
    return [`${list.label} (${who})`, ...items].join('\n');
  });
  return `${answer.incident} checklists:\n${blocks.join('\n\n')}\n\n[x] done  [ ] not yet  [?] for a person to tick: the record cannot say\n`;
}
