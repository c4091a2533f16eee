// When to retry a failed job: exponential backoff with full jitter (a random delay between 0 and the
// attempt's cap, so workers that failed together do not return together), never sooner than the
// provider's retry-after. Check-in batches get enough attempts to ride out an outage of about half
// an hour (CHECKIN_BATCH_ATTEMPTS); a batch that still fails is re-queued later the same night by the
// scan (checkins/scan.ts).
import { LlmError } from '../providers/types.ts';

export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  random?: () => number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 20_000, maxMs: 5 * 60_000 };

/** Attempts of a check-in batch: caps 20 s, 40 s, 80 s, 160 s, then 5 min — about 30 minutes on
 *  average (55 at most) before its check-ins are marked failed (and re-queued later by the scan). */
export const CHECKIN_BATCH_ATTEMPTS = 15;

/** The cap of attempt n (1-based): base · 2^(n-1), at most maxMs. */
export function retryCapMs(attempt: number, policy: RetryPolicy = DEFAULT_RETRY): number {
  return Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
}

export function retryDelayMs(err: unknown, attempt: number, policy: RetryPolicy = DEFAULT_RETRY): number {
  const random = policy.random ?? Math.random;
  const jittered = Math.round(random() * retryCapMs(attempt, policy));
  if (err instanceof LlmError && err.retryAfterMs !== undefined) {
    // Honour the server (bounded to an hour), plus a little jitter so workers do not return in lockstep.
    return Math.min(Math.max(err.retryAfterMs, 0), 3_600_000) + Math.round(random() * Math.min(1000, policy.baseMs));
  }
  return jittered;
}

export function describeError(err: unknown): string {
  if (err instanceof LlmError) return `${err.kind}${err.status ? ` ${err.status}` : ''}: ${err.message}`;
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
