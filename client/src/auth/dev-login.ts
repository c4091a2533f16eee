// Development sign-in (no Supabase configured): POST /api/dev/login {email} → {token, user}.
import type { Session } from './session.ts';

export async function devLogin(email: string): Promise<Session> {
  let res: Response;
  try {
    res = await fetch('/api/dev/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email }) });
  } catch {
    throw new Error('Cannot reach the server. Sign-in needs a connection.');
  }
  const data = (await res.json().catch(() => null)) as { token?: string; user?: { id?: string; email?: string | null; displayName?: string }; error?: { message?: string } } | null;
  if (!res.ok || !data?.token || !data.user?.id) throw new Error(data?.error?.message ?? `Sign-in failed (${res.status}).`);
  return { token: data.token, user: { id: data.user.id, email: data.user.email ?? email, displayName: data.user.displayName ?? email.split('@')[0] ?? email } };
}
