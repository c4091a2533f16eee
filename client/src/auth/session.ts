// The signed-in session kept in localStorage: the access token and who it belongs to.

export interface SessionUser {
  id: string;
  email: string | null;
  displayName: string;
}

export interface Session {
  token: string;
  user: SessionUser;
}

const KEY = 'trellis:session';

export function loadSession(): Session | null {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Partial<Session>;
    if (typeof s.token !== 'string' || !s.user || typeof s.user.id !== 'string') return null;
    return { token: s.token, user: { id: s.user.id, email: s.user.email ?? null, displayName: s.user.displayName ?? s.user.id } };
  } catch {
    return null;
  }
}

export function saveSession(s: Session | null): void {
  if (s) localStorage.setItem(KEY, JSON.stringify(s));
  else localStorage.removeItem(KEY);
}

/** Seconds-since-epoch expiry of a JWT, or null when it has none or cannot be read. */
export function tokenExpiry(token: string): number | null {
  const part = token.split('.')[1];
  if (!part) return null;
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '='));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp : null;
  } catch {
    return null;
  }
}

export function tokenExpired(token: string, nowMs = Date.now()): boolean {
  const exp = tokenExpiry(token);
  return exp !== null && exp * 1000 <= nowMs;
}
