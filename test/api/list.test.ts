import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, MINUTE, declare, ok } from './helpers.js';

const ids = (list: { id: string }[]) => list.map((i) => i.id);

describe.each(STORE_KINDS)('GET /incidents and private incidents (%s)', (kind) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await testApp(kind);
  });
  afterEach(() => t.close());

  it('leaves out private incidents before the limit, so ?limit=1 still finds the visible one', async () => {
    for (const handle of ['alex', 'dana', 'priya']) await t.person(handle);
    const visible = await declare(t, { title: 'Checkout errors', severity: 'SEV2' }, 'alex');
    t.clock.advance(MINUTE);
    const secret = await declare(t, { title: 'Credential leak', severity: 'SEV2', private: true, commander: 'dana' }, 'alex');

    expect(ids(await ok(t, 200, 'GET', `${API}/incidents?limit=1`, undefined, 'priya'))).toEqual([visible.id]);
    expect(ids(await ok(t, 200, 'GET', `${API}/incidents?limit=1`, undefined, 'dana'))).toEqual([secret.id]);
    expect(ids(await ok(t, 200, 'GET', `${API}/incidents?limit=1`))).toEqual([secret.id]);
  });

  it('matches the handle exactly: a_b does not see an incident whose participant is axb', async () => {
    await t.person('a_b');
    await t.person('axb');
    const theirs = await declare(t, { title: 'Billing export stuck', severity: 'SEV3', private: true }, 'axb');
    const mine = await declare(t, { title: 'Search index lag', severity: 'SEV3', private: true }, 'a_b');

    expect(ids(await ok(t, 200, 'GET', `${API}/incidents`, undefined, 'a_b'))).toEqual([mine.id]);
    expect(ids(await ok(t, 200, 'GET', `${API}/incidents`, undefined, 'axb'))).toEqual([theirs.id]);
  });
});
