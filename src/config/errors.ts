/** `/severities/0/audience` → `severities[0].audience`: how a person names a key. */
export function keyPath(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}

/** The common shape of TypeBox's and Ajv's (Fastify's) validation errors. */
export interface SchemaError {
  keyword: string;
  instancePath: string;
  params: object;
  message?: string;
}

/** Plain words for the patterns our schemas use, instead of the regular expression. */
const PATTERN_HINTS: [RegExp, string][] = [
  [/ms\|s\|m\|h\|d/, 'must be a duration such as 30m, 90s or 1h'],
  [/^\^\[a-z0-9\]\[a-z0-9\._-\]/, 'must be a lower-case handle: letters, digits, dot, dash or underscore'],
  [/INC-|\[Ii\]\[Nn\]\[Cc\]/, 'must be an incident id such as INC-7 or 7'],
  [/^\^\(note\|/, 'must be timeline kinds, comma-separated (note, observation, action, decision, hypothesis, ruled_out, …)'],
  [/^\^\[UW\]/, 'must be a Slack member id such as U012AB3CD'],
  [/^\^h\[0-9\]/, 'must be a handoff id such as h7'],
  [/^\^https\?/, 'must be an http:// or https:// address'],
];

function patternProblem(pattern: unknown): string {
  const text = String(pattern);
  return PATTERN_HINTS.find(([test]) => test.test(text))?.[1] ?? `must match the pattern ${text}`;
}

export interface FieldProblem {
  field: string;
  problem: string;
}

/** Turns JSON-schema errors into one readable problem per field. */
export function describeSchemaErrors(
  errors: Iterable<SchemaError>,
): FieldProblem[] {
  const byField = new Map<string, string>();
  for (const error of errors) {
    const params = error.params as Record<string, unknown>;
    let field = keyPath(error.instancePath);
    let problem: string;
    switch (error.keyword) {
      case 'additionalProperties': {
        const extra = params.additionalProperties ?? params.additionalProperty;
        const name = Array.isArray(extra) ? String(extra[0]) : String(extra);
        field = field ? `${field}.${name}` : name;
        problem = 'is not a known key';
        break;
      }
      case 'required': {
        const missing = params.requiredProperties ?? params.missingProperty;
        const name = Array.isArray(missing) ? String(missing[0]) : String(missing);
        field = field ? `${field}.${name}` : name;
        problem = 'is required';
        break;
      }
      case 'enum': {
        const allowed = (params.allowedValues as unknown[] | undefined) ?? [];
        problem = `must be one of: ${allowed.join(', ')}`;
        break;
      }
      case 'pattern':
        problem = patternProblem(params.pattern);
        break;
      case 'boolean':
        continue;
      default:
        problem = error.message ?? 'is not valid';
    }
    if (!byField.has(field)) byField.set(field, problem);
  }
  return [...byField].map(([field, problem]) => ({ field: field || '(body)', problem }));
}
