// What every engine module shares: the ports, the clock, and the loop guard of one rule chain.
import type { Logger } from '@trellis/runtime';
import type { Store } from '@trellis/store';
import type { DocHost } from './types.ts';

export interface EngineContext {
  store: Store;
  docs: DocHost;
  logger: Logger;
  now: () => Date;
  /** Lease of a running idempotency record (idempotency.ts). */
  idempotencyLeaseMs: number;
}

/** [G4] rule chains stop at this depth. */
export const MAX_RULE_DEPTH = 3;
/** Rule runs allowed for one originating event across its whole chain (storm guard). */
export const MAX_RULE_RUNS_PER_CHAIN = 25;

/** One chain of cause and effect: a person's action, the rules it triggers, theirs, and so on. */
export interface Chain {
  depth: number;
  /** Shared by every link of the chain, so fan-out cannot multiply past the cap. */
  budget: { remaining: number };
}

export function newChain(depth = 0): Chain {
  return { depth, budget: { remaining: MAX_RULE_RUNS_PER_CHAIN } };
}
