// Runs a collaboration's rules for one event: matching trigger, truthy condition, then each action
// through the engine as actor `rule` (with at most its author's rights, checked by the engine).
// [G4] chains stop at MAX_RULE_DEPTH and every chain shares one run budget, so a rule that
// triggers itself (or two that trigger each other) always terminates. A firing is keyed by the
// triggering change and the rule: its run id and its actions' idempotency keys derive from both, so a
// change re-run after a crash (its record taken over) fires each rule exactly once.
import type { Actor, Collaboration, RuleDefinition } from '@trellis/schema';
import type { Chain, EngineContext } from '../context.ts';
import { idFromSeed } from '../effect-ids.ts';
import { MAX_RULE_DEPTH } from '../context.ts';
import type { ActionOutcome, RunActionInput } from '../types.ts';
import { withRun } from '../run-context.ts';
import { evaluate, truthy } from './logic.ts';
import type { RuleEvent } from './rule-data.ts';
import { ruleData } from './rule-data.ts';

export type ChainedRun = (input: RunActionInput, chain: Chain) => Promise<ActionOutcome>;

export async function runRules(ctx: EngineContext, collab: Collaboration, actor: Actor, event: RuleEvent, chain: Chain, run: ChainedRun, trigger: string): Promise<void> {
  const matching = collab.rules.filter((r) => r.enabled && r.trigger === event.type);
  if (matching.length === 0) return;
  if (chain.depth >= MAX_RULE_DEPTH) {
    ctx.logger.info({ collaborationId: collab.id, depth: chain.depth, event: event.type }, 'rule chain depth limit reached');
    return;
  }
  const data = ruleData(collab.id, actor, event);
  for (const rule of matching) {
    if (!conditionHolds(ctx, collab.id, rule, data)) continue;
    const firing = idFromSeed('run', `${trigger}\n${rule.id}`);
    for (const [index, action] of rule.actions.entries()) {
      if (chain.budget.remaining <= 0) {
        ctx.logger.warn({ collaborationId: collab.id, ruleId: rule.id }, 'rule run budget exhausted for this chain');
        return;
      }
      chain.budget.remaining--;
      const params = evaluateParams(ctx, collab.id, rule, action.params, data);
      if (params === null) continue;
      // One firing of a rule is one run ([A1]): its changes are reverted together.
      const outcome = await withRun({ runId: firing }, () => run(
        { collaborationId: collab.id, actor: ruleActor(rule), name: action.action, params, reason: `rule "${rule.name}"`, idempotencyKey: `${firing}:${index}` },
        { depth: chain.depth + 1, budget: chain.budget },
      ));
      if (outcome.status === 'refused') ctx.logger.info({ collaborationId: collab.id, ruleId: rule.id, code: outcome.code, message: outcome.message }, 'rule action refused');
    }
  }
}

export function ruleActor(rule: RuleDefinition): Actor {
  return { kind: 'rule', ref: rule.id, ...(rule.authorId !== undefined ? { userId: rule.authorId } : {}) };
}

function conditionHolds(ctx: EngineContext, collaborationId: string, rule: RuleDefinition, data: Record<string, unknown>): boolean {
  try {
    return truthy(evaluate(rule.condition, data));
  } catch (err) {
    // A rule that fails at runtime is skipped, not fatal to the event or the other rules.
    ctx.logger.warn({ err, collaborationId, ruleId: rule.id }, 'rule condition failed');
    return false;
  }
}

function evaluateParams(ctx: EngineContext, collaborationId: string, rule: RuleDefinition, params: Record<string, unknown>, data: Record<string, unknown>): Record<string, unknown> | null {
  try {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(params)) out[k] = evaluate(v, data);
    return out;
  } catch (err) {
    ctx.logger.warn({ err, collaborationId, ruleId: rule.id }, 'rule params failed');
    return null;
  }
}
