/** The status page verbs of the built CLI, against a listening server: publish and unpublish, and a component's status. */
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, testApp, type TestApp } from '../support/harness.js';
import { API } from '../api/helpers.js';
import { incident } from '../cli/run.js';
import { publicJson } from './support.js';

describe('incident status (CLI)', () => {
  let t: TestApp;
  afterEach(() => t.close());

  it('R10: "incident status publish", "unpublish" and "incident status component" change the public page', async () => {
    t = await testApp('sqlite', { components: [{ id: 'checkout', name: 'Checkout' }] });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    if (!address || typeof address === 'string') throw new Error('not listening');
    const env = { INCIDENT_URL: `http://127.0.0.1:${address.port}`, INCIDENT_TOKEN: ADMIN_TOKEN };
    expect((await t.call('POST', `${API}/incidents`, { title: 'Search is slow', severity: 'SEV3' })).statusCode).toBe(201);

    const published = await incident(['status', 'publish', 'INC-1'], env);
    expect(published.code, published.stderr).toBe(0);
    expect(published.stdout).toBe('INC-1 is on the public status page.\n');
    const set = await incident(['status', 'component', '1', 'checkout', 'major_outage'], env);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toBe('INC-1 is on the public status page; components: checkout major outage.\n');
    const summary = await publicJson(t, '/api/v2/summary.json');
    expect(summary.components.find((c: { id: string }) => c.id === 'checkout').status).toBe('major_outage');
    expect(summary.incidents.map((i: { name: string }) => i.name)).toEqual(['Search is slow']);

    const taken = await incident(['status', 'unpublish', 'INC-1'], env);
    expect(taken.code, taken.stderr).toBe(0);
    expect(taken.stdout).toBe('INC-1 is not on the public status page; components: checkout major outage.\n');

    const wrong = await incident(['status', 'component', 'INC-1', 'checkout', 'down'], env);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('status');
  });
});
