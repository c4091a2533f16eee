// Checks a rule set before it is saved, so a bad rule is a 400 with a reason now rather than a
// silent failure at 2 a.m.: the checks of the schema (unique ids, vetted json-logic, literal params
// that already fit their action; the web app runs the same) and conditions that evaluate.
import { ruleSetProblem } from '@trellis/schema';
import type { RuleDefinition } from '@trellis/schema';
import { evaluate } from './logic.ts';
import { sampleData } from './rule-data.ts';

export type RulesCheck = { ok: true } | { ok: false; message: string };

export function validateRules(rules: readonly RuleDefinition[]): RulesCheck {
  const problem = ruleSetProblem(rules);
  if (problem) return { ok: false, message: problem.message };
  for (const rule of rules) {
    try {
      evaluate(rule.condition, sampleData(rule.trigger));
    } catch (err) {
      return { ok: false, message: `rule "${rule.id}" condition does not evaluate: ${err instanceof Error ? err.message : String(err)}` };
    }
  }
  return { ok: true };
}
