// A queued job with a lease, attempts and a dead letter.
import { z } from 'zod';
import { idString } from './ids.ts';

export const JobStatus = z.enum(['queued', 'leased', 'done', 'dead']);
export const Job = z.object({
  id: idString,
  type: z.string().max(64),
  payload: z.record(z.string(), z.unknown()),
  dedupeKey: z.string().max(200).nullable(),
  status: JobStatus,
  attempts: z.number().int().nonnegative(),
  maxAttempts: z.number().int().positive(),
  runAt: z.number(),
  leaseOwner: z.string().nullable(),
  leaseUntil: z.number().nullable(),
  /** Token of the current lease, new on every claim: only that claim may extend, complete or fail it. */
  leaseId: z.string().max(64).nullable().default(null),
  lastError: z.string().nullable(),
  createdAt: z.number(),
});
export type Job = z.infer<typeof Job>;
