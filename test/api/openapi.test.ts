import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Spectral } from '@stoplight/spectral-core';
import { oas } from '@stoplight/spectral-rulesets';
import { testApp, type TestApp } from '../support/harness.js';
import { API } from './helpers.js';

describe('the API document', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp('sqlite');
  });
  afterAll(() => t.close());

  const document = async () => (await t.app.inject({ method: 'GET', url: `${API}/openapi.json` })).json();

  it("passes Spectral's spectral:oas ruleset with no warning", async () => {
    const spectral = new Spectral();
    spectral.setRuleset({ extends: [oas] } as Parameters<Spectral['setRuleset']>[0]);
    const results = await spectral.run(await document());
    expect(results.map((r) => `${r.code} at ${r.path.join('.')}: ${r.message}`)).toEqual([]);
  });

  it('documents every operation with an id, a summary, a description and a tag defined at the top', async () => {
    const doc = await document();
    const tags = new Set(doc.tags.map((tag: { name: string }) => tag.name));
    const ids = new Set<string>();
    for (const [path, operations] of Object.entries(doc.paths as Record<string, Record<string, { operationId: string; summary: string; description: string; tags: string[] }>>))
      for (const [method, operation] of Object.entries(operations)) {
        const where = `${method} ${path}`;
        expect(operation.operationId, where).toMatch(/^[a-z][A-Za-z0-9]+$/);
        expect(ids.has(operation.operationId), `${where}: ${operation.operationId} twice`).toBe(false);
        ids.add(operation.operationId);
        expect(operation.summary, where).toBeTruthy();
        expect(operation.description, where).toBeTruthy();
        for (const tag of operation.tags) expect(tags.has(tag), `${where}: tag ${tag}`).toBe(true);
      }
  });

  it('documents the Markdown documents as text/markdown and the event stream, with its refusals as JSON', async () => {
    const doc = await document();
    for (const name of ['announcement.md', 'postmortem.md'])
      expect(Object.keys(doc.paths[`${API}/incidents/{id}/${name}`].get.responses['200'].content)).toEqual(['text/markdown']);
    const stream = doc.paths[`${API}/events`].get.responses;
    expect(Object.keys(stream['200'].content)).toEqual(['text/event-stream']);
    for (const status of ['400', '401', '403', '404', '503']) expect(Object.keys(stream[status].content), status).toEqual(['application/json']);
    expect(Object.keys(doc.paths[`${API}/alerts/events`].post.responses)).toEqual(expect.arrayContaining(['202', '400', '413', '429']));
    expect(Object.keys(doc.paths[`${API}/alerts/alertmanager`].post.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '413', '429']));
    expect(Object.keys(doc.paths['/status/subscribe'].post.responses)).toEqual(expect.arrayContaining(['200', '400', '404', '413', '415', '429']));
  });

  it('answers 405 with Allow: POST to a GET of an alert intake address, not 400 for a bad alert group id', async () => {
    for (const path of ['alerts/alertmanager', 'alerts/events']) {
      const res = await t.app.inject({ method: 'GET', url: `${API}/${path}` });
      expect(res.statusCode, path).toBe(405);
      expect(res.headers.allow).toBe('POST');
      expect(res.json().error.code).toBe('METHOD_NOT_ALLOWED');
    }
  });
});
