// Verifies access tokens per docs/API.md (Authentication): Supabase HS256 legacy secret, Supabase JWKS
// (asymmetric), or — only when Supabase is not configured — development tokens signed by a secret
// kept in DATA_DIR. Algorithms, issuer and audience are pinned; `alg: none` never verifies.
import { createHash } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, SignJWT } from 'jose';
import type { JWTPayload } from 'jose';
import { TrellisError } from '@trellis/schema';
import type { User } from '@trellis/schema';

export interface AuthUser {
  id: string;
  email: string | null;
  displayName: string;
  /** The identity provider vouches for the email (`email_verified`, top level or in user_metadata). */
  emailVerified: boolean;
}

/** A verified user token: who, and until when (ms since epoch, clock tolerance included). */
export interface VerifiedToken {
  user: AuthUser;
  expiresAt: number;
}

export interface Authenticator {
  /** Throws TrellisError('unauthorized') for anything but a valid user token. */
  verify(token: string): Promise<VerifiedToken>;
  /** Present only in development auth (no Supabase configured). */
  readonly devLogin?: (email: string) => Promise<{ token: string; user: AuthUser }>;
  readonly mode: 'supabase' | 'dev';
}

export interface AuthConfig {
  supabaseUrl?: string | undefined;
  supabaseJwtSecret?: string | undefined;
  /** Development secret (read from DATA_DIR by the composition root). */
  devSecret?: Uint8Array | undefined;
  /** Called on first sight of a user, to mirror them. */
  onUser?: (u: User, identity: { emailVerified: boolean }) => Promise<unknown>;
}

const CLOCK_TOLERANCE_S = 5;
const DEV_ISSUER = 'trellis-dev';

function userFromClaims(p: JWTPayload): AuthUser {
  if (typeof p.sub !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(p.sub)) throw new TrellisError('unauthorized', 'token has no usable sub');
  if (p['role'] !== 'authenticated') throw new TrellisError('unauthorized', 'token role must be authenticated');
  const email = typeof p['email'] === 'string' ? p['email'].slice(0, 320) : null;
  const meta = p['user_metadata'] as Record<string, unknown> | undefined;
  const named = typeof meta?.['full_name'] === 'string' ? meta['full_name'] : typeof meta?.['name'] === 'string' ? meta['name'] : null;
  const emailVerified = email !== null && (p['email_verified'] === true || meta?.['email_verified'] === true);
  return { id: p.sub, email, displayName: (named ?? email?.split('@')[0] ?? p.sub).slice(0, 200), emailVerified };
}

/** A stable id per email. Short emails keep their readable base64url form (as before); longer ones
 *  are hashed, because truncating their encoding made distinct emails share one identity. */
export function devUserId(email: string): string {
  const bytes = Buffer.from(email.toLowerCase());
  if (bytes.length <= 36) return `dev-${bytes.toString('base64url')}`;
  return `devh-${createHash('sha256').update(bytes).digest('base64url').slice(0, 43)}`;
}

export function createAuthenticator(cfg: AuthConfig): Authenticator {
  const seen = new Set<string>();
  const mirror = async (u: AuthUser) => {
    if (seen.has(u.id) || !cfg.onUser) return;
    await cfg.onUser({ id: u.id, email: u.email, displayName: u.displayName, createdAt: new Date().toISOString() }, { emailVerified: u.emailVerified });
    seen.add(u.id);
  };
  const verifiers: ((t: string) => Promise<JWTPayload>)[] = [];
  if (cfg.supabaseJwtSecret) {
    const key = new TextEncoder().encode(cfg.supabaseJwtSecret);
    verifiers.push(async (t) => (await jwtVerify(t, key, { algorithms: ['HS256'], audience: 'authenticated', clockTolerance: CLOCK_TOLERANCE_S, requiredClaims: ['sub', 'exp'] })).payload);
  }
  if (cfg.supabaseUrl) {
    const base = cfg.supabaseUrl.replace(/\/+$/, '');
    const jwks = createRemoteJWKSet(new URL(`${base}/auth/v1/.well-known/jwks.json`));
    verifiers.push(async (t) =>
      (await jwtVerify(t, jwks, { algorithms: ['ES256', 'RS256', 'EdDSA'], issuer: `${base}/auth/v1`, audience: 'authenticated', clockTolerance: CLOCK_TOLERANCE_S, requiredClaims: ['sub', 'exp'] })).payload,
    );
  }
  const supabase = verifiers.length > 0;
  let devLogin: Authenticator['devLogin'];
  if (!supabase) {
    if (!cfg.devSecret) throw new Error('development auth needs a dev secret');
    const key = cfg.devSecret;
    verifiers.push(async (t) => (await jwtVerify(t, key, { algorithms: ['HS256'], issuer: DEV_ISSUER, audience: 'authenticated', clockTolerance: CLOCK_TOLERANCE_S, requiredClaims: ['sub', 'exp'] })).payload);
    devLogin = async (email) => {
      const id = devUserId(email);
      // Development login vouches for any email: it exists only where nobody needs to prove one.
      const user: AuthUser = { id, email, displayName: email.split('@')[0]!.slice(0, 200), emailVerified: true };
      const token = await new SignJWT({ role: 'authenticated', email, email_verified: true, user_metadata: { name: user.displayName } })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(id)
        .setIssuer(DEV_ISSUER)
        .setAudience('authenticated')
        .setIssuedAt()
        .setExpirationTime('12h')
        .sign(key);
      await mirror(user);
      return { token, user };
    };
  }
  return {
    mode: supabase ? 'supabase' : 'dev',
    ...(devLogin ? { devLogin } : {}),
    async verify(token) {
      if (!token || token.length > 8192) throw new TrellisError('unauthorized', 'missing or oversized token');
      let lastError: unknown;
      for (const v of verifiers) {
        let user: AuthUser;
        let expiresAt: number;
        try {
          const claims = await v(token);
          user = userFromClaims(claims);
          expiresAt = (claims.exp! + CLOCK_TOLERANCE_S) * 1000;
        } catch (err) {
          lastError = err;
          continue;
        }
        // Outside the try: a store failure while mirroring is a 5xx, not a bad token.
        await mirror(user);
        return { user, expiresAt };
      }
      if (lastError instanceof TrellisError) throw lastError;
      throw new TrellisError('unauthorized', 'invalid token');
    },
  };
}
