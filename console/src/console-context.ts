import { createContext, useContext } from 'react';
import type { Api } from './api.js';
import type { Permissions, Session } from './types.js';

/** What every screen needs: the API, who is signed in, and what they may do (so controls they cannot use are not shown). */
export interface ConsoleContextValue {
  api: Api;
  me: Session['person'];
  permissions: Permissions;
}

export const ConsoleContext = createContext<ConsoleContextValue | null>(null);

export function useConsole(): ConsoleContextValue {
  const value = useContext(ConsoleContext);
  if (!value) throw new Error('useConsole outside a signed-in console');
  return value;
}
