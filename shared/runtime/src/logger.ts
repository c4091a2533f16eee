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

/** Remove `token=` query values from a URL before it is logged. */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:token|access_token)=)[^&]*/gi, '$1[redacted]');
}
