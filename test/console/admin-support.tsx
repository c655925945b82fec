/** The access screens' tests: a console that still believes its person is an admin, to show that the API decides. */
import type { ReactNode } from 'react';
import { render } from '@testing-library/react';
import { createApi } from '../../console/src/api.js';
import { ConsoleContext } from '../../console/src/console-context.js';
import type { ConsoleServer } from './support.js';

export function renderAsStaleAdmin(server: ConsoleServer, handle: string, ui: ReactNode) {
  const api = createApi({ base: server.url, bearer: server.t.tokens.get(handle)! });
  const stale = { api, me: { handle, name: handle, role: 'admin' }, permissions: { declare: true, respond: true, admin: true } };
  return render(<ConsoleContext.Provider value={stale}>{ui}</ConsoleContext.Provider>);
}
