// Structured logs (pino). Tokens and secrets are redacted wherever they appear in a logged object.
import { pino } from 'pino';
import type { Logger } from 'pino';

export type { Logger };

export const REDACT_PATHS = [
  'token', '*.token', 'authorization', '*.authorization', 'req.headers.authorization', 'headers.authorization',
  'secret', '*.secret', 'apiKey', '*.apiKey', 'GROQ_API_KEY', 'OPENAI_API_KEY', 'SUPABASE_JWT_SECRET', 'PEER_SECRET', '*.PEER_SECRET', 'password', '*.password',
];

export function createLogger(opts: { level: string; name: string; destination?: NodeJS.WritableStream }): Logger {
  return pino(
    { name: opts.name, level: opts.level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } },
    opts.destination ?? process.stdout,
  );
}

/** Remove secrets from a URL before it is logged: `token=` query values, and the invite token that
 *  `POST /api/invites/:token/accept` carries in its path (whoever reads the log could join with it). */
export function redactUrl(url: string): string {
  return url
    .replace(/([?&](?:token|access_token)=)[^&]*/gi, '$1[redacted]')
    // Also in a request's absolute form (`POST http://host/api/invites/…`), which Express routes the same.
    .replace(/^((?:[a-z][a-z0-9+.-]*:\/\/[^/?#]*)?\/api\/invites\/)[^/?#]+/i, '$1[redacted]');
}
