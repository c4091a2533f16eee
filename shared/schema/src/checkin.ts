// A check-in digest: one per collaboration and local day.
import { z } from 'zod';
import { idString } from './ids.ts';

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
});
export type Checkin = z.infer<typeof Checkin>;
