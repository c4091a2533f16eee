// Gives every screen the typed REST client bound to the current token; a 401 marks the session expired.
import { createContext, useContext, useMemo } from 'react';
import type { ReactNode } from 'react';
import { useAuth } from '../auth/AuthProvider.tsx';
import { appConnection } from './connection.ts';
import { endpoints } from './endpoints.ts';
import type { Api } from './endpoints.ts';
import { createHttp } from './http.ts';

const ApiContext = createContext<Api | null>(null);

export function ApiProvider({ children }: { children: ReactNode }) {
  const { tokenRef, markExpired } = useAuth();
  const api = useMemo(() => endpoints(createHttp({ getToken: () => tokenRef.current, onUnauthorized: markExpired, connection: appConnection() })), [tokenRef, markExpired]);
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

export function useApi(): Api {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiProvider');
  return api;
}
