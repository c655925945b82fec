/** Reads a drill script's YAML and has the domain check it, each problem placed on its line (src/domain/drills/script.ts). */
import { LineCounter, isNode, parseDocument } from 'yaml';
import { DomainError } from '../domain/model/errors.js';
import { checkDrillScript, type DrillScript } from '../domain/drills/script.js';

export function parseDrillScript(text: string, file = 'script'): DrillScript {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length) {
    const error = doc.errors[0]!;
    const { line } = lines.linePos(error.pos[0]);
    throw new DomainError('DRILL_SCRIPT_INVALID', `${file}:${line}: not valid YAML: ${error.message.split('\n')[0]}`, { field: '(document)', line });
  }
  return checkDrillScript(
    doc.toJS(),
    (path) => {
      const node = path.length ? doc.getIn(path, true) : doc.contents;
      return lines.linePos(isNode(node) && node.range ? node.range[0] : 0).line;
    },
    file,
  );
}
