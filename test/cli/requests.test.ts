/**
 * What the CLI puts on the wire, seen by a stand-in server: an Idempotency-Key on
 * every write (reused on its retry), a JSON content type only with a body.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { incident } from './run.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const incidentBody = (overrides: Record<string, unknown> = {}) => ({
  id: 'INC-5',
  severity: 'SEV2',
  roles: { incident_commander: 'priya', comms_lead: 'sam', scribe: null },
  smes: [],
  pendingHandoff: null,
  warnings: [],
  roleGaps: [],
  ...overrides,
});

describe('incident CLI on the wire', () => {
  let server: Server;
  let url: string;
  let seen: Seen[] = [];
  /** Answers to give, by "METHOD path", in order; the last one repeats. */
  let script: Record<string, { status: number; body: unknown }[]> = {};

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        const answers = script[`${req.method} ${req.url}`] ?? [{ status: 404, body: { error: { code: 'NOT_FOUND', message: `no ${req.url}` } } }];
        const answer = answers.length > 1 ? answers.shift()! : answers[0]!;
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  beforeEach(() => {
    seen = [];
    script = {};
  });

  const run = (args: string[]) => incident(args, { INCIDENT_URL: `${url}/`, INCIDENT_TOKEN: 'tok-priya' });

  it('accept without a handoff id reads the pending one, then posts with a key and no body; a 503 is retried with the same key', async () => {
    script['GET /api/v1/incidents/INC-5'] = [
      { status: 200, body: incidentBody({ roles: { incident_commander: 'alex', comms_lead: 'sam', scribe: null }, pendingHandoff: { id: 'h9', from: 'alex', to: 'priya', offeredAt: '2026-06-06T14:30:00.000Z' } }) },
    ];
    script['POST /api/v1/incidents/INC-5/handoffs/h9/accept'] = [
      { status: 503, body: { error: { code: 'UNAVAILABLE', message: 'try again' } } },
      { status: 200, body: incidentBody() },
    ];
    const ran = await run(['accept', '5']);
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain('INC-5: @priya is now the Incident Commander.');

    const [read, first, retry] = seen;
    expect(seen).toHaveLength(3);
    expect(read).toMatchObject({ method: 'GET', url: '/api/v1/incidents/INC-5' });
    expect(read!.headers.authorization).toBe('Bearer tok-priya');
    expect(read!.headers['idempotency-key']).toBeUndefined();
    for (const write of [first!, retry!]) {
      expect(write.method).toBe('POST');
      expect(write.body).toBe('');
      expect(write.headers['content-type']).toBeUndefined();
      expect(write.headers['idempotency-key']).toMatch(UUID);
    }
    expect(retry!.headers['idempotency-key']).toBe(first!.headers['idempotency-key']);
  });

  it('each invocation sends its own key; a body goes as JSON; warnings go to stderr and the exit stays 0', async () => {
    script['POST /api/v1/incidents/INC-5/smes'] = [
      { status: 200, body: incidentBody({ smes: [{ person: 'priya', specialty: 'database' }], warnings: [{ code: 'IC_HANDS_ON', message: 'The Incident Commander is going hands-on.' }] }) },
    ];
    const runs = [await run(['sme', 'INC-5', 'priya', '--specialty', 'database']), await run(['sme', 'INC-5', '@Priya', '--specialty', 'database'])];
    for (const ran of runs) {
      expect(ran.code).toBe(0);
      expect(ran.stdout).toContain('INC-5: @priya pulled in as SME (database).');
      expect(ran.stderr).toContain('⚠  WARNING: The Incident Commander is going hands-on.');
    }
    expect(seen).toHaveLength(2);
    for (const write of seen) {
      expect(write.headers['content-type']).toBe('application/json');
      expect(JSON.parse(write.body)).toEqual({ person: 'priya', specialty: 'database' });
    }
    expect(seen[0]!.headers['idempotency-key']).not.toBe(seen[1]!.headers['idempotency-key']);
  });

  it('times are sent as UTC ISO: HH:MM, durations from now, and ISO without an offset read as UTC', async () => {
    script['POST /api/v1/incidents/INC-5/updates'] = [{ status: 201, body: { markdown: '**update**\n', warnings: [] } }];
    script['PUT /api/v1/incidents/INC-5/postmortem'] = [
      { status: 200, body: incidentBody({ state: 'resolved', postmortem: { state: 'assigned', owner: 'alex', scheduledFor: '2026-06-09T15:00:00.000Z' } }) },
    ];
    const before = Date.now();
    const update = await run(['update', 'INC-5', '--status', 'identified', '--impact', 'i', '--what-we-know', 'w', '--next-step', 'n', '--next-update-by', '45m']);
    expect(update.stdout).toBe('**update**\n');
    const pm = await run(['postmortem', 'INC-5', '--owner', '@alex', '--date', '2026-06-09 15:00']);
    expect(pm.stdout).toBe('INC-5 postmortem: owned by @alex, scheduled for 2026-06-09 15:00 UTC.\n');

    const nextUpdateBy = Date.parse(JSON.parse(seen[0]!.body).nextUpdateBy);
    expect(nextUpdateBy - before).toBeGreaterThanOrEqual(45 * 60_000);
    expect(nextUpdateBy - Date.now()).toBeLessThanOrEqual(45 * 60_000);
    expect(JSON.parse(seen[1]!.body)).toEqual({ owner: 'alex', scheduledFor: '2026-06-09T15:00:00.000Z' });
  });
});
