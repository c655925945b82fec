/**
 * Rate limits behind a proxy: with a hop count the client is the address the proxy saw, so
 * a client rotating X-Forwarded-For still spends one budget; trusting every hop is warned
 * about at start.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Store } from '../../src/store/store.js';
import { buildApp } from '../../src/http/app.js';
import { buildConfig } from '../../src/config/load.js';
import { trustProxyFrom, trustsEveryone } from '../../src/http/context.js';
import { TestClock, freshDatabase, startServerProcess, type Database } from '../support/harness.js';

describe('TRUST_PROXY', () => {
  it('is a hop count, or addresses and CIDRs; anything else is refused, naming it', () => {
    expect(trustProxyFrom(undefined)).toBe(false);
    expect(trustProxyFrom('1')).toBe(1);
    expect(trustProxyFrom('2')).toBe(2);
    expect(trustProxyFrom('10.0.0.0/8, 192.168.1.4')).toBe('10.0.0.0/8, 192.168.1.4');
    expect(() => trustProxyFrom('proxy.internal')).toThrow(/TRUST_PROXY.*proxy\.internal/s);
    expect(trustsEveryone(trustProxyFrom('true'))).toBe(true);
    expect(trustsEveryone(trustProxyFrom('0.0.0.0/0'))).toBe(true);
    expect(trustsEveryone(trustProxyFrom('1'))).toBe(false);
  });

  describe('behind one proxy (TRUST_PROXY=1)', () => {
    let db: Database;
    let store: Store;
    let app: FastifyInstance;
    beforeAll(async () => {
      db = await freshDatabase('sqlite');
      store = await Store.open({ dataDir: db.dataDir });
      const config = buildConfig({ statusPage: { rateLimit: { requests: 5, per: '1m' } } });
      app = await buildApp({ store, config, clock: new TestClock(), trustProxy: trustProxyFrom('1') });
      await app.ready();
    });
    afterAll(async () => {
      await app?.close();
      await store?.close();
      await db?.cleanup();
    });

    const get = (forwardedFor: string) => app.inject({ method: 'GET', url: '/status', remoteAddress: '10.0.0.2', headers: { 'x-forwarded-for': forwardedFor } });

    it('a client rotating X-Forwarded-For does not escape the status page limit', async () => {
      const codes: number[] = [];
      for (let i = 0; i < 10; i++) codes.push((await get(`198.51.100.${i}, 203.0.113.7`)).statusCode);
      expect(codes.slice(0, 5).every((c) => c !== 429)).toBe(true);
      expect(codes.slice(5)).toEqual([429, 429, 429, 429, 429]);
    });

    it('each client behind the proxy has its own budget', async () => {
      expect((await get('203.0.113.8')).statusCode).not.toBe(429);
    });
  });

  it('the server warns at start when it trusts every hop', async () => {
    const db = await freshDatabase('sqlite');
    const server = await startServerProcess(db, { TRUST_PROXY: 'true', LOG_LEVEL: 'warn' });
    await server.stop();
    await db.cleanup();
    expect(server.output()).toMatch(/TRUST_PROXY trusts every hop/);
  });
});
