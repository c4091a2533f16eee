// [I2] an email invite is claimed only for an email the identity provider vouches for: the
// authenticator reports `email_verified` (top level or in user_metadata) with every new user.
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import type { User } from '@trellis/schema';
import { createAuthenticator } from './authenticator.ts';

const SECRET = 'a-supabase-secret-that-is-long-enough-for-hs256';

function token(sub: string, claims: Record<string, unknown>): Promise<string> {
  return new SignJWT({ role: 'authenticated', ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setAudience('authenticated')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(SECRET));
}

describe('verified emails', () => {
  it('[I2] only a verified email is reported as such; development login vouches for its own', async () => {
    const seen: { user: User; emailVerified: boolean }[] = [];
    const auth = createAuthenticator({ supabaseJwtSecret: SECRET, onUser: async (user, identity) => void seen.push({ user, emailVerified: identity.emailVerified }) });
    await auth.verify(await token('u1', { email: 'pat@example.com' }));
    await auth.verify(await token('u2', { email: 'pat@example.com', email_verified: false }));
    await auth.verify(await token('u3', { email: 'pat@example.com', email_verified: true }));
    await auth.verify(await token('u4', { email: 'pat@example.com', user_metadata: { email_verified: true } }));
    expect(seen.map((s) => [s.user.id, s.emailVerified])).toEqual([['u1', false], ['u2', false], ['u3', true], ['u4', true]]);
  });
});
