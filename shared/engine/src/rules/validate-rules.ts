// Checks a rule set before it is saved, so a bad rule is a 400 with a reason now rather than a
// silent failure at 2 a.m.: unique ids, vetted json-logic, conditions that evaluate, and literal
// params that already fit their action.
import { actionParams } from '@trellis/schema';
import type { RuleDefinition } from '@trellis/schema';
import { evaluate, logicProblem } from './logic.ts';
import { sampleData } from './rule-data.ts';

export type RulesCheck = { ok: true } | { ok: false; message: string };

export function validateRules(rules: readonly RuleDefinition[]): RulesCheck {
  const ids = new Set<string>();
  for (const rule of rules) {
    const where = `rule "${rule.id}"`;
    if (ids.has(rule.id)) return fail(`${where}: duplicate id`);
    ids.add(rule.id);
    const condProblem = logicProblem(rule.condition);
    if (condProblem) return fail(`${where} condition: ${condProblem}`);
    try {
      evaluate(rule.condition, sampleData(rule.trigger));
    } catch (err) {
      return fail(`${where} condition does not evaluate: ${err instanceof Error ? err.message : String(err)}`);
    }
    for (const [i, action] of rule.actions.entries()) {
      for (const [key, value] of Object.entries(action.params)) {
        const p = logicProblem(value);
        if (p) return fail(`${where} action ${i + 1} param "${key}": ${p}`);
      }
      if (Object.values(action.params).every(isLiteral)) {
        const parsed = actionParams[action.action].safeParse(action.params);
        if (!parsed.success) return fail(`${where} action ${i + 1} (${action.action}): ${parsed.error.issues[0]?.message ?? 'invalid params'}`);
      }
    }
  }
  return { ok: true };
}

function isLiteral(v: unknown): boolean {
  return v === null || typeof v !== 'object';
}

function fail(message: string): RulesCheck {
  return { ok: false, message };
}
