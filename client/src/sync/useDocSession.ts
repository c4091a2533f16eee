// Opens a collaboration's DocSession for the lifetime of a screen and keeps its token current.
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { appConnection } from '../api/connection.ts';
import type { Refusal } from './custom-messages.ts';
import { DocSession } from './doc-session.ts';
import type { SyncSnapshot } from './doc-session.ts';

export interface UseDocSessionOptions {
  collabId: string;
  user: { id: string; displayName: string };
  token: string;
  onRefused: (r: Refusal) => void;
  onConnectTrouble: () => void;
}

export function useDocSession(o: UseDocSessionOptions): DocSession | null {
  const [session, setSession] = useState<DocSession | null>(null);
  const callbacks = useRef(o);
  callbacks.current = o;
  const tokenRef = useRef(o.token);
  tokenRef.current = o.token;

  useEffect(() => {
    const s = new DocSession({
      collabId: o.collabId,
      user: o.user,
      token: tokenRef.current,
      onRefused: (r) => callbacks.current.onRefused(r),
      onConnectTrouble: () => callbacks.current.onConnectTrouble(),
      connection: appConnection(),
    });
    setSession(s);
    return () => {
      s.destroy();
      setSession(null);
    };
    // A new user or collaboration is a new session; a new token is not (see below).
  }, [o.collabId, o.user.id]);

  useEffect(() => {
    if (session && session.provider.params['token'] !== o.token) session.setToken(o.token);
  }, [session, o.token]);

  return session;
}

// Before the session exists: an offline browser is offline from the first frame, never "connecting".
const IDLE_ONLINE: SyncSnapshot = { phase: 'connecting', unsaved: 0, loaded: false, synced: false, stopped: null };
const IDLE_OFFLINE: SyncSnapshot = { ...IDLE_ONLINE, phase: 'offline' };
const idle = () => (navigator.onLine ? IDLE_ONLINE : IDLE_OFFLINE);
const noop = () => () => undefined;

export function useSyncSnapshot(session: DocSession | null): SyncSnapshot {
  return useSyncExternalStore(session?.subscribe ?? noop, session?.getSnapshot ?? idle);
}
