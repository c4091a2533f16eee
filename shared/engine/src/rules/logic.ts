// A safe subset of json-logic: rules are data, evaluated by json-logic-js, never eval'd. Operators
// are allow-listed (no `log`, no dotted/custom operations) and `var` paths cannot reach prototypes.
import jsonLogic from 'json-logic-js';
import type { RulesLogic } from 'json-logic-js';

const ALLOWED_OPS = new Set([
  'var', 'missing', 'missing_some', 'if', '?:', '==', '===', '!=', '!==', '!', '!!', 'or', 'and',
  '>', '>=', '<', '<=', 'max', 'min', '+', '-', '*', '/', '%', 'map', 'filter', 'reduce', 'all',
  'none', 'some', 'merge', 'in', 'cat', 'substr',
]);
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'prototype', 'constructor']);
const MAX_DEPTH = 20;

/** Why this expression cannot be used, or null when it is safe to evaluate. */
export function logicProblem(logic: unknown, depth = 0): string | null {
  if (depth > MAX_DEPTH) return `expression nested deeper than ${MAX_DEPTH}`;
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
  if (!ALLOWED_OPS.has(op)) return `unknown or disallowed operator "${op.slice(0, 32)}"`;
  const args = (logic as Record<string, unknown>)[op];
  if (op === 'var') {
    const path = Array.isArray(args) ? args[0] : args;
    if (typeof path === 'string' && path.split('.').some((s) => FORBIDDEN_SEGMENTS.has(s))) return `var path "${path.slice(0, 64)}" is not allowed`;
  }
  return logicProblem(args, depth + 1);
}

/** Evaluate a vetted expression against event data. Throws on a runtime failure. */
export function evaluate(logic: unknown, data: Record<string, unknown>): unknown {
  return jsonLogic.apply(logic as RulesLogic, data);
}

export function truthy(value: unknown): boolean {
  return jsonLogic.truthy(value);
}
