// Which authentication a server runs with (SPEC [O1]): Supabase when configured; otherwise
// development login — the default of `npm start`, but never implicitly in production, where a
// server that would hand out tokens for any email refuses to start instead.
import type { Env } from '@trellis/schema';

export type AuthMode = 'supabase' | 'dev';

export type AuthModeConfig = Partial<Pick<Env, 'SUPABASE_URL' | 'SUPABASE_JWT_SECRET' | 'NODE_ENV' | 'DEV_LOGIN'>>;

/** The one line a production server without an identity provider stops with. */
export const PRODUCTION_AUTH_MESSAGE =
  'NODE_ENV=production without SUPABASE_URL or SUPABASE_JWT_SECRET: set one of them, or DEV_LOGIN=1 to serve development login (anyone reaching the server gets a token for any email)';

/** Throws one line naming the fix when nobody could sign in: a production server with neither
 *  Supabase nor DEV_LOGIN=1, or any server with DEV_LOGIN=0 and no Supabase. */
export function authMode(cfg: AuthModeConfig): AuthMode {
  if (cfg.SUPABASE_URL || cfg.SUPABASE_JWT_SECRET) return 'supabase';
  if (cfg.DEV_LOGIN === '1') return 'dev';
  if (cfg.DEV_LOGIN === '0') throw new Error('DEV_LOGIN=0 without SUPABASE_URL or SUPABASE_JWT_SECRET: nobody could sign in; set one of them');
  if (cfg.NODE_ENV === 'production') throw new Error(PRODUCTION_AUTH_MESSAGE);
  return 'dev';
}
