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
export { HistoryService, parseGroupId, HISTORY_PAGE_MAX } from './history/service.ts';
export type { CollaborationAt, HistoryQuery } from './history/service.ts';
export type { ChangeGroup } from './history/groups.ts';
export type { Change } from './history/replay.ts';
export type { RevertConflict, RunSelector } from './history/plan.ts';
export type { RevertInput, RevertOutcome } from './history/revert.ts';
export { REVERT_ACTION } from './history/revert.ts';
