/**
 * Component tests render the console's parts against a real in-process server (SQLite),
 * talking HTTP with a person's bearer token, so every answer and refusal is the API's own.
 */
import { useState, type ReactNode } from 'react';
import { act, render } from '@testing-library/react';
import { createApi } from '../../console/src/api.js';
import { ConsoleContext } from '../../console/src/console-context.js';
import type { Incident, Permissions, Person, Severity } from '../../console/src/types.js';
import { testApp, type TestApp } from '../support/harness.js';
import type { HttpDeps } from '../../src/http/context.js';

export interface ConsoleServer {
  t: TestApp;
  url: string;
  /** Renders `ui` signed in as `handle` (whose org role sets the permissions). */
  renderAs(handle: string, ui: ReactNode): ReturnType<typeof render>;
  incident(id: string, as?: string): Promise<Incident>;
  people(): Promise<Person[]>;
  severities(): Promise<Severity[]>;
  close(): Promise<void>;
}

const ROLES: Record<string, 'admin' | 'responder' | 'viewer'> = {};

/** `config` is the configuration document, as in the YAML (e.g. `{ updates: { publicBy: 'comms-lead-approves' } }`). */
export async function consoleServer(people: Record<string, 'responder' | 'viewer'>, deps: Partial<HttpDeps> = {}, config: unknown = {}): Promise<ConsoleServer> {
  const t = await testApp('sqlite', config, deps);
  // The console's clock is the real one; the server's must agree for "next update by" to be in the future.
  t.clock.set(new Date().toISOString());
  for (const [handle, role] of Object.entries(people)) {
    await t.person(handle, role);
    ROLES[handle] = role;
  }
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const get = async <T,>(path: string, as = 'admin') => {
    const res = await t.call('GET', `/api/v1${path}`, undefined, { as });
    if (res.statusCode !== 200) throw new Error(`${path}: ${res.body}`);
    return res.json() as T;
  };
  return {
    t,
    url,
    renderAs(handle, ui) {
      const role = handle === 'admin' ? 'admin' : (ROLES[handle] ?? 'responder');
      const permissions: Permissions = { declare: role !== 'viewer', respond: role !== 'viewer', admin: role === 'admin' };
      const api = createApi({ base: url, bearer: t.tokens.get(handle)! });
      const value = { api, me: { handle, name: handle, role }, permissions };
      return render(ui, { wrapper: ({ children }) => <ConsoleContext.Provider value={value}>{children}</ConsoleContext.Provider> });
    },
    incident: (id, as = 'admin') => get<Incident>(`/incidents/${id}`, as),
    people: () => get<Person[]>('/people'),
    severities: () => get<Severity[]>('/severities'),
    close: () => t.close(),
  };
}

/** Declares as `as` and returns the incident as the API shows it. */
export async function declared(server: ConsoleServer, body: Record<string, unknown>, as: string): Promise<Incident> {
  const res = await server.t.call('POST', '/api/v1/incidents', body, { as });
  if (res.statusCode !== 201) throw new Error(res.body);
  return res.json() as Incident;
}

/**
 * A part of the room as the room holds it: a write's answer replaces the incident shown, and
 * `reload` does what the room does on a live event (takes the incident as it now stands).
 */
export function liveRoom(part: (incident: Incident, onChanged: (incident: Incident) => void) => ReactNode) {
  let set: (incident: Incident) => void = () => undefined;
  function Room({ initial }: { initial: Incident }) {
    const [incident, setIncident] = useState(initial);
    set = setIncident;
    return <>{part(incident, setIncident)}</>;
  }
  return { Room, reload: (incident: Incident) => act(() => set(incident)) };
}
