// [G3] An approval is stale when its target changed since it was proposed: the owner should look
// again before approving. Approvals without a target (e.g. sendMessage) are never stale.
import { activityFingerprint, TrellisError } from '@trellis/schema';
import type { Approval } from '@trellis/schema';
import type { EngineContext } from '../context.ts';
import { targetActivityId } from './propose.ts';

export async function isStale(ctx: EngineContext, approvalId: string): Promise<boolean> {
  const approval = await ctx.store.approvals.get(approvalId);
  if (!approval) throw new TrellisError('not_found', 'approval not found');
  return staleness(ctx, approval);
}

export async function staleness(ctx: EngineContext, approval: Approval): Promise<boolean> {
  const activityId = targetActivityId(approval.params);
  if (approval.targetFingerprint === null || activityId === null) return false;
  const now = await ctx.docs.read(approval.collaborationId, (doc) => activityFingerprint(doc, activityId));
  return now !== approval.targetFingerprint;
}
