// Who the actor is in this collaboration, and what the policy says it may do. People act in their
// member role; the AI as 'ai'; a rule as 'rule' but never with more than its author's rights [G4].
import { decide, stricter, unreachable } from '@trellis/schema';
import type { ActionName, Actor, ActorKind, Collaboration, Decision } from '@trellis/schema';
import type { Store } from '@trellis/store';

export type Standing =
  | { ok: true; kind: ActorKind; decide: (action: ActionName) => Decision }
  | { ok: false; message: string };

export async function standingOf(store: Store, collab: Collaboration, actor: Actor): Promise<Standing> {
  const policy = collab.policy;
  switch (actor.kind) {
    case 'user': {
      const m = actor.userId ? await store.members.get(collab.id, actor.userId) : null;
      // Non-members learn nothing, not even that the collaboration exists.
      if (!m) return { ok: false, message: 'collaboration not found' };
      return { ok: true, kind: m.role, decide: (a) => decide(m.role, a, policy) };
    }
    case 'ai':
      return { ok: true, kind: 'ai', decide: (a) => decide('ai', a, policy) };
    case 'rule': {
      const author = actor.userId ? await store.members.get(collab.id, actor.userId) : null;
      // An author who left (or a rule without one) lends no rights at all.
      if (!author) return { ok: true, kind: 'rule', decide: () => 'deny' };
      return { ok: true, kind: 'rule', decide: (a) => stricter(decide('rule', a, policy), decide(author.role, a, policy)) };
    }
    case 'system':
      // Bookkeeping by our own processes: rule-level content rights, never governance.
      return { ok: true, kind: 'rule', decide: (a) => decide('rule', a, policy) };
    default:
      return unreachable(actor.kind);
  }
}
