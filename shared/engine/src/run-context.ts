// The run a document change belongs to (SPEC [A1]): a check-in, an @ai reply, a rule firing, a
// revert — and the proposal (approval) it came from. Carried by async context so every write made
// inside a run is attributed to it without threading ids through every call.
import { AsyncLocalStorage } from 'node:async_hooks';
import { AI_ACTOR_ID, unreachable } from '@trellis/schema';
import type { Actor, Attribution } from '@trellis/schema';

export interface RunContext {
  runId?: string | undefined;
  proposalId?: string | undefined;
}

const current = new AsyncLocalStorage<RunContext>();

/** Run fn with these run facts added to (and overriding) the enclosing ones. */
export function withRun<T>(ctx: RunContext, fn: () => T): T {
  const outer = current.getStore() ?? {};
  return current.run({ ...outer, ...strip(ctx) }, fn);
}

export function currentRun(): RunContext {
  return current.getStore() ?? {};
}

function strip(ctx: RunContext): RunContext {
  return { ...(ctx.runId !== undefined ? { runId: ctx.runId } : {}), ...(ctx.proposalId !== undefined ? { proposalId: ctx.proposalId } : {}) };
}

/** Who a change made by this actor, inside the current run, is attributed to. The AI's run is its
 *  `ref`; a rule is named by its id; the system (housekeeping, integrations) is `integration`. */
export function attributionOf(actor: Actor, run: RunContext = currentRun()): Attribution {
  const runId = run.runId ?? (actor.kind === 'ai' ? actor.ref : undefined);
  const extra = { ...(runId !== undefined ? { runId } : {}), ...(run.proposalId !== undefined ? { proposalId: run.proposalId } : {}) };
  switch (actor.kind) {
    case 'user':
      return { actor: { kind: 'user', id: actor.userId ?? 'unknown' }, ...extra };
    case 'ai':
      return { actor: { kind: 'ai', id: AI_ACTOR_ID }, ...extra };
    case 'rule':
      return { actor: { kind: 'rule', id: actor.ref ?? 'rule' }, ...extra };
    case 'system':
      return { actor: { kind: 'integration', id: actor.ref ?? 'system' }, ...extra };
    default:
      return unreachable(actor.kind);
  }
}
