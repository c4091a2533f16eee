// Reverting a run (SPEC [A7]–[A9]) through the engine: as the member who asks, with that member's
// rights (a viewer cannot; what an editor could not do by hand goes to the owners' approval inbox
// as one `revertRun` approval), in one transaction, audited, and itself a run (`runId`) that can be
// reverted in turn.
import { newId } from '@trellis/schema';
import type { Actor, Approval, Collaboration, Role } from '@trellis/schema';
import { audit } from '../audit.ts';
import { paramsHash } from '../canonical-json.ts';
import type { EngineContext } from '../context.ts';
import { membersWithRole } from '../members.ts';
import { APPROVAL_TTL_MS } from '../approvals/propose.ts';
import { attributionOf } from '../run-context.ts';
import type { ActionOutcome } from '../types.ts';
import type { Applied } from './apply-revert.ts';
import { applyRevert } from './apply-revert.ts';
import type { RevertConflict, RevertPart, RunSelector } from './plan.ts';
import { partKey, planRevert } from './plan.ts';
import type { Change } from './replay.ts';
import type { HistoryService } from './service.ts';

/** The approval action name of a revert waiting for an owner. */
export const REVERT_ACTION = 'revertRun';

export interface RevertInput {
  collaborationId: string;
  userId: string;
  selector: RunSelector;
  dryRun?: boolean | undefined;
}

export type RevertOutcome =
  | {
    status: 'done';
    /** The revert's own run (absent for a dry run). */
    runId: string | null;
    reverted: Change[];
    conflicts: RevertConflict[];
    /** Parts only an owner may undo: sent for approval (or, in a dry run, would be). */
    needsOwner: Change[];
    approvalId?: string;
  }
  | { status: 'refused'; code: 'not_found' | 'forbidden'; message: string };

function asChange(p: RevertPart): Change {
  switch (p.type) {
    case 'field':
      return { root: p.root, itemId: p.itemId, field: p.field, before: p.after, after: p.before ?? null };
    case 'created':
      return { root: p.root, itemId: p.itemId, field: null, before: p.json, after: null };
    case 'deleted':
      return { root: p.root, itemId: p.itemId, field: null, before: null, after: p.json };
    case 'text':
      return { root: 'notes', itemId: null, field: 'text', before: null, after: p.removed.map((r) => r.text).join('') };
  }
}

function describeSelector(s: RunSelector): Record<string, unknown> {
  return 'runId' in s ? { revertedRun: s.runId } : { actor: s.actor, since: new Date(s.since).toISOString() };
}

export async function revertRun(ctx: EngineContext, history: HistoryService, input: RevertInput): Promise<RevertOutcome> {
  const collab = await ctx.store.collaborations.get(input.collaborationId);
  const member = collab ? await ctx.store.members.get(collab.id, input.userId) : null;
  if (!collab || !member) return { status: 'refused', code: 'not_found', message: 'collaboration not found' };
  const actor: Actor = { kind: 'user', userId: input.userId };
  if (member.role === 'viewer') {
    await audit(ctx, { collaborationId: collab.id, actor, kind: 'action', action: REVERT_ACTION, outcome: 'refused:forbidden', detail: describeSelector(input.selector) });
    return { status: 'refused', code: 'forbidden', message: 'viewers cannot revert changes' };
  }
  const { replay } = await history.replay(collab.id);
  const plan = planRevert(replay.updates, input.selector);
  if (plan.updates === 0) return { status: 'refused', code: 'not_found', message: 'no stored changes of that run' };
  const result = await apply(ctx, collab, input.userId, member.role, plan.parts, input.dryRun === true);
  const conflicts = [...plan.conflicts, ...result.applied.conflicts];
  const needsOwner = result.applied.needsOwner.map(asChange);
  if (input.dryRun) return { status: 'done', runId: null, reverted: result.applied.reverted, conflicts, needsOwner };
  let approvalId: string | undefined;
  if (result.applied.needsOwner.length > 0) approvalId = await proposeRevert(ctx, collab, actor, input.selector, result.applied.needsOwner);
  await audit(ctx, {
    collaborationId: collab.id, actor, kind: 'action', action: REVERT_ACTION,
    outcome: approvalId ? 'executed+pending_approval' : 'executed',
    detail: { ...describeSelector(input.selector), runId: result.runId, reverted: result.applied.reverted.length, conflicts: conflicts.length, ...(approvalId ? { approvalId } : {}) },
  });
  return { status: 'done', runId: result.runId, reverted: result.applied.reverted, conflicts, needsOwner, ...(approvalId ? { approvalId } : {}) };
}

async function apply(ctx: EngineContext, collab: Collaboration, userId: string, role: Role, parts: RevertPart[], dryRun: boolean, only?: ReadonlySet<string>): Promise<{ runId: string | null; applied: Applied }> {
  const who = { userId, role, policy: collab.policy };
  if (dryRun) return { runId: null, applied: await ctx.docs.read(collab.id, (doc) => applyRevert(doc, parts, who, false, only)) };
  const runId = newId('run');
  const applied = await ctx.docs.change(collab.id, `engine:${REVERT_ACTION}:user:${userId}`, (doc) => applyRevert(doc, parts, who, true, only), attributionOf({ kind: 'user', userId }, { runId }));
  return { runId: applied.reverted.length > 0 ? runId : null, applied };
}

/** The parts an editor may not undo by hand, as one approval for the owners. */
async function proposeRevert(ctx: EngineContext, collab: Collaboration, actor: Actor, selector: RunSelector, parts: RevertPart[]): Promise<string> {
  const now = ctx.now();
  const params = { ...('runId' in selector ? { runId: selector.runId } : { actorKind: selector.actor.kind, actorId: selector.actor.id, since: new Date(selector.since).toISOString() }), parts: parts.map(partKey) };
  const approval: Approval = {
    id: newId('apr'), collaborationId: collab.id, action: REVERT_ACTION, params, paramsHash: paramsHash(params), proposedBy: actor,
    reason: 'Undo changes the proposer may not undo by hand', baseStateVector: '', targetFingerprint: null, status: 'pending',
    createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + APPROVAL_TTL_MS).toISOString(), decidedBy: null, decidedAt: null, outcome: null,
  };
  await ctx.store.approvals.create(approval);
  for (const owner of await membersWithRole(ctx.store, collab.id, 'owner')) {
    await ctx.store.notifications.create({
      id: newId('ntf'), userId: owner.userId, collaborationId: collab.id, kind: 'approval', title: `Approval needed: undo changes in ${collab.title}`, ref: approval.id, createdAt: now.toISOString(), readAt: null,
    }).catch((err: unknown) => ctx.logger.warn({ err, approvalId: approval.id }, 'approval notification failed'));
  }
  return approval.id;
}

/** An owner approved a revert: the listed parts run, with an owner's rights, as the proposer. */
export async function runApprovedRevert(ctx: EngineContext, history: HistoryService, collab: Collaboration, a: Approval): Promise<ActionOutcome> {
  const p = a.params;
  const selector: RunSelector | null = typeof p['runId'] === 'string'
    ? { runId: p['runId'] }
    : typeof p['actorId'] === 'string' && (p['actorKind'] === 'user' || p['actorKind'] === 'ai' || p['actorKind'] === 'rule' || p['actorKind'] === 'integration') && typeof p['since'] === 'string'
      ? { actor: { kind: p['actorKind'], id: p['actorId'] }, since: Date.parse(p['since']) }
      : null;
  const keys = Array.isArray(p['parts']) ? new Set(p['parts'].filter((k): k is string => typeof k === 'string')) : null;
  const userId = a.proposedBy.userId;
  if (!selector || !keys || a.proposedBy.kind !== 'user' || !userId) return { status: 'refused', code: 'bad_request', message: 'malformed revert approval' };
  const { replay } = await history.replay(collab.id);
  const plan = planRevert(replay.updates, selector);
  const { runId, applied } = await apply(ctx, collab, userId, 'owner', plan.parts, false, keys);
  return { status: 'executed', result: { runId, reverted: applied.reverted.length, conflicts: applied.conflicts.length } };
}
