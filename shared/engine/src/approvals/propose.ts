// Turning an `approval` decision into an Approval request: bound to the exact params (hash), to the
// document state it was proposed against, and to its target's fingerprint (for staleness) [G3].
// Every owner is notified, in words ("Ann asked to cancel 'Plan the hike' in Weekend"). A request that cannot run from the current state (a missing activity, a
// step the status state machine forbids) is refused now rather than queued.
import * as Y from 'yjs';
import { activityFingerprint, findActivityMap, isContentAction, newId } from '@trellis/schema';
import type { ActionRequest, Actor, Approval, Collaboration } from '@trellis/schema';
import { paramsHash } from '../canonical-json.ts';
import { contentActionRefusal } from '../content-actions.ts';
import type { ContentRequest } from '../content-actions.ts';
import type { EngineContext } from '../context.ts';
import type { EffectIds } from '../effect-ids.ts';
import { freshIds } from '../effect-ids.ts';
import { membersWithRole } from '../members.ts';
import type { ActionOutcome } from '../types.ts';
import { Words } from '../words.ts';

export const APPROVAL_TTL_MS = 7 * 24 * 60 * 60 * 1000;

function isContent(req: ActionRequest): req is ContentRequest {
  return isContentAction(req.name);
}

/** The activity an action targets, if it targets one. */
export function targetActivityId(params: unknown): string | null {
  if (params === null || typeof params !== 'object') return null;
  const id = (params as Record<string, unknown>)['activityId'];
  return typeof id === 'string' ? id : null;
}

export async function proposeApproval(
  ctx: EngineContext, collab: Collaboration, actor: Actor, req: ActionRequest, reason: string, ids: EffectIds = freshIds,
): Promise<ActionOutcome> {
  const id = ids('apr');
  // Taken over from a run that died after creating it (idempotency.ts): the same approval, once.
  if (await ctx.store.approvals.get(id)) return { status: 'pending_approval', approvalId: id };
  const activityId = targetActivityId(req.params);
  const state = await ctx.docs.read(collab.id, (doc) => ({
    sv: Buffer.from(Y.encodeStateVector(doc)).toString('base64'),
    fingerprint: activityId ? activityFingerprint(doc, activityId) : null,
    title: activityId ? findActivityMap(doc, activityId)?.get('title') : undefined,
    refusal: isContent(req) ? contentActionRefusal(doc, req) : null,
  }));
  // Asking an owner to approve something that cannot run is noise: refuse it now.
  if (state.refusal) return state.refusal;
  if (activityId && state.fingerprint === null) return { status: 'refused', code: 'not_found', message: `activity ${activityId} not found` };
  const now = ctx.now();
  const approval: Approval = {
    id,
    collaborationId: collab.id,
    action: req.name,
    params: req.params as Record<string, unknown>,
    paramsHash: paramsHash(req.params),
    proposedBy: actor,
    reason,
    baseStateVector: state.sv,
    targetFingerprint: state.fingerprint,
    targetTitle: typeof state.title === 'string' ? state.title : null,
    status: 'pending',
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + APPROVAL_TTL_MS).toISOString(),
    decidedBy: null,
    decidedAt: null,
    outcome: null,
  };
  await ctx.store.approvals.create(approval);
  const words = await new Words(ctx.store).approval(approval).catch(() => null);
  const title = words ? `${words.summary} in ${collab.title}` : `Approval needed: ${req.name} in ${collab.title}`;
  for (const owner of await membersWithRole(ctx.store, collab.id, 'owner')) {
    try {
      await ctx.store.notifications.create({
        id: newId('ntf'),
        userId: owner.userId,
        collaborationId: collab.id,
        kind: 'approval',
        title,
        ref: approval.id,
        createdAt: now.toISOString(),
        readAt: null,
      });
    } catch (err) {
      // The approval exists and is listed for owners; a lost notification must not fail it.
      ctx.logger.error({ err, approvalId: approval.id, userId: owner.userId }, 'approval notification failed');
    }
  }
  return { status: 'pending_approval', approvalId: approval.id };
}
