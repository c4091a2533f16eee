// The engine's ports: how it reaches a collaboration document, and what it returns.
import type * as Y from 'yjs';
import type { Actor, DocEvent } from '@trellis/schema';

/** Edits a collaboration document so the change is persisted and reaches every connected client.
 *  In the server this is the live document registry; in the worker it loads from the store and
 *  appends the resulting update (the change feed carries it to the servers). */
export interface DocHost {
  /** Run fn in one Yjs transaction with `origin`; resolves once the resulting update is durably stored. */
  change<T>(collaborationId: string, origin: string, fn: (doc: Y.Doc) => T): Promise<T>;
  /** Read the current document state. */
  read<T>(collaborationId: string, fn: (doc: Y.Doc) => T): Promise<T>;
}

export type ActionOutcome =
  | { status: 'executed'; result?: Record<string, unknown> }
  | { status: 'pending_approval'; approvalId: string }
  | { status: 'refused'; code: 'bad_request' | 'forbidden' | 'not_found' | 'conflict' | 'gone'; message: string };

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

export interface EngineEvents {
  /** A document changed in ways rules, mentions and @ai care about. */
  docEvents(collaborationId: string, actor: Actor, events: DocEvent[], depth?: number): Promise<void>;
}
