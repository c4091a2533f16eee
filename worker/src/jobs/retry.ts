// When to retry a failed job: the provider's retry-after when it gave one, else exponential backoff
// with jitter. Errors that cannot get better are retried late so they dead-letter without hammering.
import { backoffMs } from '@trellis/runtime';
import { LlmError } from '../providers/types.ts';

export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  random?: () => number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 2_000, maxMs: 5 * 60_000 };

export function retryDelayMs(err: unknown, attempt: number, policy: RetryPolicy = DEFAULT_RETRY): number {
  const random = policy.random ?? Math.random;
  const backoff = backoffMs(attempt, policy.baseMs, policy.maxMs, random);
  if (err instanceof LlmError && err.retryAfterMs !== undefined) {
    // Honour the server, plus a little jitter so several workers do not return in lockstep.
    return Math.min(Math.max(err.retryAfterMs, 0), 3_600_000) + Math.round(random() * Math.min(1000, policy.baseMs));
  }
  return backoff;
}

export function describeError(err: unknown): string {
  if (err instanceof LlmError) return `${err.kind}${err.status ? ` ${err.status}` : ''}: ${err.message}`;
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
