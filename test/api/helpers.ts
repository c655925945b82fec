/** Small helpers shared by the API behaviour suites. */
import { expect } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import type { TestApp } from '../support/harness.js';

export const API = '/api/v1';

/** The documented error shape, with its code and (optionally) the field it names. */
export function expectError(res: LightMyRequestResponse, status: number, code: string, field?: string) {
  expect(res.statusCode, res.body).toBe(status);
  const body = res.json();
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  if (field !== undefined) expect(body.error.details?.field).toBe(field);
  return body.error as { code: string; message: string; details?: Record<string, unknown> };
}

/** Declares an incident and returns its answer; fails loudly if it is not a 201. */
export async function declare(t: TestApp, body: Record<string, unknown>, as = 'admin') {
  const res = await t.call('POST', `${API}/incidents`, body, { as });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

/** A request that must succeed with `status`; returns the parsed answer. */
export async function ok(t: TestApp, status: number, method: string, url: string, body?: unknown, as = 'admin', headers?: Record<string, string>) {
  const res = await t.call(method, url, body, { as, ...(headers ? { headers } : {}) });
  expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(status);
  return res.json();
}

export const UPDATE = {
  status: 'identified',
  impact: 'Checkout fails for about 30% of users.',
  whatWeKnow: 'A bad deploy of the payments client at 14:02.',
  nextStep: 'Rolling back the deploy.',
} as const;

export const MINUTE = 60_000;

/**
 * Every alert group in every state, each with its alerts, as the API gives them, for comparing
 * two servers that applied the same deliveries. Ids come from sequences: alerts' across groups,
 * and on PostgreSQL a batch applies several new groups at once, so which group is numbered first
 * is a race; they are left out. Only the order of alerts within a group is the same.
 */
export async function alertGroupsInFull(t: TestApp) {
  const all = [];
  for (const state of ['open', 'acknowledged', 'resolved', 'dismissed'])
    for (const group of await ok(t, 200, 'GET', `${API}/alerts?state=${state}`)) {
      const detail = await ok(t, 200, 'GET', `${API}/alerts/${group.id}`);
      all.push({ ...detail, id: undefined, source: detail.source.name, alerts: detail.alerts.map(({ id: _id, ...alert }: { id: number }) => alert) });
    }
  return all;
}
