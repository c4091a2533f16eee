// Governance actions change the store, not the document: membership, roles, policy, rules. Policy
// has already said "owner only" [G1]; this module keeps the invariants (the last owner stays, a
// rule carries the rights of the owner who wrote it) and reports outcome events for rules.
import { unreachable } from '@trellis/schema';
import type { ActionRequest, Actor, Collaboration, GovernanceAction, RuleDefinition } from '@trellis/schema';
import { canonicalJson } from './canonical-json.ts';
import type { EngineContext } from './context.ts';
import { validateRules } from './rules/validate-rules.ts';
import type { ActionOutcome, OutcomeEvent } from './types.ts';

export type GovernanceRequest = Extract<ActionRequest, { name: GovernanceAction }>;

interface Applied {
  outcome: ActionOutcome;
  events: OutcomeEvent[];
}

export async function runGovernanceAction(ctx: EngineContext, collab: Collaboration, actor: Actor, req: GovernanceRequest): Promise<Applied> {
  const { store } = ctx;
  switch (req.name) {
    case 'addMember': {
      const { userId, role } = req.params;
      // An insert, not read-then-upsert: of two concurrent adds one is refused, and an add never
      // overwrites an existing member's role (an owner's included) [G1].
      const added = await store.members.add({ collaborationId: collab.id, userId, role, addedAt: ctx.now().toISOString(), addedBy: actor.userId ?? null });
      if (!added) return refused('conflict', 'already a member; change their role instead');
      return { outcome: executed({ userId, role }), events: [{ type: 'memberAdded', userId, role }] };
    }
    case 'changeRole': {
      const { userId, role } = req.params;
      const m = await store.members.get(collab.id, userId);
      if (!m) return refused('not_found', 'not a member');
      if (m.role !== role) {
        // Check and change in one store transaction: the KeyedMutex only serialises this process,
        // and other server instances share the store [G1].
        const res = await store.members.changeGuarded(collab.id, userId, role);
        if (res === 'absent') return refused('not_found', 'not a member');
        if (res === 'last_owner') return refused('conflict', 'the last owner cannot be downgraded');
      }
      return { outcome: executed({ userId, role, previousRole: m.role }), events: [] };
    }
    case 'removeMember': {
      const { userId } = req.params;
      const m = await store.members.get(collab.id, userId);
      if (!m) return refused('not_found', 'not a member');
      const res = await store.members.changeGuarded(collab.id, userId, null);
      if (res === 'absent') return refused('not_found', 'not a member');
      if (res === 'last_owner') return refused('conflict', 'the last owner cannot leave or be removed');
      return { outcome: executed({ userId, previousRole: m.role }), events: [] };
    }
    case 'setPolicy': {
      await store.collaborations.update(collab.id, { policy: req.params.policy });
      return { outcome: executed({ policy: req.params.policy }), events: [] };
    }
    case 'setRules': {
      const check = validateRules(req.params.rules);
      if (!check.ok) return refused('bad_request', check.message);
      const rules = withAuthors(collab.rules, req.params.rules, actor.userId);
      await store.collaborations.update(collab.id, { rules });
      return { outcome: executed({ rules }), events: [] };
    }
    case 'updateCollaboration': {
      const { title, settings, archived } = req.params;
      // Settings merge over the current ones: an omitted field keeps its value.
      const patch: Partial<Pick<Collaboration, 'title' | 'settings' | 'archived'>> = {
        ...(title !== undefined ? { title } : {}),
        ...(archived !== undefined ? { archived } : {}),
        ...(settings ? { settings: { timeZone: settings.timeZone ?? collab.settings.timeZone, aiCheckins: settings.aiCheckins ?? collab.settings.aiCheckins } } : {}),
      };
      if (Object.keys(patch).length > 0 && !(await store.collaborations.update(collab.id, patch))) return refused('not_found', 'collaboration not found');
      return { outcome: executed({ changed: Object.keys(patch) }), events: [] };
    }
    case 'createCollaboration':
      // Reached only through a collaboration that exists; creating one is `Engine.createCollaboration`.
      return refused('conflict', 'the collaboration exists already');
    default:
      return unreachable(req);
  }
}

/** [G4] A rule runs with its author's rights, so the author is whoever last wrote it: unchanged
 *  rules keep their author, new or edited ones belong to the saver. A client-sent authorId is
 *  ignored, or an owner could lend a rule someone else's rights. */
function withAuthors(stored: RuleDefinition[], incoming: RuleDefinition[], saver: string | undefined): RuleDefinition[] {
  const byId = new Map(stored.map((r) => [r.id, r]));
  return incoming.map((r) => {
    const { authorId: _ignored, ...body } = r;
    const prev = byId.get(r.id);
    if (prev) {
      const { authorId: prevAuthor, ...prevBody } = prev;
      if (prevAuthor !== undefined && canonicalJson(prevBody) === canonicalJson(body)) return { ...body, authorId: prevAuthor };
    }
    return saver !== undefined ? { ...body, authorId: saver } : body;
  });
}

function executed(result: Record<string, unknown>): ActionOutcome {
  return { status: 'executed', result };
}

function refused(code: 'bad_request' | 'not_found' | 'conflict', message: string): Applied {
  return { outcome: { status: 'refused', code, message }, events: [] };
}
