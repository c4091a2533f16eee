// Maps engine outcomes to HTTP: executed 200, pending approval 202, refused → the coded error.
import type { Response } from 'express';
import type { ActionOutcome } from '@trellis/engine';
import { TrellisError, unreachable } from '@trellis/schema';

/** The executed result, or throws the refusal as a coded error. */
export function executedOrThrow(outcome: ActionOutcome): Record<string, unknown> {
  if (outcome.status === 'executed') return outcome.result ?? {};
  if (outcome.status === 'refused') throw new TrellisError(outcome.code, outcome.message);
  throw new TrellisError('conflict', 'this change needs approval');
}

export function sendOutcome(res: Response, outcome: ActionOutcome): void {
  switch (outcome.status) {
    case 'executed':
      res.status(200).json({ status: 'executed', ...(outcome.result ? { result: outcome.result } : {}) });
      return;
    case 'pending_approval':
      res.status(202).json({ status: 'pending_approval', approvalId: outcome.approvalId });
      return;
    case 'refused':
      throw new TrellisError(outcome.code, outcome.message);
    default:
      unreachable(outcome);
  }
}
