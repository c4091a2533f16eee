// Who made a stored document change (SPEC [A1]): the actor, and where there is one the run it
// belongs to (a check-in, an @ai reply, a rule firing, a revert) and the proposal it came from.
// Stored with every update; updates stored before attribution existed have none ("before history
// was kept") and are never offered for revert.
import { z } from 'zod';

export const AttributionKind = z.enum(['user', 'ai', 'rule', 'integration']);
export type AttributionKind = z.infer<typeof AttributionKind>;

export const AttributedActor = z.object({ kind: AttributionKind, id: z.string().min(1).max(128) });
export type AttributedActor = z.infer<typeof AttributedActor>;

export const Attribution = z.object({
  actor: AttributedActor,
  runId: z.string().min(1).max(160).optional(),
  proposalId: z.string().min(1).max(160).optional(),
});
export type Attribution = z.infer<typeof Attribution>;

/** The AI's actor id in attributions (it signs its messages `ai` too). */
export const AI_ACTOR_ID = 'ai';

export function attributeUser(userId: string, runId?: string): Attribution {
  return { actor: { kind: 'user', id: userId }, ...(runId !== undefined ? { runId } : {}) };
}

/** Same actor and run (the unit history groups and reverts work on). */
export function sameAttribution(a: Attribution | null, b: Attribution | null): boolean {
  if (a === null || b === null) return a === b;
  return a.actor.kind === b.actor.kind && a.actor.id === b.actor.id && a.runId === b.runId;
}
