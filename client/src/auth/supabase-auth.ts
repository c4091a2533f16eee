// Supabase magic-link sign-in, loaded only when the build is configured with VITE_SUPABASE_URL and
// VITE_SUPABASE_ANON_KEY. PKCE flow, so the redirect comes back as `?code=` and leaves hash routes alone.
import type { SupabaseClient } from '@supabase/supabase-js';
import type { Session } from './session.ts';

const url = import.meta.env.VITE_SUPABASE_URL;
const anonKey = import.meta.env.VITE_SUPABASE_ANON_KEY;

export const supabaseConfigured = Boolean(url && anonKey);

type Client = SupabaseClient;
let clientPromise: Promise<Client> | null = null;

function client(): Promise<Client> {
  if (!url || !anonKey) return Promise.reject(new Error('Supabase is not configured'));
  clientPromise ??= import('@supabase/supabase-js').then(({ createClient }) =>
    createClient(url, anonKey, { auth: { flowType: 'pkce', persistSession: true, autoRefreshToken: true, detectSessionInUrl: true } }),
  );
  return clientPromise;
}

function toSession(s: { access_token: string; user: { id: string; email?: string | undefined; user_metadata?: Record<string, unknown> } }): Session {
  const meta = s.user.user_metadata ?? {};
  const named = typeof meta['full_name'] === 'string' ? meta['full_name'] : typeof meta['name'] === 'string' ? meta['name'] : null;
  const email = s.user.email ?? null;
  return { token: s.access_token, user: { id: s.user.id, email, displayName: named ?? email?.split('@')[0] ?? s.user.id } };
}

export async function sendMagicLink(email: string): Promise<void> {
  const sb = await client();
  const { error } = await sb.auth.signInWithOtp({ email, options: { emailRedirectTo: `${location.origin}/` } });
  if (error) throw new Error(error.message);
}

/** Follows the Supabase session (magic-link return, token refresh, sign-out). Returns an unsubscribe. */
export async function watchSupabaseSession(onSession: (s: Session | null) => void): Promise<() => void> {
  const sb = await client();
  const { data } = await sb.auth.getSession();
  if (data.session) onSession(toSession(data.session));
  if (location.search.includes('code=')) history.replaceState(null, '', `${location.pathname}${location.hash}`);
  const { data: sub } = sb.auth.onAuthStateChange((_event, session) => onSession(session ? toSession(session) : null));
  return () => sub.subscription.unsubscribe();
}

export async function supabaseSignOut(): Promise<void> {
  const sb = await client();
  await sb.auth.signOut();
}
