// Apply a client's update under the permission gate (SPEC [P1]–[P10], [H3], [H6]): read it against
// the live document without touching it, estimate its cost, decide, and only then integrate —
// the accepted form as decided, or, when refused, tombstones in place of its content (so the
// writer's later updates still find their dependencies) plus restorations of what it deleted.
import * as Y from 'yjs';
import type { DocEvent } from '@trellis/schema';
import type { Writer } from './decide-update.ts';
import { decideUpdate } from './decide-update.ts';
import type { ReadLimits } from './decoded-update.ts';
import { readUpdate } from './decoded-update.ts';
import { encodeAccepted, encodeGarbage, encodeTombstones } from './encode-update.ts';
import { revertTransaction } from './revert.ts';
import { estimateCost } from './update-cost.ts';

export type { Writer } from './decide-update.ts';

/** Transaction origin for client updates; `refused` tells the update listener to echo the
 *  compensation back to the writer too. */
export interface ClientOrigin {
  readonly kind: 'client';
  readonly connId: number;
  refused: boolean;
}

export interface GateLimits extends ReadLimits {
  /** Estimated integration work one update may cost (see update-cost.ts). */
  maxCost: number;
  /** Document items one update's placement estimate may walk. */
  maxWalk: number;
}

export const DEFAULT_GATE_LIMITS: GateLimits = {
  maxStructs: 10_000,
  maxDeleteRanges: 1_000_000,
  maxValueDepth: 16,
  maxTypes: 2_000,
  maxNewClients: 64,
  maxDsVisits: 400_000,
  maxCost: 100_000,
  maxWalk: 20_000,
};

/** A refused update with more new items than this is recorded as garbage, not as tombstones. */
export const GARBAGE_REFUSAL_ITEMS = 1_000;

export type RefusalCode = 'forbidden' | 'bad_request' | 'malformed' | 'too_costly';

export type GateResult =
  | { ok: true; events: DocEvent[]; roots: string[]; cost: number }
  | { ok: false; code: RefusalCode; message: string; cost: number };

function clearPending(doc: Y.Doc): boolean {
  const had = doc.store.pendingStructs !== null || doc.store.pendingDs !== null;
  doc.store.pendingStructs = null;
  doc.store.pendingDs = null;
  return had;
}

function addDeletes(tr: Y.Transaction, ranges: Map<number, { clock: number; len: number }[]>): void {
  const clients = tr.deleteSet.clients as Map<number, { clock: number; len: number }[]>;
  for (const [client, list] of ranges) clients.set(client, [...(clients.get(client) ?? []), ...list.map((r) => ({ ...r }))]);
}

export function applyGated(doc: Y.Doc, update: Uint8Array, writer: Writer, origin: ClientOrigin, limits: GateLimits = DEFAULT_GATE_LIMITS, now = Date.now()): GateResult {
  const read = readUpdate(doc, update, limits);
  if (!read.ok) {
    // Nothing decodable to record: the document is untouched. A missing dependency is the honest
    // case (the writer resends after its next sync); the other two end the connection.
    const code = read.code === 'missing' ? 'bad_request' : read.code;
    return { ok: false, code, message: read.message, cost: update.length };
  }
  const u = read.update;
  const cost = estimateCost(doc, u, update.length, limits.maxWalk);
  const decision = cost > limits.maxCost ? null : decideUpdate(doc, u, writer, now);
  // Too costly to place, or refused and large (only a broken or hostile client sends a refused
  // update of that size): its clock ranges become garbage — nothing to scan, position or revert.
  if (decision === null || (!decision.ok && u.newItems.length > GARBAGE_REFUSAL_ITEMS)) {
    // Too costly to place: its clock ranges become garbage (no position to scan), and the writer
    // is told to drop its copies.
    const garbage = encodeGarbage(u);
    doc.transact((tr) => {
      try {
        Y.applyUpdate(doc, garbage.update, origin);
      } catch {
        clearPending(doc);
      }
      tr.local = true;
      addDeletes(tr, garbage.ranges);
      origin.refused = true;
    }, origin);
    return decision === null ? { ok: false, code: 'too_costly', message: 'update too costly to integrate', cost } : { ...decision, cost };
  }
  if (decision.ok && u.newItems.length === 0 && u.newGc.length === 0 && u.deletesExisting.length === 0) return { ...decision, cost };
  let result: GateResult = decision.ok ? { ...decision, cost } : { ...decision, cost };
  doc.transact((tr) => {
    try {
      Y.applyUpdate(doc, decision.ok ? encodeAccepted(u) : encodeTombstones(u), origin);
    } catch {
      // Yjs threw halfway through (an input the reading above did not foresee): undo what was
      // integrated, refuse the rest. Nothing half-integrated may leave this transaction.
      tr.local = true;
      clearPending(doc);
      result = { ok: false, code: 'malformed', message: 'malformed update', cost };
      revertTransaction(tr);
      origin.refused = true;
      return;
    }
    // applyUpdate marks the transaction remote; our revert writes are local, and a remote
    // transaction that advances our own client id would make Yjs rotate the server's client id.
    tr.local = true;
    // The reading above found every dependency; anything left pending would integrate later under
    // someone else's transaction, so it is refused (and what was integrated undone) all the same.
    if (clearPending(doc) && result.ok) result = { ok: false, code: 'bad_request', message: 'update depends on unknown changes', cost };
    if (!result.ok) {
      revertTransaction(tr);
      origin.refused = true;
    }
  }, origin);
  return result;
}
