/**
 * Robustness: every write endpoint is bombarded with malformed requests, generated from
 * a table of one valid request per endpoint that is then mutated one thing at a time
 * (each field: wrong types, missing, huge, blank, bad values; the body as a whole; the
 * path parameters; the headers). Every answer must be a 4xx in the one error shape,
 * name what is wrong, and change nothing. The valid requests are sent last, to prove the
 * table is right: each mutation was refused for what was mutated, not for something else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { ADMIN_TOKEN, STORE_KINDS, testApp, type TestApp } from '../support/harness.js';

type Method = 'POST' | 'PUT' | 'DELETE';
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

type FieldKind =
  | { type: 'text'; max: number; blankRefused: boolean }
  | { type: 'handle'; mustExist: boolean }
  | { type: 'severity' }
  | { type: 'enum'; values: string[] }
  | { type: 'time'; semantic?: { value: string; why: string }[] }
  | { type: 'integer' }
  | { type: 'boolean' }
  | { type: 'email' }
  | { type: 'components' }
  | { type: 'links' }
  | { type: 'chat' };

interface Field {
  name: string;
  required: boolean;
  kind: FieldKind;
  /** Values that pass the schema but that the domain refuses, with why. */
  extra?: { value: Json; why: string }[];
}

type ParamKind = 'incident' | 'handle' | 'sme' | 'role' | 'handoff' | 'change';

interface Endpoint {
  name: string;
  method: Method;
  /** With `{param}` placeholders. */
  path: string;
  params: Record<string, { kind: ParamKind; valid: string }>;
  /** The valid body; undefined for endpoints that take none. */
  body?: Record<string, Json>;
  fields: Field[];
  /** Whether the endpoint honours If-Match. */
  ifMatch: boolean;
  /** Who sends the valid request in the control run (default admin). */
  as?: string;
}

interface Case {
  endpoint: string;
  label: string;
  method: Method;
  url: string;
  /** Raw payload, sent as is. */
  payload?: string;
  headers: Record<string, string>;
  /** Names (any of) that the answer must point at, in details.field or the message. */
  field?: string[];
  /** The exact status, when it is known. */
  status?: number;
}

const KB = 1024;
const HUGE = 'x'.repeat(100 * KB);
const OVER_LIMIT = 'y'.repeat(300 * KB);
const NUL = 'bad\u0000value';
/** Deep nesting, written straight into the JSON text (JSON.stringify would need a deep stack): `DEEP(n)` stands for n nested arrays. */
const DEEP = (depth: number): Json => `\u0000DEEP:${depth}`;
function serialize(value: Json): string {
  return JSON.stringify(value).replace(/"\\u0000DEEP:(\d+)"/g, (_, n: string) => `${'['.repeat(Number(n))}"bottom"${']'.repeat(Number(n))}`);
}
const WRONG_FOR_STRING: { value: Json; label: string }[] = [
  { value: 42, label: 'a number' },
  { value: 1.5, label: 'a float' },
  { value: true, label: 'a boolean' },
  { value: null, label: 'null' },
  { value: [], label: 'an empty array' },
  { value: ['x'], label: 'an array of strings' },
  { value: {}, label: 'an empty object' },
  { value: { $ne: null }, label: 'an operator object' },
  { value: DEEP(200), label: 'deeply nested arrays' },
];

/** Bad values for one field, each with a label; all must be refused. */
function badValues(field: Field): { value: Json; label: string }[] {
  const kind = field.kind;
  const strings = (values: [Json, string][]) => [...WRONG_FOR_STRING, ...values.map(([value, label]) => ({ value, label }))];
  let values: { value: Json; label: string }[];
  switch (kind.type) {
    case 'text':
      values = strings([
        ['x'.repeat(kind.max + 1), `one character over ${kind.max}`],
        [HUGE, '100 KB'],
        [NUL, 'a NUL character'],
      ]);
      if (kind.blankRefused) values.push({ value: '', label: 'empty' }, { value: ' \t\n ', label: 'only whitespace' });
      break;
    case 'handle':
      values = strings([
        ['', 'empty'],
        ['Alex', 'upper case'],
        ['al ex', 'a space'],
        ['-alex', 'a leading dash'],
        ['x'.repeat(41), '41 characters'],
        [HUGE, '100 KB'],
        ['ålex', 'non-ASCII'],
        ['alex\u0000', 'a NUL character'],
        ['../admin', 'a path'],
        ['🔥', 'an emoji'],
      ]);
      if (kind.mustExist) values.push({ value: 'nobody', label: 'an unknown person' });
      break;
    case 'severity':
      values = strings([
        ['', 'empty'],
        ['SEV9', 'an unknown severity'],
        ['sev1', 'lower case'],
        ['SEV 1', 'a space'],
        ['SEV1 ', 'a trailing space'],
        ['SEV１', 'a full-width digit'],
        ['SEV1\u0000', 'a NUL character'],
        ['critical', 'a name, not an id'],
        ['x'.repeat(21), '21 characters'],
        [HUGE, '100 KB'],
      ]);
      break;
    case 'enum': {
      const first = kind.values[0]!;
      values = strings([
        ['', 'empty'],
        [first.toUpperCase(), 'upper case'],
        [` ${first}`, 'a leading space'],
        ['unknown', 'an unknown value'],
        [`${first}\u0000`, 'a NUL character'],
        ['résolu', 'non-ASCII'],
        [HUGE, '100 KB'],
      ]);
      break;
    }
    case 'time':
      values = strings([
        ['', 'empty'],
        ['yesterday', 'words'],
        ['now', 'now'],
        ['2026-06-06', 'a date only'],
        ['2026-06-06T14:14:00', 'no time zone'],
        ['2026-13-01T00:00:00Z', 'month 13'],
        ['2026-02-30T10:00:00Z', 'February 30'],
        ['2026-06-06T25:00:00Z', 'hour 25'],
        ['2025-12-31T23:59:60Z', 'a leap second'],
        ['+275760-09-13T00:00:00Z', 'an extended year'],
        ['٢٠٢٦-06-06T14:14:00Z', 'Arabic-Indic digits'],
        ['2026-06-06T14:14:00Z\u0000', 'a NUL character'],
        ['x'.repeat(41), '41 characters'],
        [HUGE, '100 KB'],
      ]);
      for (const s of kind.semantic ?? []) values.push({ value: s.value, label: s.why });
      break;
    case 'integer':
      values = [
        { value: '1', label: 'a numeric string' },
        { value: 1.5, label: 'a float' },
        { value: 0, label: 'zero' },
        { value: -1, label: 'negative' },
        { value: true, label: 'a boolean' },
        { value: null, label: 'null' },
        { value: [], label: 'an array' },
        { value: {}, label: 'an object' },
        { value: 'x', label: 'a word' },
        { value: 99_999, label: 'an unknown entry' },
        { value: 1e300, label: 'a huge number' },
      ];
      break;
    case 'boolean':
      values = [
        { value: 'true', label: 'the string "true"' },
        { value: 'false', label: 'the string "false"' },
        { value: 1, label: 'one' },
        { value: 0, label: 'zero' },
        { value: null, label: 'null' },
        { value: [], label: 'an array' },
        { value: {}, label: 'an object' },
        { value: 'yes', label: 'yes' },
      ];
      break;
    case 'email':
      values = strings([
        ['', 'empty'],
        ['not-an-email', 'no @'],
        ['@example.com', 'no local part'],
        ['a@', 'no domain'],
        ['a b@example.com', 'a space'],
        [`${'x'.repeat(300)}@example.com`, 'over 254 characters'],
        [NUL, 'a NUL character'],
      ]);
      break;
    case 'components':
      values = [
        { value: 'search', label: 'a string, not a list' },
        { value: 42, label: 'a number' },
        { value: null, label: 'null' },
        { value: {}, label: 'an object' },
        { value: [42], label: 'a list of numbers' },
        { value: [null], label: 'a list with null' },
        { value: [['search']], label: 'a nested list' },
        { value: ['Search'], label: 'upper case' },
        { value: ['a b'], label: 'a space' },
        { value: ['ü'], label: 'non-ASCII' },
        { value: ['x'.repeat(61)], label: 'a 61-character id' },
        { value: Array.from({ length: 51 }, (_, i) => `c${i}`), label: '51 components' },
        { value: [HUGE], label: '100 KB' },
      ];
      break;
    case 'links':
      values = [
        { value: 'https://status.example.com', label: 'a string, not an object' },
        { value: 42, label: 'a number' },
        { value: null, label: 'null' },
        { value: [], label: 'an array' },
        { value: { bogus: 'https://x.example.com' }, label: 'an unknown link' },
        { value: { statusPage: 'not a url' }, label: 'not a URL' },
        { value: { statusPage: 42 }, label: 'a number for a URL' },
        { value: { dashboard: null }, label: 'null for a URL' },
        { value: { runbook: `https://x.example.com/${'a'.repeat(2000)}` }, label: 'a URL over 2000 characters' },
        { value: { statusPage: '' }, label: 'an empty URL' },
        { value: { dashboard: { url: 'https://x.example.com' } }, label: 'an object for a URL' },
      ];
      break;
    case 'chat':
      values = [
        { value: 'U123ABC', label: 'a string, not an object' },
        { value: 42, label: 'a number' },
        { value: null, label: 'null' },
        { value: [], label: 'an array' },
        { value: { slack: 'bad' }, label: 'a malformed Slack id' },
        { value: { slack: 42 }, label: 'a number for a Slack id' },
        { value: { discord: 'x' }, label: 'an unknown chat' },
        { value: { teams: 'x' }, label: 'a malformed Teams id (not an Entra object id)' },
        { value: { slack: `U${'1'.repeat(30)}` }, label: 'a Slack id too long' },
      ];
      break;
  }
  for (const e of field.extra ?? []) values.push({ value: e.value, label: e.why });
  return values;
}

/** Bad path parameter values, each with the status it must get when known. */
function badParams(kind: ParamKind): { value: string; label: string; status?: number; routed: boolean }[] {
  const common = [
    { value: '%', label: 'a lone percent sign', routed: false },
    { value: '%E0%A4%A', label: 'broken percent-encoding', routed: false },
    { value: '%00', label: 'an encoded NUL', routed: true },
    { value: encodeURIComponent('🔥'), label: 'an emoji', routed: true },
    { value: 'a%20b', label: 'an encoded space', routed: true },
    { value: 'x'.repeat(2000), label: '2000 characters', routed: true },
  ];
  switch (kind) {
    case 'incident':
      return [
        ...common,
        { value: 'INC-0', label: 'INC-0', status: 400, routed: true },
        { value: '0', label: 'zero', status: 400, routed: true },
        { value: 'INC-x', label: 'INC-x', status: 400, routed: true },
        { value: '-1', label: 'negative', status: 400, routed: true },
        { value: 'INC--1', label: 'INC--1', status: 400, routed: true },
        { value: 'INC-1.5', label: 'a fraction', status: 400, routed: true },
        { value: '1e3', label: 'an exponent', status: 400, routed: true },
        { value: '0x1', label: 'hex', status: 400, routed: true },
        { value: 'INC-1%0A', label: 'a trailing newline', status: 400, routed: true },
        { value: '١', label: 'an Arabic-Indic digit', status: 400, routed: true },
        { value: '9'.repeat(300), label: 'a 300-digit number', routed: true },
        { value: '1234567890', label: 'ten digits', status: 400, routed: true },
        { value: '99999', label: 'an unknown incident', status: 404, routed: true },
        { value: 'INC-99999', label: 'an unknown INC-n', status: 404, routed: true },
      ];
    case 'handle':
    case 'sme':
      return [
        ...common,
        { value: 'Alex', label: 'upper case', status: 400, routed: true },
        { value: '-alex', label: 'a leading dash', status: 400, routed: true },
        { value: 'x'.repeat(41), label: '41 characters', status: 400, routed: true },
        { value: encodeURIComponent('ålex'), label: 'non-ASCII', status: 400, routed: true },
        { value: '..', label: 'dot-dot', routed: false },
        kind === 'handle'
          ? { value: 'nobody', label: 'an unknown person', status: 400, routed: true }
          : { value: 'nobody', label: 'not an SME', status: 404, routed: true },
      ];
    case 'role':
      return [
        ...common,
        { value: 'ic', label: 'an abbreviation', status: 400, routed: true },
        { value: 'INCIDENT_COMMANDER', label: 'upper case', status: 400, routed: true },
        { value: 'sme', label: 'not a role', status: 400, routed: true },
        { value: 'incident_commander', label: 'the IC (never released)', status: 409, routed: true },
        { value: 'comms_lead', label: 'a role nobody holds', status: 409, routed: true },
      ];
    case 'handoff':
      return [
        ...common,
        { value: 'x', label: 'a word', status: 400, routed: true },
        { value: 'h', label: 'no number', status: 400, routed: true },
        { value: 'h-1', label: 'negative', status: 400, routed: true },
        { value: 'H1', label: 'upper case', status: 400, routed: true },
        { value: 'h1234567890', label: 'ten digits', status: 400, routed: true },
        { value: 'h99999', label: 'an unknown handoff', status: 409, routed: true },
      ];
    case 'change':
      return [
        ...common,
        { value: 'x', label: 'a word', status: 400, routed: true },
        { value: 'chg_', label: 'no digits', status: 400, routed: true },
        { value: 'CHG_0000000000000001', label: 'upper case', status: 400, routed: true },
        { value: 'chg_00000000000000001', label: 'one digit too many', status: 400, routed: true },
        { value: 'chg_000000000000000g', label: 'not hex', status: 400, routed: true },
        { value: 'chg_0000000000000000', label: 'an unknown change', status: 404, routed: true },
      ];
  }
}

const FIELD_FOR_PARAM: Record<ParamKind, string[]> = {
  incident: ['id'],
  handle: ['handle'],
  sme: ['handle', 'person'],
  role: ['role'],
  handoff: ['handoffId'],
  change: ['changeId'],
};

function url(endpoint: Endpoint, override: Record<string, string> = {}): string {
  return `/api/v1${endpoint.path.replace(/\{(\w+)\}/g, (_, name: string) => override[name] ?? endpoint.params[name]!.valid)}`;
}

const JSON_HEADERS = { 'content-type': 'application/json' };
const auth = (token = ADMIN_TOKEN) => ({ authorization: `Bearer ${token}` });
/** Each request from its own address: refused tokens are throttled per address (test/access/throttle.test.ts), which is not what this suite is about. */
let sent = 0;
const address = () => `10.${(++sent >> 16) & 255}.${(sent >> 8) & 255}.${sent & 255}`;

/** Every malformed request for every endpoint, generated from the table. */
function generate(endpoints: Endpoint[]): Case[] {
  const cases: Case[] = [];
  for (const ep of endpoints) {
    const add = ({ url: at, headers, ...rest }: Omit<Case, 'endpoint' | 'method' | 'url' | 'headers'> & { url?: string; headers?: Record<string, string> }) =>
      cases.push({ endpoint: ep.name, method: ep.method, url: at ?? url(ep), headers: { ...auth(), ...(headers ?? {}) }, ...rest });
    const validPayload = ep.body ? JSON.stringify(ep.body) : undefined;
    const withBody = (body: Json) => ({ payload: serialize(body), headers: JSON_HEADERS });

    // Each field: wrong types and bad values, one at a time; each required field missing.
    for (const field of ep.fields) {
      for (const { value, label } of badValues(field)) {
        add({ label: `${field.name}: ${label}`, ...withBody({ ...ep.body, [field.name]: value }), field: [field.name] });
      }
      if (field.required) {
        const rest = { ...ep.body };
        delete rest[field.name];
        add({ label: `${field.name}: missing`, ...withBody(rest), field: [field.name] });
      }
    }

    // The body as a whole.
    const parseFailures: [string, string][] = [
      ['{', 'a lone brace'],
      ['{"a":', 'truncated JSON'],
      ["{'a': 1}", 'single quotes'],
      ['{"a": 1,}', 'a trailing comma'],
      ['{"a": NaN}', 'NaN'],
      ['not json', 'plain words'],
      [`${validPayload ?? '{}'}x`, 'trailing garbage'],
      ['\u0000', 'a NUL byte'],
      ['{"__proto__": {"admin": true}}', 'a __proto__ key'],
      ['{"constructor": {"prototype": {"admin": true}}}', 'a constructor.prototype key'],
    ];
    for (const [payload, label] of parseFailures) add({ label: `body: ${label}`, payload, headers: JSON_HEADERS, status: 400 });
    add({ label: 'body: over the 256 KB limit', ...withBody({ ...ep.body, padding: OVER_LIMIT }), status: 413 });
    add({ label: 'body: 300 KB of whitespace', payload: ' '.repeat(300 * KB), headers: JSON_HEADERS, status: 413 });
    for (const type of ['application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream', 'image/png']) {
      add({ label: `body: content-type ${type}`, payload: validPayload ?? '{}', headers: { 'content-type': type }, status: 415 });
    }

    if (ep.body) {
      add({ label: 'body: empty with a JSON content-type', payload: '', headers: JSON_HEADERS, status: 400 });
      add({ label: 'body: none at all', status: 400 });
      add({ label: 'body: JSON as text/plain', payload: validPayload, headers: { 'content-type': 'text/plain' } });
      add({ label: 'body: JSON with no content-type', payload: validPayload, headers: {} });
      for (const [value, label] of [
        [null, 'null'],
        [[], 'an empty array'],
        [[ep.body], 'the valid body inside an array'],
        ['a string', 'a string'],
        [42, 'a number'],
        [true, 'a boolean'],
        [{}, 'an empty object'],
        [DEEP(5000), '5000 nested arrays'],
      ] as [Json, string][]) {
        const required = ep.fields.filter((f) => f.required).map((f) => f.name);
        if (label === 'an empty object' && required.length === 0) continue;
        const refusedForField = label === 'an empty object' ? required : undefined;
        add({ label: `body: ${label}`, ...withBody(value), status: 400, ...(refusedForField?.length ? { field: refusedForField } : {}) });
      }
      // Unknown keys, alone and nested.
      for (const [key, value, label] of [
        ['bogus', 1, 'an unknown key'],
        ['Title', 'x', 'a key in the wrong case'],
        ['tïtle', 'x', 'a non-ASCII key'],
        ['', 'x', 'an empty key'],
        ['nested', { a: { b: { c: [1, { d: null }] } } }, 'nested junk'],
        ['deep', DEEP(2000), 'deeply nested junk'],
        ['$where', 'sleep(1000)', 'an operator key'],
      ] as [string, Json, string][]) {
        add({ label: `body: ${label}`, ...withBody({ ...ep.body, [key]: value }), status: 400, field: [key] });
      }
    }

    // Path parameters, one at a time.
    for (const [name, param] of Object.entries(ep.params)) {
      for (const bad of badParams(param.kind)) {
        add({
          label: `path ${name}: ${bad.label}`,
          url: url(ep, { [name]: bad.value }),
          ...(validPayload ? { payload: validPayload, headers: JSON_HEADERS } : {}),
          ...(bad.status ? { status: bad.status } : {}),
          ...(bad.routed && bad.status !== 409 ? { field: [...FIELD_FOR_PARAM[param.kind], '(path)'] } : {}),
        });
      }
    }

    // Headers.
    const base = validPayload ? { payload: validPayload } : {};
    const headerCases: [Record<string, string>, string, number, string[] | undefined][] = [
      [{ authorization: '' }, 'no token', 401, ['authorization']],
      [{ authorization: 'Bearer wrong-token' }, 'a wrong token', 401, ['authorization']],
      [{ authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` }, 'Basic auth', 401, ['authorization']],
      [{ authorization: `Bearer ${ADMIN_TOKEN} extra` }, 'a token with junk after it', 401, ['authorization']],
      [{ 'idempotency-key': 'k'.repeat(201) }, 'a 201-character Idempotency-Key', 400, ['idempotency-key']],
      [{ 'idempotency-key': 'has space' }, 'an Idempotency-Key with a space', 400, ['idempotency-key']],
    ];
    if (ep.ifMatch) {
      headerCases.push(
        [{ 'if-match': 'abc' }, 'If-Match not a version', 400, ['if-match']],
        [{ 'if-match': '"-1"' }, 'If-Match negative', 400, ['if-match']],
        [{ 'if-match': '"1"' }, 'If-Match stale', 409, undefined],
        [{ 'if-match': '"99999"' }, 'If-Match from the future', 409, undefined],
      );
    }
    for (const [headers, label, status, field] of headerCases) {
      const h: Record<string, string> = { ...(validPayload ? JSON_HEADERS : {}), ...headers };
      cases.push({
        endpoint: ep.name,
        label: `header: ${label}`,
        method: ep.method,
        url: url(ep),
        ...base,
        headers: { ...auth(), ...h },
        status,
        ...(field ? { field } : {}),
      });
    }
  }
  return cases;
}

/** What is wrong with an answer to a malformed request, or null when it is right. */
function problemWith(c: Case, res: LightMyRequestResponse): string | null {
  if (res.statusCode < 400 || res.statusCode > 499) return `status ${res.statusCode}: ${res.body.slice(0, 300)}`;
  if (c.status !== undefined && res.statusCode !== c.status) return `status ${res.statusCode}, expected ${c.status}: ${res.body.slice(0, 300)}`;
  let body: { error?: { code?: unknown; message?: unknown; details?: { field?: unknown } } };
  try {
    body = JSON.parse(res.body) as typeof body;
  } catch {
    return `not JSON (${res.headers['content-type']}): ${res.body.slice(0, 200)}`;
  }
  const error = body.error;
  if (!error || typeof error.code !== 'string' || !error.code || typeof error.message !== 'string' || !error.message)
    return `not {"error":{"code","message"}}: ${res.body.slice(0, 300)}`;
  if (c.field) {
    const named = error.details?.field;
    const ok = c.field.some((f) => (typeof named === 'string' && (named === f || named.startsWith(`${f}.`) || named.startsWith(`${f}[`))) || error.message!.toString().includes(f));
    if (!ok) return `does not name ${c.field.join(' or ')}: ${res.body.slice(0, 300)}`;
  }
  return null;
}

describe.each(STORE_KINDS)('malformed requests to every write endpoint (%s)', (kind) => {
  let t: TestApp;
  let endpoints: Endpoint[];
  let cases: Case[];
  let before: Snapshot;
  const failures: string[] = [];
  let fired = 0;

  interface Snapshot {
    incident: Record<string, unknown>;
    timeline: unknown[];
    people: unknown[];
    incidents: number;
    updates: number;
    changes: number;
  }

  async function snapshot(): Promise<Snapshot> {
    const get = async (path: string) => {
      const res = await t.call('GET', `/api/v1${path}`);
      expect(res.statusCode, `${path}: ${res.body}`).toBe(200);
      return res.json() as unknown;
    };
    return {
      incident: (await get('/incidents/INC-1')) as Record<string, unknown>,
      timeline: (await get('/incidents/INC-1/timeline')) as unknown[],
      people: (await get('/people')) as unknown[],
      incidents: ((await get('/incidents')) as unknown[]).length,
      updates: ((await get('/incidents/INC-1/updates')) as unknown[]).length,
      changes: ((await get('/changes')) as unknown[]).length,
    };
  }

  beforeAll(async () => {
    t = await testApp(kind);
    for (const handle of ['alex', 'sam', 'kim']) await t.person(handle);
    await t.person('vic', 'viewer');
    const setup: [string, string, unknown][] = [
      ['POST', '/api/v1/incidents', { title: 'Checkout errors', severity: 'SEV2' }],
      ['POST', '/api/v1/incidents/INC-1/smes', { person: 'sam', specialty: 'database' }],
      ['POST', '/api/v1/incidents/INC-1/roles', { role: 'scribe', person: 'kim' }],
      ['POST', '/api/v1/incidents/INC-1/timeline', { kind: 'note', text: 'First note' }],
      ['POST', '/api/v1/incidents/INC-1/roles', { role: 'incident_commander', person: 'alex' }],
      ['POST', '/api/v1/changes', { payload: { summary: 'Nightly batch job' }, kind: 'batch-job' }],
    ];
    let handoff = '';
    let change = '';
    for (const [method, path, body] of setup) {
      const res = await t.call(method, path, body);
      if (res.statusCode >= 300) throw new Error(`${method} ${path}: ${res.statusCode} ${res.body}`);
      const pending = (res.json() as { pendingHandoff?: { id: string } | null }).pendingHandoff;
      if (pending) handoff = pending.id;
      const recorded = (res.json() as { change?: { id: string } }).change;
      if (recorded) change = recorded.id;
    }
    const incident = { kind: 'incident' as const, valid: 'INC-1' };
    endpoints = [
      {
        name: 'POST /people',
        method: 'POST',
        path: '/people',
        params: {},
        body: { handle: 'newbie', name: 'New Person', email: 'newbie@example.com', role: 'responder', chat: { slack: 'U123ABC' } },
        fields: [
          { name: 'handle', required: true, kind: { type: 'handle', mustExist: false }, extra: [{ value: 'alex', why: 'an existing handle' }] },
          { name: 'name', required: true, kind: { type: 'text', max: 120, blankRefused: true } },
          { name: 'email', required: false, kind: { type: 'email' } },
          { name: 'role', required: false, kind: { type: 'enum', values: ['admin', 'responder', 'viewer'] } },
          { name: 'chat', required: false, kind: { type: 'chat' } },
        ],
        ifMatch: false,
      },
      {
        name: 'POST /people/{handle}/tokens',
        method: 'POST',
        path: '/people/{handle}/tokens',
        params: { handle: { kind: 'handle', valid: 'alex' } },
        body: { name: 'laptop' },
        fields: [{ name: 'name', required: false, kind: { type: 'text', max: 60, blankRefused: false } }],
        ifMatch: false,
      },
      {
        name: 'POST /incidents',
        method: 'POST',
        path: '/incidents',
        params: {},
        body: {
          title: 'Search is slow',
          severity: 'SEV2',
          summary: 'p99 latency up tenfold',
          startedAt: '2026-06-06T14:00:00Z',
          components: ['search'],
          links: { statusPage: 'https://status.example.com', dashboard: 'https://grafana.example.com/d/1', runbook: 'https://runbooks.example.com/search' },
          commander: 'alex',
          private: false,
        },
        fields: [
          { name: 'title', required: true, kind: { type: 'text', max: 200, blankRefused: true } },
          { name: 'severity', required: true, kind: { type: 'severity' } },
          { name: 'summary', required: false, kind: { type: 'text', max: 2000, blankRefused: false } },
          { name: 'startedAt', required: false, kind: { type: 'time', semantic: [{ value: '2026-06-06T15:00:00Z', why: 'in the future' }] } },
          { name: 'components', required: false, kind: { type: 'components' } },
          { name: 'links', required: false, kind: { type: 'links' } },
          { name: 'commander', required: false, kind: { type: 'handle', mustExist: true } },
          { name: 'private', required: false, kind: { type: 'boolean' } },
        ],
        ifMatch: false,
      },
      {
        name: 'POST /incidents/{id}/severity',
        method: 'POST',
        path: '/incidents/{id}/severity',
        params: { id: incident },
        body: { severity: 'SEV1', reason: 'Spreading to checkout' },
        fields: [
          { name: 'severity', required: true, kind: { type: 'severity' }, extra: [{ value: 'SEV2', why: 'the current severity' }] },
          { name: 'reason', required: true, kind: { type: 'text', max: 1000, blankRefused: true } },
        ],
        ifMatch: true,
      },
      {
        name: 'POST /incidents/{id}/roles',
        method: 'POST',
        path: '/incidents/{id}/roles',
        params: { id: incident },
        body: { role: 'comms_lead', person: 'sam' },
        fields: [
          { name: 'role', required: true, kind: { type: 'enum', values: ['comms_lead', 'scribe', 'incident_commander'] } },
          { name: 'person', required: true, kind: { type: 'handle', mustExist: true } },
        ],
        ifMatch: true,
      },
      {
        name: 'DELETE /incidents/{id}/roles/{role}',
        method: 'DELETE',
        path: '/incidents/{id}/roles/{role}',
        params: { id: incident, role: { kind: 'role', valid: 'scribe' } },
        fields: [],
        ifMatch: true,
      },
      {
        name: 'POST /incidents/{id}/handoffs/{h}/accept',
        method: 'POST',
        path: '/incidents/{id}/handoffs/{handoff}/accept',
        params: { id: incident, handoff: { kind: 'handoff', valid: handoff } },
        fields: [],
        ifMatch: false,
        as: 'alex',
      },
      {
        name: 'POST /incidents/{id}/handoffs/{h}/decline',
        method: 'POST',
        path: '/incidents/{id}/handoffs/{handoff}/decline',
        params: { id: incident, handoff: { kind: 'handoff', valid: handoff } },
        fields: [],
        ifMatch: false,
        as: 'alex',
      },
      {
        name: 'POST /incidents/{id}/smes',
        method: 'POST',
        path: '/incidents/{id}/smes',
        params: { id: incident },
        body: { person: 'kim', specialty: 'network' },
        fields: [
          { name: 'person', required: true, kind: { type: 'handle', mustExist: true }, extra: [{ value: 'sam', why: 'already an SME' }] },
          { name: 'specialty', required: true, kind: { type: 'text', max: 100, blankRefused: true } },
        ],
        ifMatch: true,
      },
      {
        name: 'DELETE /incidents/{id}/smes/{handle}',
        method: 'DELETE',
        path: '/incidents/{id}/smes/{handle}',
        params: { id: incident, handle: { kind: 'sme', valid: 'sam' } },
        fields: [],
        ifMatch: true,
      },
      {
        name: 'POST /incidents/{id}/tasks',
        method: 'POST',
        path: '/incidents/{id}/tasks',
        params: { id: incident },
        body: { title: 'Check the batch job — 日本語', owner: 'kim' },
        fields: [
          { name: 'title', required: true, kind: { type: 'text', max: 200, blankRefused: true } },
          { name: 'owner', required: true, kind: { type: 'handle', mustExist: true } },
        ],
        ifMatch: true,
      },
      {
        name: 'POST /incidents/{id}/timeline',
        method: 'POST',
        path: '/incidents/{id}/timeline',
        params: { id: incident },
        body: { kind: 'note', text: 'Rolled back deploy 42 — 🚀 日本語 naïve', at: '2026-06-06T14:10:00Z', corrects: 1 },
        fields: [
          { name: 'kind', required: true, kind: { type: 'enum', values: ['note', 'observation', 'action', 'decision', 'hypothesis', 'ruled_out', 'finding'] }, extra: [{ value: 'declared', why: 'an automatic kind' }] },
          { name: 'text', required: true, kind: { type: 'text', max: 5000, blankRefused: true } },
          { name: 'at', required: false, kind: { type: 'time', semantic: [{ value: '2026-06-06T15:00:00Z', why: 'in the future' }] } },
          { name: 'corrects', required: false, kind: { type: 'integer' } },
        ],
        ifMatch: false,
      },
      {
        name: 'POST /incidents/{id}/updates',
        method: 'POST',
        path: '/incidents/{id}/updates',
        params: { id: incident },
        body: { status: 'identified', impact: 'Checkout is slow', whatWeKnow: 'A bad deploy', nextStep: 'Roll back', nextUpdateBy: '2026-06-06T14:44:00Z', audience: 'public' },
        fields: [
          { name: 'status', required: true, kind: { type: 'enum', values: ['investigating', 'identified', 'monitoring'] }, extra: [{ value: 'resolved', why: 'resolved (use resolve)' }] },
          { name: 'impact', required: true, kind: { type: 'text', max: 2000, blankRefused: true } },
          { name: 'whatWeKnow', required: true, kind: { type: 'text', max: 5000, blankRefused: true } },
          { name: 'nextStep', required: true, kind: { type: 'text', max: 2000, blankRefused: true } },
          { name: 'nextUpdateBy', required: false, kind: { type: 'time', semantic: [{ value: '2026-06-06T14:00:00Z', why: 'in the past' }, { value: '2026-06-06T14:14:00Z', why: 'now' }] } },
          { name: 'audience', required: false, kind: { type: 'enum', values: ['public', 'internal'] } },
        ],
        ifMatch: true,
      },
      {
        name: 'POST /incidents/{id}/resolve',
        method: 'POST',
        path: '/incidents/{id}/resolve',
        params: { id: incident },
        body: { impact: 'Checkout was slow for 20 minutes', whatWeKnow: 'A bad deploy', nextStep: 'Postmortem', audience: 'public' },
        fields: [
          { name: 'impact', required: true, kind: { type: 'text', max: 2000, blankRefused: true } },
          { name: 'whatWeKnow', required: true, kind: { type: 'text', max: 5000, blankRefused: true } },
          { name: 'nextStep', required: false, kind: { type: 'text', max: 2000, blankRefused: false } },
          { name: 'audience', required: false, kind: { type: 'enum', values: ['public', 'internal'] } },
        ],
        ifMatch: true,
      },
      {
        name: 'POST /changes',
        method: 'POST',
        path: '/changes',
        params: {},
        body: { payload: { summary: 'Deployed checkout-api v2.14.0 — 日本語' }, kind: 'deploy', components: ['checkout'] },
        fields: [
          { name: 'kind', required: false, kind: { type: 'enum', values: ['deploy', 'config', 'feature-flag', 'batch-job', 'other'] } },
          { name: 'components', required: false, kind: { type: 'components' } },
        ],
        ifMatch: false,
      },
      {
        name: 'POST /incidents/{id}/changes/{changeId}/hypothesis',
        method: 'POST',
        path: '/incidents/{id}/changes/{changeId}/hypothesis',
        params: { id: incident, changeId: { kind: 'change', valid: change } },
        fields: [],
        ifMatch: false,
      },
      {
        name: 'PUT /incidents/{id}/postmortem',
        method: 'PUT',
        path: '/incidents/{id}/postmortem',
        params: { id: incident },
        body: { owner: 'kim', scheduledFor: '2026-06-10T15:00:00Z' },
        fields: [
          { name: 'owner', required: true, kind: { type: 'handle', mustExist: true } },
          { name: 'scheduledFor', required: true, kind: { type: 'time' } },
        ],
        ifMatch: true,
      },
    ];
    cases = generate(endpoints);
    before = await snapshot();
  });
  afterAll(() => t?.close());

  it('generates a few hundred cases for every write endpoint', () => {
    const per = new Map<string, number>();
    for (const c of cases) per.set(c.endpoint, (per.get(c.endpoint) ?? 0) + 1);
    expect([...per.keys()]).toHaveLength(17);
    for (const [, n] of per) expect(n).toBeGreaterThanOrEqual(30);
    expect(cases.length).toBeGreaterThan(700);
  });

  it('answers every malformed request with a 4xx that names the problem', async () => {
    for (const c of cases) {
      const res = await t.app.inject({ method: c.method, url: c.url, headers: c.headers, remoteAddress: address(), ...(c.payload === undefined ? {} : { payload: c.payload }) });
      fired++;
      const problem = problemWith(c, res);
      if (problem) failures.push(`${c.endpoint} — ${c.label}: ${problem.slice(0, 160)}`);
    }
    // Idempotency-Keys on refused requests are not spent: a malformed request with a key, then the same key on another malformed one.
    for (const c of cases.filter((x) => x.label.startsWith('body: an unknown key'))) {
      for (let i = 0; i < 2; i++) {
        const res = await t.app.inject({ method: c.method, url: c.url, headers: { ...c.headers, 'idempotency-key': `malformed-${c.endpoint}` }, payload: c.payload ?? '', remoteAddress: address() });
        fired++;
        const problem = problemWith(c, res);
        if (problem) failures.push(`${c.endpoint} — ${c.label} (with Idempotency-Key, try ${i + 1}): ${problem}`);
      }
    }
    console.log(`[${kind}] malformed: ${fired} requests fired, ${failures.length} answered wrongly`);
    expect(failures, failures.join('\n')).toEqual([]);
  });

  it('changed nothing: the incident, its timeline, its updates and the people are as they were', async () => {
    const after = await snapshot();
    expect(after.incident.version).toBe(before.incident.version);
    expect(after.timeline).toHaveLength(before.timeline.length);
    expect(after).toEqual(before);
  });

  it('takes odd but valid Unicode without a 5xx, and gives it back as sent', async () => {
    const odd = [
      'Ünïcödé naïve café',
      '日本語のタイトル',
      '🔥🚒 4-byte emoji 👩‍💻 with a zero-width joiner',
      'right-to-left \u202e override \u202c',
      'zero\u200bwidth',
      'e\u0301 combining accent',
      'a lone surrogate \ud800 here',
      'control \u0007\u001b[31m escapes',
    ];
    for (const [i, text] of odd.entries()) {
      const declared = await t.call('POST', '/api/v1/incidents', { title: text, severity: 'SEV3', summary: text });
      expect(declared.statusCode, `${i}: ${declared.body}`).toBe(201);
      const id = (declared.json() as { id: string }).id;
      const entry = await t.call('POST', `/api/v1/incidents/${id}/timeline`, { kind: 'note', text });
      expect(entry.statusCode, `${i}: ${entry.body}`).toBe(201);
      const shown = await t.call('GET', `/api/v1/incidents/${id}`);
      expect(shown.statusCode).toBe(200);
      const timeline = await t.call('GET', `/api/v1/incidents/${id}/timeline?kind=note`);
      expect((timeline.json() as { text: string }[]).map((e) => e.text)).toEqual([text.trim()]);
      expect((await t.call('GET', `/api/v1/incidents/${id}/announcement.md`)).statusCode).toBe(200);
      expect((await t.call('GET', `/api/v1/incidents/${id}/postmortem.md`)).statusCode).toBe(200);
    }
  });

  it('refuses a NUL character in a query or path on reads too', async () => {
    for (const path of ['/incidents?severity=SEV1%00', '/incidents/INC-1/timeline?kind=note%00', '/incidents/%00', '/incidents?state=open%00']) {
      const res = await t.call('GET', `/api/v1${path}`);
      expect(res.statusCode, `${path}: ${res.body}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, `${path}: ${res.body}`).toBeLessThan(500);
      expect(res.json()).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
    }
  });

  it('accepts the valid request of every endpoint (so each refusal was for what was mutated)', async () => {
    const send = async (name: string, params: Record<string, string> = {}) => {
      const ep = endpoints.find((e) => e.name === name)!;
      const res = await t.call(ep.method, url(ep, params), ep.body, ep.as ? { as: ep.as } : {});
      expect(res.statusCode, `${name}: ${res.body}`).toBeLessThan(300);
      return res;
    };
    // In an order in which each is valid.
    for (const name of [
      'POST /people',
      'POST /people/{handle}/tokens',
      'POST /incidents',
      'POST /incidents/{id}/severity',
      'POST /incidents/{id}/roles',
      'DELETE /incidents/{id}/roles/{role}',
      'POST /incidents/{id}/smes',
      'DELETE /incidents/{id}/smes/{handle}',
      'POST /incidents/{id}/updates',
      'POST /incidents/{id}/handoffs/{h}/decline',
    ])
      await send(name);
    const entry = await send('POST /incidents/{id}/timeline');
    const timelineEp = endpoints.find((e) => e.name === 'POST /incidents/{id}/timeline')!;
    expect((entry.json() as { text: string }).text).toBe(timelineEp.body!.text);
    // The decline answered the first offer; accept answers a fresh one.
    const offer = await t.call('POST', '/api/v1/incidents/INC-1/roles', { role: 'incident_commander', person: 'alex' });
    expect(offer.statusCode, offer.body).toBe(202);
    const handoff = (offer.json() as { pendingHandoff: { id: string } }).pendingHandoff.id;
    await send('POST /incidents/{id}/handoffs/{h}/accept', { handoff });
    expect((await send('POST /changes')).json()).toMatchObject({ change: { summary: 'Deployed checkout-api v2.14.0 — 日本語' } });
    expect((await send('POST /incidents/{id}/changes/{changeId}/hypothesis')).json()).toMatchObject({ kind: 'hypothesis' });
    await send('PUT /incidents/{id}/postmortem');
    await send('POST /incidents/{id}/resolve');
  });
});
