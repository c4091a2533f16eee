// Sign in by e-mail: a Supabase magic link when configured, otherwise the development login.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { ErrorText } from '../components/States.tsx';
import { useAuth } from './AuthProvider.tsx';
import { devLogin } from './dev-login.ts';
import { sendMagicLink, supabaseConfigured } from './supabase-auth.ts';

export function LoginForm({ initialEmail = '', compact = false }: { initialEmail?: string; compact?: boolean }) {
  const { signIn } = useAuth();
  const [email, setEmail] = useState(initialEmail);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [sent, setSent] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const value = email.trim();
    if (!/^[^\s@]+@[^\s@]+$/.test(value)) return setError('Enter a valid e-mail address.');
    setBusy(true);
    setError('');
    try {
      if (supabaseConfigured) {
        await sendMagicLink(value);
        setSent(true);
      } else {
        signIn(await devLogin(value));
      }
    } catch (err) {
      setError(err instanceof Error ? err.message : 'Sign-in failed.');
    } finally {
      setBusy(false);
    }
  };

  if (sent) return <p className="state">Check your inbox: we sent a sign-in link to {email.trim()}.</p>;
  return (
    <form className={compact ? 'login-form compact' : 'login-form'} onSubmit={(e) => void submit(e)} noValidate>
      <label htmlFor="login-email">E-mail</label>
      <div className="row">
        <input id="login-email" type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} placeholder="you@example.com" required disabled={busy} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : supabaseConfigured ? 'Send magic link' : 'Sign in'}
        </button>
      </div>
      {!supabaseConfigured && <p className="hint">Development sign-in: any address works on this server.</p>}
      <ErrorText>{error}</ErrorText>
    </form>
  );
}
