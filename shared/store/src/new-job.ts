// The record a freshly enqueued job starts as, whichever adapter stores it.
import { newId } from '@trellis/schema';
import type { Job } from '@trellis/schema';
import type { EnqueueJob } from './types.ts';

/** Default attempts: a job that fails (or whose worker dies) three times is dead-lettered. */
const MAX_ATTEMPTS = 3;

export function newJob(input: EnqueueJob, now: number): Job {
  return {
    id: newId('job', now), type: input.type, payload: input.payload, dedupeKey: input.dedupeKey ?? null, status: 'queued',
    attempts: 0, maxAttempts: input.maxAttempts ?? MAX_ATTEMPTS, runAt: input.runAt ?? now,
    leaseOwner: null, leaseUntil: null, leaseId: null, lastError: null, createdAt: now,
  };
}
