// @trellis/engine: the one policy-checked action engine shared by the server and the worker.
export type * from './types.ts';
export { createEngine } from './create-engine.ts';
export { createStoreDocHost } from './store-doc-host.ts';
export { validateRules } from './rules/validate-rules.ts';
export type { RulesCheck } from './rules/validate-rules.ts';
export { canonicalJson, paramsHash } from './canonical-json.ts';
export { APPROVAL_TTL_MS } from './approvals/propose.ts';
export { allMembers } from './members.ts';
export { MAX_RULE_DEPTH, MAX_RULE_RUNS_PER_CHAIN } from './context.ts';
export { attributionOf, currentRun, withRun } from './run-context.ts';
export type { RunContext } from './run-context.ts';
