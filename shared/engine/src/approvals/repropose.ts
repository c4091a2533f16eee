// Re-proposing a pending approval from the current state [G3]: what an owner does with a stale
// approval they still want. The old request is superseded (rejected, with the new id as its
// outcome) and the same proposer's action and params are proposed again, bound to the target as it
// is now — refused at once if it can no longer run (a missing activity, a closed one).
import { parseActionRequest } from '@trellis/schema';
import type { Actor } from '@trellis/schema';
import { audit } from '../audit.ts';
import { paramsHash } from '../canonical-json.ts';
import type { EngineContext } from '../context.ts';
import { freshIds } from '../effect-ids.ts';
import type { ReproposeResult } from '../types.ts';
import { proposeApproval } from './propose.ts';
import { settleApproval } from './settle.ts';

type Refusal = Extract<ReproposeResult, { status: 'refused' }>;

export async function reproposeApproval(ctx: EngineContext, approvalId: string, userId: string): Promise<ReproposeResult> {
  const approval = await ctx.store.approvals.get(approvalId);
  const member = approval ? await ctx.store.members.get(approval.collaborationId, userId) : null;
  const collab = approval && member ? await ctx.store.collaborations.get(approval.collaborationId) : null;
  if (!approval || !member || !collab) return refused('not_found', 'approval not found');
  if (member.role !== 'owner') return refused('forbidden', 'only an owner can re-propose an approval');
  if (approval.status !== 'pending') return refused(approval.status === 'expired' ? 'gone' : 'conflict', `this approval is already ${approval.status}`);
  if (ctx.now().getTime() >= Date.parse(approval.expiresAt)) return refused('gone', 'this approval has expired');
  if (collab.archived) return refused('conflict', 'the collaboration is archived');
  if (paramsHash(approval.params) !== approval.paramsHash) return refused('conflict', 'stored params do not match their hash');
  const parsed = parseActionRequest(approval.action, approval.params);
  if (!parsed.ok) return refused('bad_request', parsed.message);

  const decider: Actor = { kind: 'user', userId };
  const proposed = await proposeApproval(ctx, collab, approval.proposedBy, parsed.value, approval.reason, freshIds);
  if (proposed.status !== 'pending_approval') {
    // Nothing new was made; the old request stays as it was, for the owner to reject.
    return proposed.status === 'refused' ? refused(proposed.code, proposed.message) : refused('conflict', 'the action can no longer be proposed');
  }
  const superseded = await ctx.store.approvals.transition(approval.id, 'pending', 'rejected', { decidedBy: userId, decidedAt: ctx.now().toISOString(), outcome: `superseded by ${proposed.approvalId}` });
  if (!superseded) {
    // Someone decided the old one meanwhile: the new request must not outlive that decision.
    await ctx.store.approvals.transition(proposed.approvalId, 'pending', 'rejected', { decidedBy: userId, decidedAt: ctx.now().toISOString(), outcome: `the request it re-proposed was decided meanwhile` });
    return refused('conflict', 'this approval was decided meanwhile');
  }
  await audit(ctx, {
    collaborationId: collab.id, actor: decider, kind: 'approval', action: approval.action, outcome: 'reproposed',
    detail: { approvalId: approval.id, newApprovalId: proposed.approvalId, proposedBy: approval.proposedBy },
  });
  await settleApproval(ctx.store, ctx.logger, superseded, { kind: 'superseded', by: decider }, ctx.now());
  return proposed;
}

function refused(code: Refusal['code'], message: string): Refusal {
  return { status: 'refused', code, message };
}
