// An owner's decision on an approval [G3]: only owners of its collaboration decide; an expired one
// is gone; a compare-and-set on status (pending → executing) makes it run at most once across
// concurrent calls and processes; policy is re-checked for the original proposer at execution
// ("approval" now counts as granted, "deny" refuses); it runs with exactly the stored params. An
// approval whose target changed since it was proposed (stale) is not run: approving it is refused
// with `stale` and it stays pending, to be rejected, re-proposed from the current state, or expire.
// Whatever the decision, the requester is told and the owners' notifications resolve (settle.ts).
import { parseActionRequest } from '@trellis/schema';
import type { ActionRequest, Actor, Approval, Collaboration } from '@trellis/schema';
import { audit, outcomeLabel } from '../audit.ts';
import { paramsHash } from '../canonical-json.ts';
import type { Chain, EngineContext } from '../context.ts';
import { newChain } from '../context.ts';
import { REVERT_ACTION } from '../history/revert.ts';
import { withRun } from '../run-context.ts';
import { standingOf } from '../standing.ts';
import { settleApproval } from './settle.ts';
import { staleness } from './stale.ts';
import type { ActionOutcome, ApprovalDecisionResult, OutcomeEvent } from '../types.ts';

/** An executed action and its reactions (rules, mentions), to run once the outcome is recorded. */
export interface Performed {
  outcome: ActionOutcome;
  after: () => Promise<void>;
}

export interface DecideDeps {
  ctx: EngineContext;
  /** Execute an allowed action (no policy check). */
  perform(collab: Collaboration, actor: Actor, req: ActionRequest, chain: Chain): Promise<Performed>;
  /** Run an approved revert (history/revert.ts). */
  revert?: (collab: Collaboration, a: Approval) => Promise<ActionOutcome>;
  /** Let rules react to the decision. */
  outcomeEvent(collab: Collaboration, actor: Actor, event: OutcomeEvent): Promise<void>;
}

type Refusal = Extract<ApprovalDecisionResult, { status: 'refused' }>;

export async function decideApproval(d: DecideDeps, approvalId: string, userId: string, decision: 'approve' | 'reject', reason?: string | null): Promise<ApprovalDecisionResult> {
  const { ctx } = d;
  const approval = await ctx.store.approvals.get(approvalId);
  if (!approval) return refused('not_found', 'approval not found');
  const member = await ctx.store.members.get(approval.collaborationId, userId);
  if (!member) return refused('not_found', 'approval not found');
  if (member.role !== 'owner') return refused('forbidden', 'only an owner can decide approvals');
  const collab = await ctx.store.collaborations.get(approval.collaborationId);
  if (!collab) return refused('not_found', 'approval not found');
  const decider: Actor = { kind: 'user', userId };
  if (approval.status !== 'pending') return notPending(approval);
  if (ctx.now().getTime() >= Date.parse(approval.expiresAt)) return expire(d, approval, decider);

  const decidedAt = ctx.now().toISOString();
  if (decision === 'reject') {
    const decisionReason = reason?.trim() ? reason.trim() : null;
    const done = await ctx.store.approvals.transition(approval.id, 'pending', 'rejected', { decidedBy: userId, decidedAt, outcome: 'rejected', decisionReason });
    if (!done) return lostRace(d, approval.id);
    await audit(ctx, { collaborationId: collab.id, actor: decider, kind: 'approval', action: approval.action, outcome: 'rejected', detail: { approvalId: approval.id, proposedBy: approval.proposedBy, ...(decisionReason ? { reason: decisionReason } : {}) } });
    await settleApproval(ctx.store, ctx.logger, done, { kind: 'rejected', by: decider, reason: decisionReason }, ctx.now());
    await d.outcomeEvent(collab, decider, { type: 'approvalDecided', approvalId: approval.id, action: approval.action, decision, status: 'rejected' });
    return { status: 'rejected' };
  }

  // The owner approved what they saw; a changed target needs a second look, not a blind run. (A
  // change landing between this read and the run is still held by the status state machine.)
  if (await staleness(ctx, approval)) {
    await audit(ctx, { collaborationId: collab.id, actor: decider, kind: 'approval', action: approval.action, outcome: 'refused:stale', detail: { approvalId: approval.id, proposedBy: approval.proposedBy } });
    return refused('stale', 'the target changed since this was proposed: re-propose it from the current state, or reject it');
  }

  // The claim: exactly one caller, in any process, moves it out of `pending`.
  const claimed = await ctx.store.approvals.transition(approval.id, 'pending', 'executing', { decidedBy: userId, decidedAt });
  if (!claimed) return lostRace(d, approval.id);
  let performed: Performed;
  try {
    performed = await execute(d, collab, claimed);
  } catch (err) {
    await finish(d, collab, claimed, decider, { status: 'refused', code: 'conflict', message: 'the action failed to run' });
    throw err;
  }
  await finish(d, collab, claimed, decider, performed.outcome);
  await performed.after();
  return { status: 'approved', outcome: performed.outcome };
}

async function execute(d: DecideDeps, collab: Collaboration, a: Approval): Promise<Performed> {
  const no = (code: 'conflict' | 'bad_request' | 'forbidden', message: string): Performed => ({ outcome: { status: 'refused', code, message }, after: () => Promise.resolve() });
  if (paramsHash(a.params) !== a.paramsHash) return no('conflict', 'stored params do not match their hash');
  if (a.action === REVERT_ACTION && d.revert) {
    // [A8] undoing what the proposer could not undo by hand: they must still be a writer.
    const m = a.proposedBy.userId ? await d.ctx.store.members.get(collab.id, a.proposedBy.userId) : null;
    if (!m || m.role === 'viewer') return no('forbidden', 'the proposer can no longer revert here');
    const revert = d.revert;
    return { outcome: await withRun({ proposalId: a.id }, () => revert(collab, a)), after: () => Promise.resolve() };
  }
  const parsed = parseActionRequest(a.action, a.params);
  if (!parsed.ok) return no('bad_request', parsed.message);
  const standing = await standingOf(d.ctx.store, collab, a.proposedBy);
  if (!standing.ok) return no('forbidden', 'the proposer is no longer a member');
  if (standing.decide(parsed.value.name) === 'deny') return no('forbidden', 'the policy no longer allows this action for its proposer');
  // Attributed to the proposal it came from ([A1]), and to the proposer's run.
  return withRun({ proposalId: a.id }, () => d.perform(collab, a.proposedBy, parsed.value, newChain(0)));
}

async function finish(d: DecideDeps, collab: Collaboration, a: Approval, decider: Actor, outcome: ActionOutcome): Promise<void> {
  const status = outcome.status === 'executed' ? 'approved' : 'failed';
  const label = outcomeLabel(outcome) + (outcome.status === 'refused' ? `: ${outcome.message}` : '');
  const settled = await d.ctx.store.approvals.transition(a.id, 'executing', status, { outcome: label });
  await audit(d.ctx, { collaborationId: collab.id, actor: decider, kind: 'approval', action: a.action, outcome: `approved:${outcomeLabel(outcome)}`, detail: { approvalId: a.id, proposedBy: a.proposedBy, outcome: label } });
  await settleApproval(d.ctx.store, d.ctx.logger, settled ?? a, { kind: 'approved', by: decider, ran: outcome.status === 'executed', detail: outcome.status === 'refused' ? outcome.message : undefined }, d.ctx.now());
  await d.outcomeEvent(collab, decider, { type: 'approvalDecided', approvalId: a.id, action: a.action, decision: 'approve', status });
}

async function expire(d: DecideDeps, a: Approval, decider: Actor): Promise<ApprovalDecisionResult> {
  const expired = await d.ctx.store.approvals.transition(a.id, 'pending', 'expired', { outcome: 'expired' });
  if (expired) {
    await settleApproval(d.ctx.store, d.ctx.logger, expired, { kind: 'expired' }, d.ctx.now());
    await audit(d.ctx, { collaborationId: a.collaborationId, actor: decider, kind: 'approval', action: a.action, outcome: 'expired', detail: { approvalId: a.id } });
  }
  return refused('gone', 'this approval has expired');
}

/** Someone else decided between our read and our compare-and-set. */
async function lostRace(d: DecideDeps, approvalId: string): Promise<ApprovalDecisionResult> {
  const now = await d.ctx.store.approvals.get(approvalId);
  return now ? notPending(now) : refused('not_found', 'approval not found');
}

function notPending(a: Approval): ApprovalDecisionResult {
  if (a.status === 'expired') return refused('gone', 'this approval has expired');
  return refused('conflict', `this approval is already ${a.status}`);
}

function refused(code: Refusal['code'], message: string): Refusal {
  return { status: 'refused', code, message };
}
