/**
 * Concurrency over a real server process (real connections, a real pool on PostgreSQL):
 * 50 clients change one incident at once. Every accepted change is on the timeline exactly
 * once, every refused one (409) is not, and the incident equals the fold of its timeline.
 * Then: one Idempotency-Key sent by 10 requests at once makes exactly one change, and all
 * ten get the same answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, STORE_KINDS, freshDatabase, startServerProcess, type Database, type ServerProcess } from '../support/harness.js';
import { addPerson, call, expectStatus, type Answer, type Incident, type TimelineEntry, type Update } from './http.js';

const CLIENTS = 50;
const REQUESTS_PER_CLIENT = 4;

type Op = 'note' | 'sme' | 'update' | 'severity' | 'conditional-update';
const OPS: Op[] = ['note', 'sme', 'update', 'severity', 'conditional-update'];

interface Change {
  index: number;
  op: Op;
  method: string;
  path: string;
  body: Record<string, string>;
  token: string;
  ifMatch?: number;
  answer?: Answer;
}

const STATUS_LABEL_TO_ID: Record<string, string> = { Investigating: 'investigating', Identified: 'identified', Monitoring: 'monitoring', Resolved: 'resolved' };

describe.each(STORE_KINDS)('50 clients change one incident at once (%s)', (kind) => {
  let db: Database;
  let server: ServerProcess;
  const tokens: string[] = [];
  const changes: Change[] = [];

  beforeAll(async () => {
    db = await freshDatabase(kind);
    server = await startServerProcess(db);
    const created = await Promise.all(Array.from({ length: CLIENTS }, (_, c) => addPerson(server.url, `client${c}`)));
    tokens.push(...created);
    await expectStatus(201, server.url, 'POST', '/incidents', { title: 'Everyone at once', severity: 'SEV2' });
  });

  afterAll(async () => {
    await server?.stop();
    await db?.cleanup();
  });

  it('serializes or refuses every change; none is lost, none is doubled', async () => {
    const started = Date.now();
    const seen = (await expectStatus<Incident>(200, server.url, 'GET', '/incidents/INC-1')).version;
    // SME candidates: most are pulled in by one request; `dup*` by two at once (one must win, one be refused).
    const smePeople = new Set<string>();
    for (let c = 0; c < CLIENTS; c++) {
      for (let j = 0; j < REQUESTS_PER_CLIENT; j++) {
        const index = c * REQUESTS_PER_CLIENT + j;
        const op = OPS[index % OPS.length]!;
        const token = tokens[c]!;
        let change: Change;
        switch (op) {
          case 'note':
            change = { index, op, method: 'POST', path: '/incidents/INC-1/timeline', body: { kind: index % 2 ? 'note' : 'observation', text: `note ${index}` }, token };
            break;
          case 'sme': {
            const person = index % 10 === 1 ? `dup${Math.floor(index / 20)}` : `sme${index}`;
            smePeople.add(person);
            change = { index, op, method: 'POST', path: '/incidents/INC-1/smes', body: { person, specialty: `specialty ${index}` }, token: ADMIN_TOKEN };
            break;
          }
          case 'update':
          case 'conditional-update':
            change = {
              index,
              op,
              method: 'POST',
              path: '/incidents/INC-1/updates',
              body: { status: index % 3 ? 'identified' : 'monitoring', impact: `impact ${index}`, whatWeKnow: `known ${index}`, nextStep: `step ${index}` },
              token,
              ...(op === 'conditional-update' ? { ifMatch: seen } : {}),
            };
            break;
          case 'severity':
            change = { index, op, method: 'POST', path: '/incidents/INC-1/severity', body: { severity: index % 2 ? 'SEV1' : 'SEV3', reason: `reason ${index}` }, token: ADMIN_TOKEN };
            break;
        }
        changes.push(change);
      }
    }
    for (const person of smePeople) await expectStatus(201, server.url, 'POST', '/people', { handle: person, name: person });

    // All clients start together; each sends its requests one after another.
    let go!: () => void;
    const start = new Promise<void>((resolve) => (go = resolve));
    const clients = Array.from({ length: CLIENTS }, async (_, c) => {
      await start;
      for (const change of changes.slice(c * REQUESTS_PER_CLIENT, (c + 1) * REQUESTS_PER_CLIENT)) {
        change.answer = await call(server.url, change.method, change.path, change.body, {
          token: change.token,
          ...(change.ifMatch === undefined ? {} : { ifMatch: change.ifMatch }),
        });
      }
    });
    go();
    await Promise.all(clients);

    const accepted = changes.filter((c) => c.answer!.status >= 200 && c.answer!.status < 300);
    const refused = changes.filter((c) => c.answer!.status === 409);
    const other = changes.filter((c) => !accepted.includes(c) && !refused.includes(c));
    expect(other.map((c) => `${c.op} ${c.index}: ${c.answer!.status} ${c.answer!.text.slice(0, 200)}`)).toEqual([]);
    const refusalCodes = new Set(refused.map((c) => (c.answer!.json as { error: { code: string } }).error.code));
    expect([...refusalCodes].every((code) => ['SEVERITY_UNCHANGED', 'SME_ALREADY_IN', 'VERSION_CONFLICT'].includes(code))).toBe(true);
    console.log(
      `[${kind}] concurrency: ${changes.length} changes from ${CLIENTS} clients in ${Date.now() - started} ms: ${accepted.length} accepted, ${refused.length} refused (${[...refusalCodes].join(', ')})`,
    );

    const incident = await expectStatus<Incident>(200, server.url, 'GET', '/incidents/INC-1');
    const timeline = await expectStatus<TimelineEntry[]>(200, server.url, 'GET', '/incidents/INC-1/timeline?limit=500');
    const updates = await expectStatus<Update[]>(200, server.url, 'GET', '/incidents/INC-1/updates');
    const byId = new Map(timeline.map((e) => [e.id, e]));

    // The incident's version is its number of events, and each event is one timeline entry.
    expect(new Set(timeline.map((e) => e.id)).size).toBe(timeline.length);
    expect(incident.version).toBe(timeline.length);
    expect([...byId.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: timeline.length }, (_, i) => i + 1));

    // Every accepted change took a position of its own.
    const positions = accepted.map((c) => {
      const json = c.answer!.json as { id?: number; version?: number };
      return c.op === 'note' || c.op.endsWith('update') ? (json.id as number) : (json.version as number);
    });
    expect(new Set(positions).size).toBe(accepted.length);

    // Notes: each accepted one exactly once, at the id it was answered with.
    for (const c of changes.filter((x) => x.op === 'note')) {
      const entry = c.answer!.json as TimelineEntry;
      expect(timeline.filter((e) => e.text === c.body.text), c.body.text).toHaveLength(1);
      expect(byId.get(entry.id)?.text).toBe(c.body.text);
    }

    // SMEs: the SMEs listed are exactly the accepted adds; a refused add left no trace.
    const smeAdds = changes.filter((x) => x.op === 'sme');
    const acceptedSmes = smeAdds.filter((c) => accepted.includes(c)).map((c) => c.body.person!);
    expect(new Set(acceptedSmes).size).toBe(acceptedSmes.length);
    expect(acceptedSmes.sort()).toEqual([...smePeople].sort());
    for (const c of smeAdds.filter((x) => refused.includes(x)))
      expect((c.answer!.json as { error: { code: string } }).error.code, c.body.person).toBe('SME_ALREADY_IN');
    const smeEntries = timeline.filter((e) => e.kind === 'sme_added');
    const smeFold = smeEntries.map((e) => /^@(\S+) pulled in as SME/.exec(e.text)![1]!);
    expect(smeFold.sort()).toEqual([...acceptedSmes].sort());
    expect(incident.smes.map((s) => s.person).sort()).toEqual([...acceptedSmes].sort());
    for (const c of smeAdds.filter((x) => accepted.includes(x))) {
      const version = (c.answer!.json as Incident).version;
      expect(byId.get(version)?.kind).toBe('sme_added');
      expect(byId.get(version)?.text).toContain(`@${c.body.person} pulled in as SME (${c.body.specialty})`);
    }

    // Updates: the accepted ones exactly once; the refused (stale If-Match) ones nowhere.
    const updateChanges = changes.filter((x) => x.op.endsWith('update'));
    for (const c of updateChanges) {
      const found = updates.filter((u) => u.impact === c.body.impact);
      if (accepted.includes(c)) {
        expect(found, c.body.impact).toHaveLength(1);
        expect(found[0]!.id).toBe((c.answer!.json as Update).id);
        expect(byId.get(found[0]!.id)?.kind).toBe('update_posted');
      } else {
        expect((c.answer!.json as { error: { code: string } }).error.code).toBe('VERSION_CONFLICT');
        expect(found, c.body.impact).toHaveLength(0);
      }
    }
    expect(updates).toHaveLength(updateChanges.filter((c) => accepted.includes(c)).length);
    expect(timeline.filter((e) => e.kind === 'update_posted')).toHaveLength(updates.length);
    const lastAcceptedUpdate = updateChanges
      .filter((c) => accepted.includes(c))
      .map((c) => c.answer!.json as Update)
      .sort((a, b) => b.id - a.id)[0]!;
    expect(incident.lastUpdate?.id).toBe(lastAcceptedUpdate.id);
    expect(incident.lastUpdate?.impact).toBe(lastAcceptedUpdate.impact);
    // Status: a status change follows each update whose status differs from the one before.
    let status = 'investigating';
    let statusChanges = 0;
    for (const u of [...updates].sort((a, b) => a.id - b.id)) {
      if (u.status !== status) {
        statusChanges++;
        expect(byId.get(u.id + 1)?.kind, `status change after update ${u.id}`).toBe('status_changed');
      }
      status = u.status;
    }
    const statusEntries = timeline.filter((e) => e.kind === 'status_changed');
    expect(statusEntries).toHaveLength(statusChanges);
    const lastStatus = statusEntries.sort((a, b) => b.id - a.id)[0];
    expect(incident.status).toBe(lastStatus ? STATUS_LABEL_TO_ID[/→ (\w+)\./.exec(lastStatus.text)![1]!] : 'investigating');
    expect(incident.status).toBe(status);

    // Severity: every accepted change exactly once, at its version; refused ones were already at that severity.
    const severityChanges = changes.filter((x) => x.op === 'severity');
    const severityEntries = timeline.filter((e) => e.kind === 'severity_changed');
    expect(severityEntries).toHaveLength(severityChanges.filter((c) => accepted.includes(c)).length);
    for (const c of severityChanges) {
      const found = severityEntries.filter((e) => e.text.endsWith(`: ${c.body.reason}`));
      if (accepted.includes(c)) {
        const version = (c.answer!.json as Incident).version;
        expect(found.map((e) => e.id)).toEqual([version]);
        expect(found[0]!.text).toContain(`→ ${c.body.severity}:`);
      } else {
        expect((c.answer!.json as { error: { code: string } }).error.code).toBe('SEVERITY_UNCHANGED');
        expect(found).toHaveLength(0);
      }
    }
    // The severity chain is unbroken (each change starts where the one before ended) and ends at the incident's severity.
    let severity = 'SEV2';
    for (const e of severityEntries.sort((a, b) => a.id - b.id)) {
      const [, from, to] = /^Severity (\S+) → (\S+):/.exec(e.text)!;
      expect(from).toBe(severity);
      expect(to).not.toBe(from);
      severity = to!;
    }
    expect(incident.severity).toBe(severity);

    // Nothing else is on the timeline: the declaration, and the entries of accepted changes.
    const kinds = new Map<string, number>();
    for (const e of timeline) kinds.set(e.kind, (kinds.get(e.kind) ?? 0) + 1);
    expect(Object.fromEntries(kinds)).toEqual(
      Object.fromEntries(
        Object.entries({
          declared: 1,
          note: changes.filter((c) => c.op === 'note' && c.body.kind === 'note').length,
          observation: changes.filter((c) => c.op === 'note' && c.body.kind === 'observation').length,
          sme_added: acceptedSmes.length,
          update_posted: updates.length,
          status_changed: statusChanges,
          severity_changed: severityEntries.length,
        }).filter(([, n]) => n > 0),
      ),
    );
  });

  it('one Idempotency-Key sent by 10 requests at once makes exactly one change; all get the same answer', async () => {
    const cases: { name: string; method: string; path: (n: number) => string; body: (n: number) => Record<string, unknown>; count: () => Promise<number>; token?: string; replay?: (text: string) => string }[] = [
      {
        name: 'timeline entry',
        method: 'POST',
        path: () => '/incidents/INC-1/timeline',
        body: (n) => ({ kind: 'note', text: `same key ${n}` }),
        count: async () => (await expectStatus<TimelineEntry[]>(200, server.url, 'GET', '/incidents/INC-1/timeline?limit=500')).length,
      },
      {
        name: 'status update',
        method: 'POST',
        path: () => '/incidents/INC-1/updates',
        body: (n) => ({ status: 'monitoring', impact: `same key ${n}`, whatWeKnow: 'x', nextStep: 'y' }),
        count: async () => (await expectStatus<Update[]>(200, server.url, 'GET', '/incidents/INC-1/updates')).length,
      },
      {
        name: 'SME add',
        method: 'POST',
        path: () => '/incidents/INC-1/smes',
        body: (n) => ({ person: `client${n}`, specialty: 'same key' }),
        count: async () => (await expectStatus<Incident>(200, server.url, 'GET', '/incidents/INC-1')).smes.length,
      },
      {
        name: 'declare',
        method: 'POST',
        path: () => '/incidents',
        body: (n) => ({ title: `Same key ${n}`, severity: 'SEV3' }),
        count: async () => (await expectStatus<Incident[]>(200, server.url, 'GET', '/incidents?limit=500')).length,
      },
      {
        name: 'add a person',
        method: 'POST',
        path: () => '/people',
        body: (n) => ({ handle: `samekey${n}`, name: 'Same Key' }),
        count: async () => ((await expectStatus<unknown[]>(200, server.url, 'GET', '/people')) as unknown[]).length,
      },
      {
        name: 'issue a token',
        method: 'POST',
        path: (n) => `/people/client${n}/tokens`,
        body: () => ({ name: 'same key' }),
        count: async () => 0,
        // The secret is shown once: replays carry the same token id with the token itself withheld.
        replay: (text: string) => JSON.stringify({ ...(JSON.parse(text) as object), token: null }),
      },
    ];
    for (const [n, c] of cases.entries()) {
      const before = await c.count();
      const versionBefore = (await expectStatus<Incident>(200, server.url, 'GET', '/incidents/INC-1')).version;
      const key = `same-key-${c.name.replace(/\s/g, "-")}-${n}`;
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => call(server.url, c.method, c.path(n), c.body(n), { idempotencyKey: key, token: c.token ?? ADMIN_TOKEN })),
      );
      const originals = answers.filter((a) => a.headers.get('idempotent-replayed') !== 'true');
      expect(originals, `${c.name}: one first answer`).toHaveLength(1);
      const first = originals[0]!;
      expect(first.status, `${c.name}: ${first.text}`).toBeGreaterThanOrEqual(200);
      expect(first.status, `${c.name}: ${first.text}`).toBeLessThan(300);
      const replayed = c.replay ? c.replay(first.text) : first.text;
      for (const a of answers.filter((x) => x !== first))
        expect({ status: a.status, body: a.text }, c.name).toEqual({ status: first.status, body: replayed });
      const after = await c.count();
      if (c.name !== 'issue a token') expect(after - before, c.name).toBe(1);
      const versionAfter = (await expectStatus<Incident>(200, server.url, 'GET', '/incidents/INC-1')).version;
      if (c.path(n).startsWith('/incidents/INC-1')) expect(versionAfter - versionBefore, c.name).toBeGreaterThanOrEqual(1);
      else expect(versionAfter, c.name).toBe(versionBefore);
      // A later retry still gets the same answer.
      const retry = await call(server.url, c.method, c.path(n), c.body(n), { idempotencyKey: key, token: c.token ?? ADMIN_TOKEN });
      expect({ status: retry.status, body: retry.text }).toEqual({ status: first.status, body: replayed });
    }
    // The note, the update and the SME add are each on the timeline once.
    const timeline = await expectStatus<TimelineEntry[]>(200, server.url, 'GET', '/incidents/INC-1/timeline?limit=500');
    expect(timeline.filter((e) => e.text.includes('same key')).map((e) => e.kind).sort()).toEqual(['note', 'sme_added', 'update_posted']);
  });
});
