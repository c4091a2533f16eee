// Who is signed in, with which token, and whether that token stopped working. An expired session keeps
// the user (so their local documents stay open and editable) until they sign in again.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { loadSession, saveSession, tokenExpired } from './session.ts';
import type { Session } from './session.ts';
import { supabaseConfigured, supabaseSignOut, watchSupabaseSession } from './supabase-auth.ts';

export interface AuthState {
  session: Session | null;
  /** The token was refused (401 / socket refused) or is past its expiry. */
  expired: boolean;
  signIn: (s: Session) => void;
  signOut: () => void;
  markExpired: () => void;
  /** Always the latest token, for callbacks that outlive a render. */
  tokenRef: { readonly current: string | null };
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(() => loadSession());
  const [expired, setExpired] = useState<boolean>(() => {
    const s = loadSession();
    return s ? tokenExpired(s.token) : false;
  });
  const tokenRef = useRef<string | null>(session?.token ?? null);
  tokenRef.current = session?.token ?? null;

  const signIn = useCallback((s: Session) => {
    saveSession(s);
    tokenRef.current = s.token;
    setSession(s);
    setExpired(false);
  }, []);

  const signOut = useCallback(() => {
    saveSession(null);
    tokenRef.current = null;
    setSession(null);
    setExpired(false);
    if (supabaseConfigured) void supabaseSignOut().catch(() => undefined);
  }, []);

  const markExpired = useCallback(() => setExpired(true), []);

  // Check the expiry now and then: a token can run out while the app stays open.
  useEffect(() => {
    if (!session) return;
    const check = () => {
      if (tokenExpired(session.token)) setExpired(true);
    };
    check();
    const t = setInterval(check, 30_000);
    return () => clearInterval(t);
  }, [session]);

  useEffect(() => {
    if (!supabaseConfigured) return;
    let stop: (() => void) | undefined;
    let cancelled = false;
    watchSupabaseSession((s) => {
      if (s) signIn(s);
    })
      .then((unsubscribe) => {
        if (cancelled) unsubscribe();
        else stop = unsubscribe;
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
      stop?.();
    };
  }, [signIn]);

  const value = useMemo<AuthState>(() => ({ session, expired, signIn, signOut, markExpired, tokenRef }), [session, expired, signIn, signOut, markExpired]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

/** The signed-in user's session; screens under the auth gate may rely on it. */
export function useSession(): Session {
  const { session } = useAuth();
  if (!session) throw new Error('useSession without a session');
  return session;
}
