// The LLM answer shape (docs/API.md "AI check-in answers"): unknown fields ignored, anything invalid rejected.
import { z } from 'zod';

export const ProposedAction = z.object({
  action: z.string().max(64),
  params: z.record(z.string(), z.unknown()).default({}),
  reason: z.string().max(2000).default(''),
});
export type ProposedAction = z.infer<typeof ProposedAction>;

export const CheckinAnswerEntry = z.object({
  collaborationId: z.string().max(64),
  summary: z.string().max(4000),
  /** Entries are parsed one by one later, so one malformed action does not void the rest; past the
   *  first few they are refused as too many (the entry itself stays valid). */
  actions: z.array(z.unknown()).default([]),
});

export const CheckinAnswer = z.object({ checkins: z.array(CheckinAnswerEntry).max(100) });
export type CheckinAnswer = z.infer<typeof CheckinAnswer>;
