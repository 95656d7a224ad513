// What every view reads: the API client and whether the signed-in user may act.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Api } from './api';

export interface AppContext {
  api: Api;
  /** owner: action buttons are shown; viewer: read only */
  canAct: boolean;
}

export const Ctx = createContext<AppContext | undefined>(undefined);

export function useApp(): AppContext {
  const value = useContext(Ctx);
  if (!value) throw new Error('useApp outside the signed-in app');
  return value;
}
