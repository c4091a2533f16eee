// The one action engine [G2]: every writer (REST, approvals, rules, the worker, `@ai`) runs named
// actions through here. Order of checks: the collaboration exists and the actor belongs to it
// (else not_found, so non-members learn nothing), params parse, then policy → execute, ask for
// approval, or refuse. Every outcome is audited. A message streamed while it is composed (the `@ai`
// reply) is written through `streams` (streams/message-streams.ts), under the same policy.
import { isContentAction, parseActionRequest, unreachable } from '@trellis/schema';
import type { ActionRequest, Actor, Collaboration, Decision } from '@trellis/schema';
import { decideApproval } from './approvals/decide.ts';
import type { DecideDeps, Performed } from './approvals/decide.ts';
import { proposeApproval } from './approvals/propose.ts';
import { reproposeApproval } from './approvals/repropose.ts';
import { isStale } from './approvals/stale.ts';
import { audit, outcomeDetail, outcomeLabel, paramsForAudit } from './audit.ts';
import type { Chain, EngineContext } from './context.ts';
import { newChain } from './context.ts';
import { runContentAction } from './content-actions.ts';
import { createCollaboration } from './create-collaboration.ts';
import type { ContentRequest } from './content-actions.ts';
import { handleDocEvents, handleRuleEvent } from './doc-events.ts';
import { runGovernanceAction } from './governance-actions.ts';
import type { EffectIds } from './effect-ids.ts';
import { derivedIds, freshIds } from './effect-ids.ts';
import { revertRun, runApprovedRevert } from './history/revert.ts';
import { HistoryService } from './history/service.ts';
import { IDEMPOTENCY_LEASE_MS, idempotent } from './idempotency.ts';
import { KeyedMutex } from './keyed-mutex.ts';
import { standingOf } from './standing.ts';
import { createMessageStreams } from './streams/message-streams.ts';
import type { ActionOutcome, Engine, EngineDeps, OutcomeEvent, RunActionInput } from './types.ts';

const MEMBERSHIP_ACTIONS = new Set(['addMember', 'changeRole', 'removeMember']);

export function createEngine(deps: EngineDeps): Engine {
  const ctx: EngineContext = {
    store: deps.store, docs: deps.docs, logger: deps.logger, now: deps.now ?? (() => new Date()), idempotencyLeaseMs: deps.idempotencyLeaseMs ?? IDEMPOTENCY_LEASE_MS,
  };
  const governanceLock = new KeyedMutex();
  const history = new HistoryService(deps.store, deps.docs);

  /** Run an action of a chain, once per idempotency key when it has one (the AI's proposals, REST
   *  calls with a key, and every rule action: keyed by its firing). */
  async function runKeyed(input: RunActionInput, chain: Chain): Promise<ActionOutcome> {
    if (input.idempotencyKey === undefined) return runChained(input, chain);
    const call = { collaborationId: input.collaborationId, actor: input.actor, key: input.idempotencyKey, name: input.name, params: input.params };
    return idempotent(ctx, call, (ids) => runChained(input, chain, ids));
  }

  async function runChained(input: RunActionInput, chain: Chain, ids: EffectIds = freshIds): Promise<ActionOutcome> {
    const collab = await ctx.store.collaborations.get(input.collaborationId);
    if (!collab) return { status: 'refused', code: 'not_found', message: 'collaboration not found' };
    const { outcome, after } = await decideAndRun(collab, input, chain, ids);
    // Audited before its reactions run, so the log reads cause before effect. Under an idempotency
    // key the id is derived from it: a run taken over after a crash appends the same entry, not a
    // second one.
    await audit(ctx, {
      id: ids('aud'),
      collaborationId: collab.id,
      actor: input.actor,
      kind: MEMBERSHIP_ACTIONS.has(input.name) ? 'membership' : 'action',
      action: input.name,
      outcome: outcomeLabel(outcome),
      detail: { ...outcomeDetail(outcome), params: paramsForAudit(input.params), ...(input.reason ? { reason: input.reason } : {}) },
    });
    await after();
    return outcome;
  }

  async function decideAndRun(collab: Collaboration, input: RunActionInput, chain: Chain, ids: EffectIds): Promise<Performed> {
    const standing = await standingOf(ctx.store, collab, input.actor);
    if (!standing.ok) return done({ status: 'refused', code: 'not_found', message: standing.message });
    const parsed = parseActionRequest(input.name, input.params);
    if (!parsed.ok) return done({ status: 'refused', code: 'bad_request', message: parsed.message });
    const req = parsed.value;
    const decision: Decision = isSelfLeave(input.actor, req) ? 'allow' : standing.decide(req.name);
    switch (decision) {
      case 'deny':
        return done({ status: 'refused', code: 'forbidden', message: `${standing.kind} may not ${req.name} here` });
      case 'approval':
        return done(await proposeApproval(ctx, collab, input.actor, req, input.reason ?? '', ids));
      case 'allow':
        return perform(collab, input.actor, req, chain, ids);
      default:
        return unreachable(decision);
    }
  }

  /** Execute an action that policy (or an owner's approval) already allowed. Reactions (rules,
   *  mentions) are returned as `after`, for the caller to run once the outcome is recorded. */
  async function perform(collab: Collaboration, actor: Actor, req: ActionRequest, chain: Chain, ids: EffectIds = freshIds): Promise<Performed> {
    if (isContent(req)) {
      if (collab.archived) return done({ status: 'refused', code: 'conflict', message: 'the collaboration is archived' });
      const { outcome, events } = await runContentAction(ctx, collab.id, actor, req, ids);
      // The trigger key of these events: derived from the action's idempotency key when it has one.
      const trigger = ids('trg');
      return { outcome, after: () => (events.length > 0 ? handleDocEvents(ctx, collab, actor, events, chain, runKeyed, trigger) : Promise.resolve()) };
    }
    // Re-read inside the lock: checks such as "last owner" and rule authorship need current state.
    const { outcome, events } = await governanceLock.run(collab.id, async () =>
      runGovernanceAction(ctx, (await ctx.store.collaborations.get(collab.id)) ?? collab, actor, req),
    );
    const trigger = ids('trg');
    return {
      outcome,
      after: async () => {
        for (const [i, e] of events.entries()) await handleRuleEvent(ctx, collab, actor, e, chain, runKeyed, `${trigger}:${i}`);
      },
    };
  }

  const decideDeps: DecideDeps = {
    ctx,
    perform,
    outcomeEvent: (collab, actor, event) => handleRuleEvent(ctx, collab, actor, event, newChain(0), runKeyed),
    revert: (collab, a) => runApprovedRevert(ctx, history, collab, a),
  };

  return {
    run: (input) => runKeyed(input, newChain(input.depth ?? 0)),
    createCollaboration: (actor, params) => createCollaboration(ctx, actor, params),
    decideApproval: (approvalId, userId, decision, reason) => decideApproval(decideDeps, approvalId, userId, decision, reason),
    isStale: (approvalId) => isStale(ctx, approvalId),
    revert: (input) => revertRun(ctx, history, input),
    streams: createMessageStreams(ctx, runKeyed),
    history,
    reproposeApproval: (approvalId, userId) => reproposeApproval(ctx, approvalId, userId),
    async docEvents(collaborationId, actor, events, depth = 0) {
      const collab = await ctx.store.collaborations.get(collaborationId);
      if (collab) await handleDocEvents(ctx, collab, actor, events, newChain(depth), runKeyed);
    },
    async outcomeEvents(collaborationId, actor, events: OutcomeEvent[], depth = 0, key?: { seed: string; atMs: number }) {
      const collab = await ctx.store.collaborations.get(collaborationId);
      if (!collab) return;
      const chain = newChain(depth);
      // A keyed trigger carries the outcome's time, so the firing's run id sorts with it (idFromSeed).
      const trigger = key === undefined ? undefined : derivedIds(key.seed, key.atMs)('trg');
      for (const [i, e] of events.entries()) await handleRuleEvent(ctx, collab, actor, e, chain, runKeyed, trigger === undefined ? undefined : `${trigger}:${i}`);
    },
  };
}

/** Leaving is every member's right, whatever their role (the last-owner check still applies). */
function isSelfLeave(actor: Actor, req: ActionRequest): boolean {
  return req.name === 'removeMember' && actor.kind === 'user' && actor.userId === req.params.userId;
}

function done(outcome: ActionOutcome): Performed {
  return { outcome, after: () => Promise.resolve() };
}

function isContent(req: ActionRequest): req is ContentRequest {
  return isContentAction(req.name);
}
