// An approval request: a protected action waiting for an owner's decision.
import { z } from 'zod';
import { idString } from './ids.ts';
import { Actor } from './role.ts';

export const ApprovalStatus = z.enum(['pending', 'executing', 'approved', 'rejected', 'expired', 'failed']);
export type ApprovalStatus = z.infer<typeof ApprovalStatus>;

export const Approval = z.object({
  id: idString,
  collaborationId: idString,
  action: z.string(),
  params: z.record(z.string(), z.unknown()),
  /** sha256 of the canonical params: the decision is bound to exactly these. */
  paramsHash: z.string(),
  proposedBy: Actor,
  reason: z.string(),
  /** Base64 Yjs state vector the proposal was made against. */
  baseStateVector: z.string(),
  /** Fingerprint of the target (e.g. the activity's fields) when proposed; differs → stale. */
  targetFingerprint: z.string().nullable(),
  status: ApprovalStatus,
  createdAt: z.string(),
  expiresAt: z.string(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  outcome: z.string().nullable(),
  /** The target's title when proposed: words before the JSON projection catches up (optional: older records). */
  targetTitle: z.string().max(1000).nullable().optional(),
  /** The owner's optional reason when rejecting (absent on records stored before it existed). */
  decisionReason: z.string().max(1000).nullable().optional(),
});
export type Approval = z.infer<typeof Approval>;
