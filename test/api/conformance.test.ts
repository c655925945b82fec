import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Type from 'typebox';
import { testApp, type TestApp } from '../support/harness.js';

/** The harness's conformance check (test/support/conformance.ts) must not pass what the document does not say. */
describe('the response conformance check', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp('sqlite');
    // A route that answers as asked, documented as answering 200 {ok: boolean} in JSON only:
    // the conformance check must catch each way its answers leave the document.
    t.app.get<{ Querystring: { answer: string } }>(
      '/conformance-probe',
      {
        schema: {
          operationId: 'probeConformance',
          tags: ['incidents'],
          summary: 'A probe',
          description: 'Answers as asked, to test the conformance check',
          querystring: Type.Object({ answer: Type.String({ description: 'how to answer' }) }),
          response: { 200: Type.Object({ ok: Type.Boolean() }) },
        },
      },
      async (request, reply) => {
        const { answer } = request.query;
        if (answer === 'teapot') return reply.code(418).send({ ok: false });
        if (answer === 'text') return reply.type('text/plain').send('ok');
        if (answer === 'wrong-body') return reply.type('application/json').serializer(JSON.stringify).send({ ok: 'yes' });
        return { ok: true };
      },
    );
  });
  afterAll(() => t.close());

  it('conformance: an answer as documented passes, and is counted', async () => {
    const before = t.conformance.checked;
    expect((await t.app.inject({ method: 'GET', url: '/conformance-probe?answer=ok' })).json()).toEqual({ ok: true });
    expect(t.conformance.checked).toBe(before + 1);
  });

  it('conformance: an undocumented status, content type or body fails the request that got it', async () => {
    await expect(t.app.inject({ method: 'GET', url: '/conformance-probe?answer=teapot' })).rejects.toThrow(/→ 418: status not documented/);
    await expect(t.app.inject({ method: 'GET', url: '/conformance-probe?answer=text' })).rejects.toThrow(/→ 200: content type text\/plain not documented/);
    await expect(t.app.inject({ method: 'GET', url: '/conformance-probe?answer=wrong-body' })).rejects.toThrow(/→ 200: body does not match the schema: data\/ok must be boolean/);
  });
});
