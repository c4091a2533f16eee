// Creating a collaboration [G2]: an action run before its collaboration exists, so the actor's
// standing is the role it will hold — a person becomes its owner — and policy is asked for that
// role; the AI, rules and the system never create one ([G1]). Executed creations are audited in the
// new collaboration's log; a refusal has no collaboration to be audited in.
import { Collaboration as CollaborationSchema, CollaborationSettings, decide, newId, parseActionRequest } from '@trellis/schema';
import type { Actor, ActorKind, Collaboration } from '@trellis/schema';
import { audit, paramsForAudit } from './audit.ts';
import type { EngineContext } from './context.ts';
import type { ActionOutcome } from './types.ts';

export type CreateOutcome = Exclude<ActionOutcome, { status: 'executed' | 'pending_approval' }> | { status: 'executed'; collaboration: Collaboration };

export async function createCollaboration(ctx: EngineContext, actor: Actor, params: unknown): Promise<CreateOutcome> {
  const parsed = parseActionRequest('createCollaboration', params);
  if (!parsed.ok) return { status: 'refused', code: 'bad_request', message: parsed.message };
  if (parsed.value.name !== 'createCollaboration') return { status: 'refused', code: 'bad_request', message: 'not a creation' };
  if (decide(standingFor(actor), 'createCollaboration') !== 'allow' || actor.userId === undefined) {
    return { status: 'refused', code: 'forbidden', message: `${actor.kind} may not createCollaboration` };
  }
  const now = ctx.now().toISOString();
  const { title, settings } = parsed.value.params;
  const collab = CollaborationSchema.parse({
    id: newId('col'), title, ownerId: actor.userId, settings: CollaborationSettings.parse(settings ?? {}),
    policy: {}, rules: [], archived: false, createdAt: now, updatedAt: now,
  });
  await ctx.store.collaborations.create(collab);
  await audit(ctx, {
    collaborationId: collab.id, actor, kind: 'membership', action: 'createCollaboration', outcome: 'executed',
    detail: { result: { collaborationId: collab.id }, params: paramsForAudit(parsed.value.params) },
  });
  return { status: 'executed', collaboration: collab };
}

function standingFor(actor: Actor): ActorKind {
  switch (actor.kind) {
    case 'user':
      return 'owner';
    case 'ai':
      return 'ai';
    case 'rule':
    case 'system':
      return 'rule';
  }
}
