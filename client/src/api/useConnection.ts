// React's view of the connection monitor, and the one wording for actions that need the server.
import { useEffect, useRef, useSyncExternalStore } from 'react';
import { appConnection } from './connection.ts';
import type { Connection } from './connection.ts';

export function useConnection(): Connection {
  const c = appConnection();
  return useSyncExternalStore(c.subscribe, c.getState);
}

export interface ServerAvailability {
  /** Actions that need the server (REST calls) can run now, as far as the app knows. */
  available: boolean;
  state: Connection;
}

export function serverAvailability(state: Connection): ServerAvailability {
  return { available: state === 'online', state };
}

/** Why an action cannot run now, in words: `what` is the action ("Creating a collaboration"). */
export function needsServerReason(what: string, a: ServerAvailability): string {
  if (a.state === 'offline') return `${what} needs a connection: you are offline.`;
  if (a.state === 'unreachable') return `${what} needs the server, which can’t be reached right now.`;
  return '';
}

export function useServerAvailability(): ServerAvailability {
  return serverAvailability(useConnection());
}

/** Calls `fn` when the server answers again after it did not (offline or unreachable); not on mount. */
export function useWhenServerBack(fn: () => void): void {
  const online = useConnection() === 'online';
  const was = useRef(online);
  const latest = useRef(fn);
  latest.current = fn;
  useEffect(() => {
    if (online && !was.current) latest.current();
    was.current = online;
  }, [online]);
}
