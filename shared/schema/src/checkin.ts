// A check-in digest: one per collaboration and local day.
import { z } from 'zod';
import { idString } from './ids.ts';

/**
 * A check-in still `running` this long after it started belongs to a job that is gone (its attempts
 * dead-lettered, its worker lost): a forced run takes it over, and an owner may ask for one (SPEC [W13]).
 */
export const CHECKIN_ORPHAN_MS = 2 * 3_600_000;

export const ProposalFate = z.enum(['executed', 'pending_approval', 'refused']);

export const CheckinProposal = z.object({
  action: z.string(),
  params: z.unknown(),
  reason: z.string(),
  fate: ProposalFate,
  detail: z.string().nullable(),
  approvalId: z.string().nullable(),
});
export type CheckinProposal = z.infer<typeof CheckinProposal>;

/** The model's validated answer for one collaboration, stored before any of it is acted on, so a
 *  retried job resumes from it instead of asking the model again. */
export const CheckinAnswerRecord = z.object({
  summary: z.string(),
  actions: z.array(z.unknown()),
  /** Refusals about the answer as a whole, recorded in the digest and the audit: actions past those
   *  kept (`too_many`), a second entry for the same collaboration (`duplicate`). */
  notes: z.array(z.object({ code: z.enum(['too_many', 'duplicate']), action: z.string(), detail: z.string() })).default([]),
  provider: z.string(),
  model: z.string(),
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  latencyMs: z.number().nonnegative(),
});
export type CheckinAnswerRecord = z.infer<typeof CheckinAnswerRecord>;

export const Checkin = z.object({
  id: idString,
  collaborationId: idString,
  localDay: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  status: z.enum(['running', 'done', 'failed']),
  summary: z.string(),
  proposals: z.array(CheckinProposal),
  provider: z.string(),
  model: z.string(),
  aiGenerated: z.boolean(),
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  latencyMs: z.number().nonnegative(),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
  /** The job that owns a running check-in (absent on records made before it existed). */
  jobId: z.string().max(64).nullable().default(null),
  /** The document's Yjs state vector (base64) when the check-in read it: the next check-in's
   *  "changed since" is what the store received after it, not client-written timestamps. */
  stateVector: z.string().max(100_000).nullable().default(null),
  /** Times the scan re-queued it after it failed (later the same local day). */
  requeues: z.number().int().nonnegative().default(0),
  /** The AI run this check-in's changes are attributed to, unique per run (a fresh same-day run
   *  gets its own, a resumed run keeps it). Absent on records made before it existed: their run was
   *  `checkin:<localDay>`. */
  runId: z.string().min(1).max(160).optional(),
  /** Set once the model answered; acting on it is resumable. */
  answer: CheckinAnswerRecord.nullable().default(null),
});
export type Checkin = z.infer<typeof Checkin>;

/** Still `running` past CHECKIN_ORPHAN_MS: its job is gone, and a forced run may take it over (SPEC [W13]). */
export function orphanedCheckin(c: Pick<Checkin, 'status' | 'createdAt'>, nowMs: number): boolean {
  return c.status === 'running' && nowMs - Date.parse(c.createdAt) > CHECKIN_ORPHAN_MS;
}
