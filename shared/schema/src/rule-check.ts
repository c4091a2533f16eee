// What a rule set must satisfy beyond its zod shape, as far as can be told without evaluating it:
// unique ids, vetted json-logic (allow-listed operators, bounded depth, var paths that cannot reach
// prototypes) and literal params that already fit their action. The engine runs these before it
// trial-evaluates conditions when rules are saved; the web app's rules editor runs the same checks,
// so what it lets a person save is what the server accepts.
import { contentActionParams } from './action-catalogue.ts';
import type { RuleDefinition } from './rule.ts';

/** The json-logic operators a rule may use (no `log`, no dotted or custom operations). */
export const RULE_LOGIC_OPERATORS: ReadonlySet<string> = new Set([
  'var', 'missing', 'missing_some', 'if', '?:', '==', '===', '!=', '!==', '!', '!!', 'or', 'and',
  '>', '>=', '<', '<=', 'max', 'min', '+', '-', '*', '/', '%', 'map', 'filter', 'reduce', 'all',
  'none', 'some', 'merge', 'in', 'cat', 'substr',
]);
export const MAX_RULE_LOGIC_DEPTH = 20;
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);

/** Why this expression cannot be used, or null when it is safe to evaluate. */
export function logicProblem(logic: unknown, depth = 0): string | null {
  if (depth > MAX_RULE_LOGIC_DEPTH) return `expression nested deeper than ${MAX_RULE_LOGIC_DEPTH}`;
  if (logic === null || typeof logic !== 'object') return null;
  if (Array.isArray(logic)) {
    for (const item of logic) {
      const p = logicProblem(item, depth + 1);
      if (p) return p;
    }
    return null;
  }
  const keys = Object.keys(logic);
  if (keys.length !== 1) return 'an object must hold exactly one operator, like {"==": [a, b]}';
  const op = keys[0]!;
  if (!RULE_LOGIC_OPERATORS.has(op)) return `unknown or disallowed operator "${op.slice(0, 32)}"`;
  const args = (logic as Record<string, unknown>)[op];
  if (op === 'var') {
    const path = Array.isArray(args) ? args[0] : args;
    if (typeof path === 'string' && path.split('.').some((s) => FORBIDDEN_SEGMENTS.has(s))) return `var path "${path.slice(0, 64)}" is not allowed`;
  }
  return logicProblem(args, depth + 1);
}

/** Where a rule set breaks the checks above, or null. `ruleIndex` points at the rule at fault. */
export function ruleSetProblem(rules: readonly RuleDefinition[]): { ruleIndex: number; message: string } | null {
  const ids = new Set<string>();
  for (const [ruleIndex, rule] of rules.entries()) {
    const where = `rule "${rule.id}"`;
    const fail = (message: string) => ({ ruleIndex, message: `${where}${message}` });
    if (ids.has(rule.id)) return fail(': duplicate id');
    ids.add(rule.id);
    const condProblem = logicProblem(rule.condition);
    if (condProblem) return fail(` condition: ${condProblem}`);
    for (const [i, action] of rule.actions.entries()) {
      for (const [key, value] of Object.entries(action.params)) {
        const p = logicProblem(value);
        if (p) return fail(` action ${i + 1} param "${key}": ${p}`);
      }
      if (Object.values(action.params).every(isLiteral)) {
        const parsed = contentActionParams[action.action].safeParse(action.params);
        if (!parsed.success) return fail(` action ${i + 1} (${action.action}): ${parsed.error.issues[0]?.message ?? 'invalid params'}`);
      }
    }
  }
  return null;
}

function isLiteral(v: unknown): boolean {
  return v === null || typeof v !== 'object';
}
