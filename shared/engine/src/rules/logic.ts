// A safe subset of json-logic: rules are data, evaluated by json-logic-js, never eval'd. Which
// operators and var paths are allowed is the schema's (`logicProblem`, checked when rules are saved).
import jsonLogic from 'json-logic-js';
import type { RulesLogic } from 'json-logic-js';

/** Evaluate a vetted expression against event data. Throws on a runtime failure. */
export function evaluate(logic: unknown, data: Record<string, unknown>): unknown {
  return jsonLogic.apply(logic as RulesLogic, data);
}

export function truthy(value: unknown): boolean {
  return jsonLogic.truthy(value);
}
