/**
 * A drill script: a scripted incident a team writes in YAML (README "Drills"). Checked
 * here, from the parsed document (src/config/drill-script.ts reads the YAML), so that a
 * mistake is named by its line and field before a drill starts, never halfway through one.
 */
import { DomainError } from '../model/errors.js';
import { parseDuration } from '../model/time.js';

export type ScriptVoice = 'sme' | 'stakeholder';

export interface ScriptPerson {
  handle: string;
  name: string;
  voice: ScriptVoice;
  specialty: string | null;
}

/** One thing the drill makes happen, `atMs` after it starts (at speed 1). */
export type ScriptStep =
  | { atMs: number; kind: 'alert'; summary: string; severity: string; dedupKey: string; component: string | null }
  | { atMs: number; kind: 'finding' | 'ruled_out' | 'asks'; as: string; text: string };

export interface DrillScript {
  name: string;
  title: string;
  description: string | null;
  people: ScriptPerson[];
  /** What a trainee should have ruled out by the end: each a few words matched in `ruled_out` entries. */
  expectedRuledOut: string[];
  steps: ScriptStep[];
}

const HANDLE = /^[a-z0-9][a-z0-9._-]{0,39}$/;
const ALERT_SEVERITIES = ['critical', 'error', 'warning', 'info'];
const SAYS = ['finding', 'ruledOut', 'asks'] as const;

/** Where a field of the document is: the line it starts on (1-based); the document's first line for `[]`. */
export type LineOf = (path: (string | number)[]) => number;

/** Throws DRILL_SCRIPT_INVALID naming the file, line and field of the first problem. */
export function checkDrillScript(root: unknown, lineOf: LineOf, file = 'script'): DrillScript {
  const fail = (path: (string | number)[], message: string): never => {
    const line = lineOf(path);
    const field = path.join('.') || '(document)';
    throw new DomainError('DRILL_SCRIPT_INVALID', `${file}:${line}: ${field}: ${message}`, { field, line });
  };
  if (!isRecord(root)) return fail([], 'a drill script is a mapping with name, title, people, steps');

  const str = (value: unknown, path: (string | number)[], required = true): string | null => {
    if (value === undefined || value === null) return required ? fail(path.slice(0, -1), `${String(path.at(-1))} is required`) : null;
    if (typeof value !== 'string' || !value.trim()) return fail(path, 'must be non-empty text');
    return value.trim();
  };

  const name = str(root['name'], ['name'])!;
  if (!HANDLE.test(name)) fail(['name'], 'must be lower-case letters, digits, ".", "_" or "-"');
  const title = str(root['title'], ['title'])!;
  const description = str(root['description'], ['description'], false);

  const rawPeople = root['people'] ?? [];
  if (!Array.isArray(rawPeople)) fail(['people'], 'must be a list');
  const people = (rawPeople as unknown[]).map((p, i): ScriptPerson => {
    if (!isRecord(p)) return fail(['people', i], 'each person is a mapping with handle, name, voice');
    const handle = str(p['handle'], ['people', i, 'handle'])!;
    if (!HANDLE.test(handle)) fail(['people', i, 'handle'], 'must be a handle (lower-case letters, digits, ".", "_", "-")');
    const voice = str(p['voice'], ['people', i, 'voice'])!;
    if (voice !== 'sme' && voice !== 'stakeholder') fail(['people', i, 'voice'], 'must be sme or stakeholder');
    return { handle, name: str(p['name'], ['people', i, 'name'], false) ?? handle, voice: voice as ScriptVoice, specialty: str(p['specialty'], ['people', i, 'specialty'], false) };
  });
  const seen = new Set<string>();
  people.forEach((p, i) => {
    if (seen.has(p.handle)) fail(['people', i, 'handle'], `@${p.handle} is listed twice`);
    seen.add(p.handle);
  });

  const expected = root['expectedRuledOut'] ?? [];
  if (!Array.isArray(expected)) fail(['expectedRuledOut'], 'must be a list of short phrases');
  const expectedRuledOut = (expected as unknown[]).map((e, i) => str(e, ['expectedRuledOut', i])!);

  const rawSteps = root['steps'];
  if (!Array.isArray(rawSteps) || rawSteps.length === 0) return fail(rawSteps === undefined ? [] : ['steps'], 'steps: a non-empty list is required');
  const steps = (rawSteps as unknown[]).map((s, i): ScriptStep => {
    const at = ['steps', i];
    if (!isRecord(s)) return fail(at, 'each step is a mapping with at and one of alert, finding, ruledOut, asks');
    const atText = s['at'];
    const atMs = typeof atText === 'string' ? parseDuration(atText) : atText === 0 ? 0 : null;
    if (atMs === null) fail([...at, 'at'], 'must be a duration from the start, such as 0s, 90s, 4m');
    const kinds = ['alert', ...SAYS].filter((k) => s[k] !== undefined);
    if (kinds.length !== 1) fail(at, 'needs exactly one of alert, finding, ruledOut, asks');
    if (kinds[0] === 'alert') {
      const alert = s['alert'];
      if (!isRecord(alert)) return fail([...at, 'alert'], 'must be a mapping with summary, dedupKey, severity');
      const severity = str(alert['severity'], [...at, 'alert', 'severity'], false) ?? 'critical';
      if (!ALERT_SEVERITIES.includes(severity)) fail([...at, 'alert', 'severity'], `must be one of ${ALERT_SEVERITIES.join(', ')}`);
      return {
        atMs: atMs!,
        kind: 'alert',
        summary: str(alert['summary'], [...at, 'alert', 'summary'])!,
        dedupKey: str(alert['dedupKey'], [...at, 'alert', 'dedupKey'])!,
        severity,
        component: str(alert['component'], [...at, 'alert', 'component'], false),
      };
    }
    const said = kinds[0] as (typeof SAYS)[number];
    const as = str(s['as'], [...at, 'as'])!;
    const person = people.find((p) => p.handle === as);
    if (!person) fail([...at, 'as'], `@${as} is not in people`);
    if (said === 'asks' && person!.voice !== 'stakeholder') fail([...at, 'as'], `@${as} is an SME; asks is a stakeholder's line`);
    if (said !== 'asks' && person!.voice !== 'sme') fail([...at, 'as'], `@${as} is a stakeholder; ${said} is an SME's line`);
    const kind = said === 'ruledOut' ? 'ruled_out' : said;
    return { atMs: atMs!, kind, as, text: str(s[said], [...at, said])! };
  });
  steps.forEach((s, i) => {
    if (i > 0 && s.atMs < steps[i - 1]!.atMs) fail(['steps', i, 'at'], 'steps run in order: this one is earlier than the one before');
  });
  if (steps[0]!.kind !== 'alert') fail(['steps', 0], 'a drill begins with an alert (time to declare counts from it)');
  return { name, title, description, people, expectedRuledOut, steps };
}

/** When step `index` falls due for a drill started at `startedAt` and run `speed` times faster. */
export function stepDueAt(script: DrillScript, index: number, startedAt: string, speed: number): string {
  return new Date(Date.parse(startedAt) + Math.round(script.steps[index]!.atMs / speed)).toISOString();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
