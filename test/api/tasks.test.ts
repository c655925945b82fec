/** Who is on what over HTTP: tasks inside an incident, and findings addressed to the IC — on SQLite and PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, MINUTE, declare, expectError, ok } from './helpers.js';

interface Entry {
  kind: string;
  text: string;
  actor: string;
  to: string | null;
}

describe.each(STORE_KINDS)('tasks over HTTP (%s)', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp(kind);
    for (const handle of ['alex', 'dana', 'lee']) await t.person(handle);
    await t.person('vic', 'viewer');
  });
  afterAll(() => t.close());

  const timeline = async (id: string, kinds: string): Promise<Entry[]> => ok(t, 200, 'GET', `${API}/incidents/${id}/timeline?kind=${kinds}`);

  it('the IC gives a task to an owner; the owner marks it blocked with a reason, then done; each change is on the timeline', async () => {
    const incident = await declare(t, { title: 'Checkout errors', severity: 'SEV1' }, 'alex');
    t.clock.advance(MINUTE);
    const task = await ok(t, 201, 'POST', `${API}/incidents/${incident.id}/tasks`, { title: 'Check the batch job', owner: 'dana' }, 'alex');
    const at = t.clock.now().toISOString();
    expect(task).toEqual({
      id: `t${incident.version + 1}`,
      title: 'Check the batch job',
      owner: 'dana',
      state: 'open',
      reason: null,
      createdBy: 'alex',
      createdAt: at,
      updatedAt: at,
      incident: incident.id,
      version: incident.version + 1,
      warnings: [],
    });
    const blocked = await ok(t, 200, 'PATCH', `${API}/incidents/${incident.id}/tasks/${task.id}`, { state: 'blocked', reason: 'Waiting on DBA access' }, 'dana');
    expect(blocked).toMatchObject({ id: task.id, state: 'blocked', reason: 'Waiting on DBA access', version: incident.version + 2 });
    await ok(t, 200, 'PATCH', `${API}/incidents/${incident.id}/tasks/${task.id}`, { state: 'done' }, 'dana');
    expect((await timeline(incident.id, 'task')).map((e) => [e.actor, e.text])).toEqual([
      ['alex', `Task ${task.id} for @dana: Check the batch job.`],
      ['dana', `Task ${task.id} (@dana) blocked: Check the batch job. Waiting on DBA access.`],
      ['dana', `Task ${task.id} (@dana) done: Check the batch job.`],
    ]);
  });

  it("the incident's representation lists its tasks, blocked first, then open, then done", async () => {
    const incident = await declare(t, { title: 'Search slow', severity: 'SEV2' }, 'alex');
    const make = (title: string, owner: string) => ok(t, 201, 'POST', `${API}/incidents/${incident.id}/tasks`, { title, owner }, 'lee');
    const a = await make('Read the slow log', 'dana');
    const b = await make('Scale the cluster', 'lee');
    const c = await make('Page the vendor', 'lee');
    await ok(t, 200, 'PATCH', `${API}/incidents/${incident.id}/tasks/${a.id}`, { state: 'done' }, 'dana');
    await ok(t, 200, 'PATCH', `${API}/incidents/${incident.id}/tasks/${c.id}`, { state: 'blocked', reason: 'No support contract' }, 'alex');
    const got = await ok(t, 200, 'GET', `${API}/incidents/${incident.id}`, undefined, 'vic');
    expect(got.tasks.map((x: { id: string; state: string; owner: string }) => [x.id, x.state, x.owner])).toEqual([
      [c.id, 'blocked', 'lee'],
      [b.id, 'open', 'lee'],
      [a.id, 'done', 'dana'],
    ]);
  });

  it('refusals name the field: unknown owner, a viewer as owner, no title, blocked without a reason, an unknown task, nothing to change', async () => {
    const incident = await declare(t, { title: 'Login errors', severity: 'SEV2' }, 'alex');
    const url = `${API}/incidents/${incident.id}/tasks`;
    expectError(await t.call('POST', url, { title: 'Check', owner: 'nobody' }, { as: 'alex' }), 400, 'UNKNOWN_PERSON', 'owner');
    expectError(await t.call('POST', url, { title: 'Check', owner: 'vic' }, { as: 'alex' }), 400, 'PERSON_CANNOT_RESPOND', 'owner');
    expectError(await t.call('POST', url, { owner: 'dana' }, { as: 'alex' }), 400, 'VALIDATION_FAILED', 'title');
    expectError(await t.call('POST', url, { title: '   ', owner: 'dana' }, { as: 'alex' }), 400, 'VALIDATION_FAILED', 'title');
    const task = await ok(t, 201, 'POST', url, { title: 'Check the login pods', owner: 'dana' }, 'alex');
    expectError(await t.call('PATCH', `${url}/${task.id}`, { state: 'blocked' }, { as: 'dana' }), 400, 'VALIDATION_FAILED', 'reason');
    expectError(await t.call('PATCH', `${url}/${task.id}`, { state: 'finished' }, { as: 'dana' }), 400, 'VALIDATION_FAILED', 'state');
    expectError(await t.call('PATCH', `${url}/${task.id}`, { owner: 'nobody' }, { as: 'dana' }), 400, 'UNKNOWN_PERSON', 'owner');
    expectError(await t.call('PATCH', `${url}/t999`, { state: 'done' }, { as: 'dana' }), 404, 'TASK_NOT_FOUND', 'taskId');
    expectError(await t.call('PATCH', `${url}/${task.id}`, {}, { as: 'dana' }), 400, 'VALIDATION_FAILED');
  });

  it('only the owner or the IC changes a task; a viewer writes nothing; the owner may hand it on', async () => {
    const incident = await declare(t, { title: 'Payments slow', severity: 'SEV2' }, 'alex');
    const url = `${API}/incidents/${incident.id}/tasks`;
    expectError(await t.call('POST', url, { title: 'Check', owner: 'dana' }, { as: 'vic' }), 403, 'FORBIDDEN');
    const task = await ok(t, 201, 'POST', url, { title: 'Check the payments pool', owner: 'dana' }, 'lee');
    expectError(await t.call('PATCH', `${url}/${task.id}`, { state: 'done' }, { as: 'lee' }), 403, 'NOT_TASK_OWNER');
    const handed = await ok(t, 200, 'PATCH', `${url}/${task.id}`, { owner: 'lee' }, 'dana');
    expect(handed).toMatchObject({ owner: 'lee', state: 'open' });
    await ok(t, 200, 'PATCH', `${url}/${task.id}`, { state: 'done' }, 'lee');
    const reopened = await ok(t, 200, 'PATCH', `${url}/${task.id}`, { state: 'open', reason: 'Slow again' }, 'alex');
    expect(reopened).toMatchObject({ state: 'open', reason: 'Slow again' });
  });

  it('writes are idempotent with Idempotency-Key and refuse a concurrent change with If-Match', async () => {
    const incident = await declare(t, { title: 'Mail delayed', severity: 'SEV2' }, 'alex');
    const url = `${API}/incidents/${incident.id}/tasks`;
    const key = { 'idempotency-key': 'task-mail-1' };
    const first = await ok(t, 201, 'POST', url, { title: 'Check the queue', owner: 'dana' }, 'alex', key);
    const replay = await t.call('POST', url, { title: 'Check the queue', owner: 'dana' }, { as: 'alex', headers: key });
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json()).toEqual(first);
    const stale = { 'if-match': `"${incident.version}"` };
    const conflict = expectError(await t.call('PATCH', `${url}/${first.id}`, { state: 'done' }, { as: 'dana', headers: stale }), 409, 'VERSION_CONFLICT');
    expect(conflict.details?.currentVersion).toBe(first.version);
    await ok(t, 200, 'PATCH', `${url}/${first.id}`, { state: 'done' }, 'dana', { 'if-match': `"${first.version}"` });
    expect(await timeline(incident.id, 'task')).toHaveLength(2);
  });

  it('a resolved incident takes no task changes (409)', async () => {
    const incident = await declare(t, { title: 'Banner wrong', severity: 'SEV3' }, 'alex');
    const task = await ok(t, 201, 'POST', `${API}/incidents/${incident.id}/tasks`, { title: 'Fix the banner', owner: 'dana' }, 'alex');
    await ok(t, 200, 'POST', `${API}/incidents/${incident.id}/resolve`, { impact: 'A wrong banner for 5 minutes.', whatWeKnow: 'A typo.' }, 'alex');
    expectError(await t.call('PATCH', `${API}/incidents/${incident.id}/tasks/${task.id}`, { state: 'done' }, { as: 'dana' }), 409, 'INCIDENT_NOT_OPEN');
  });

  it('a task owner in a private incident may see it from then on', async () => {
    const secret = await declare(t, { title: 'Key leaked', severity: 'SEV2', private: true }, 'alex');
    expectError(await t.call('GET', `${API}/incidents/${secret.id}`, undefined, { as: 'dana' }), 404, 'INCIDENT_NOT_FOUND');
    await ok(t, 201, 'POST', `${API}/incidents/${secret.id}/tasks`, { title: 'Rotate the key', owner: 'dana' }, 'alex');
    expect((await ok(t, 200, 'GET', `${API}/incidents/${secret.id}`, undefined, 'dana')).tasks).toHaveLength(1);
  });

  it('a finding is addressed to the IC by default, or to the person named; other kinds take no addressee', async () => {
    const incident = await declare(t, { title: 'Cart empty', severity: 'SEV2' }, 'alex');
    const url = `${API}/incidents/${incident.id}/timeline`;
    const toIc = await ok(t, 201, 'POST', url, { kind: 'finding', text: 'The cache was flushed at 14:02' }, 'dana');
    expect(toIc).toMatchObject({ kind: 'finding', to: 'alex', actor: 'dana' });
    expect(await ok(t, 201, 'POST', url, { kind: 'finding', text: 'Cache TTL is 0', to: 'lee' }, 'dana')).toMatchObject({ to: 'lee' });
    expectError(await t.call('POST', url, { kind: 'finding', text: 'x', to: 'nobody' }, { as: 'dana' }), 400, 'UNKNOWN_PERSON', 'to');
    expectError(await t.call('POST', url, { kind: 'note', text: 'x', to: 'lee' }, { as: 'dana' }), 400, 'VALIDATION_FAILED', 'to');
    expect((await timeline(incident.id, 'finding')).map((e) => [e.to, e.text])).toEqual([
      ['alex', 'The cache was flushed at 14:02'],
      ['lee', 'Cache TTL is 0'],
    ]);
  });
});
