// The engine's ports: how it reaches a collaboration document, and what it returns.
import type * as Y from 'yjs';
import type { Actor, ApprovalStatus, Attribution, DocEvent, Role } from '@trellis/schema';
import type { Logger } from '@trellis/runtime';
import type { DocHistory, Store } from '@trellis/store';
import type { CreateOutcome } from './create-collaboration.ts';
import type { RevertInput, RevertOutcome } from './history/revert.ts';
import type { HistoryService } from './history/service.ts';

/** Edits a collaboration document so the change is persisted and reaches every connected client.
 *  In the server this is the live document registry; in the worker it loads from the store and
 *  appends the resulting update (the change feed carries it to the servers). */
export interface DocHost {
  /** Run fn in one Yjs transaction with `origin`; resolves once the resulting update is durably
   *  stored, with `attribution` (SPEC [A1]). */
  change<T>(collaborationId: string, origin: string, fn: (doc: Y.Doc) => T, attribution?: Attribution): Promise<T>;
  /** Read the current document state. */
  read<T>(collaborationId: string, fn: (doc: Y.Doc) => T): Promise<T>;
  /** Throws if this stored history must not be integrated in this process (the server's trial
   *  load, SPEC [H15]): replays of a document's history ask first, as loading it does. */
  vet?(collaborationId: string, history: DocHistory): Promise<void>;
}

export type ActionOutcome =
  | { status: 'executed'; result?: Record<string, unknown> }
  | { status: 'pending_approval'; approvalId: string }
  | {
    status: 'refused'; code: 'bad_request' | 'forbidden' | 'not_found' | 'conflict' | 'gone'; message: string;
    /** Nothing was decided: another run of the same idempotency key is still going. Try again later. */
    retryable?: true;
  };

export interface RunActionInput {
  collaborationId: string;
  actor: Actor;
  name: string;
  params: unknown;
  reason?: string | undefined;
  /** Same key + same actor + same collaboration → same outcome, run once. */
  idempotencyKey?: string | undefined;
  /** Rule chain depth (loop safety). */
  depth?: number | undefined;
}

/** A message streamed into the document while it is composed (the `@ai` reply): SPEC [G9]. */
export interface StreamRef {
  collaborationId: string;
  actor: Actor;
  /** Chosen by the caller (stable across its retries); a message already in the document is
   *  streamed again only by the run that began it. */
  messageId: string;
}

export interface MessageStreams {
  /** Decide the actor's `sendMessage` policy once and create the message `streaming` (or restart
   *  this run's interrupted or unfinished one in place); a refusal writes nothing and is audited. */
  begin(input: StreamRef & { reason?: string | undefined }): Promise<ActionOutcome>;
  /** Append a chunk to this run's message while it streams; anything else is refused. */
  extend(input: StreamRef & { text: string }): Promise<ActionOutcome>;
  /** Write the final body and clear `streaming`; audited once per stream as `sendMessage`
   *  (`executed`, or `interrupted` with why). A repeated finish returns the first one's outcome. */
  finish(input: StreamRef & { body: string; interrupted?: string | undefined; reason?: string | undefined }): Promise<ActionOutcome>;
}

/** Things the engine (or the worker) did that rules may react to, besides document changes. */
export type OutcomeEvent =
  | { type: 'approvalDecided'; approvalId: string; action: string; decision: 'approve' | 'reject'; status: ApprovalStatus }
  | { type: 'checkinCompleted'; checkinId: string; summary: string }
  | { type: 'memberAdded'; userId: string; role: Role };

export interface EngineEvents {
  /** A document changed in ways rules, mentions and @ai care about. */
  docEvents(collaborationId: string, actor: Actor, events: DocEvent[], depth?: number): Promise<void>;
  /** An outcome happened (approval decided, check-in completed, member added): run matching rules.
   *  With a `key` (a seed stable across the caller's retries, and when the outcome first happened)
   *  the firings are keyed by it, so a repeat after a crash fires each rule once ([G4], [W9]);
   *  without one every call is a new firing. */
  outcomeEvents(collaborationId: string, actor: Actor, events: OutcomeEvent[], depth?: number, key?: { seed: string; atMs: number }): Promise<void>;
}

export interface EngineDeps {
  store: Store;
  docs: DocHost;
  logger: Logger;
  /** Injected clock (approval expiry, timestamps). */
  now?: () => Date;
  /** Lease of a running idempotency record, renewed while it runs; default 10 s. */
  idempotencyLeaseMs?: number;
}

export type ApprovalDecisionResult =
  | { status: 'approved'; outcome: ActionOutcome }
  | { status: 'rejected' }
  | { status: 'refused'; code: 'not_found' | 'forbidden' | 'conflict' | 'gone' | 'stale'; message: string };

export type ReproposeResult =
  | { status: 'pending_approval'; approvalId: string }
  | { status: 'refused'; code: 'not_found' | 'forbidden' | 'conflict' | 'gone' | 'bad_request'; message: string };

/** The one action engine (SPEC [G2]): REST, approvals, rules, the worker and `@ai` all call it. */
export interface Engine extends EngineEvents {
  run(input: RunActionInput): Promise<ActionOutcome>;
  /** Create a collaboration whose owner is the acting person: policy-checked and audited like any
   *  action, before the collaboration exists (its title and settings then change through
   *  `run({name:'updateCollaboration'})`). */
  createCollaboration(actor: Actor, params: unknown): Promise<CreateOutcome>;
  /** Approve or reject; approval re-checks policy, runs exactly once, refuses expired ones. */
  decideApproval(approvalId: string, userId: string, decision: 'approve' | 'reject', reason?: string | null): Promise<ApprovalDecisionResult>;
  /** Whether the approval's target changed since it was proposed (SPEC [G3]). */
  isStale(approvalId: string): Promise<boolean>;
  /** An owner asks again from the current state: the pending approval is superseded (rejected) by
   *  a new one with the same proposer, action and params, bound to the target as it is now. */
  reproposeApproval(approvalId: string, userId: string): Promise<ReproposeResult>;
  /** Undo a run, or one actor's changes since a time, as this member (SPEC [A7]–[A9]). */
  revert(input: RevertInput): Promise<RevertOutcome>;
  /** Messages streamed while they are composed (SPEC [G9]). */
  readonly streams: MessageStreams;
  /** The collaborations' attributed history (SPEC [A5], [A6]). */
  readonly history: HistoryService;
}
