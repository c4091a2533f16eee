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
  /** Placement work the document may still take before it is tried again ([H16]); more waits, untouched. */
  maxPlacement: number;
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
  maxPlacement: Number.POSITIVE_INFINITY,
};

/** A refused update with more new items than this is recorded as garbage, not as tombstones. */
export const GARBAGE_REFUSAL_ITEMS = 1_000;

/** `no_room`: the document has no room for the update's placement work now ([H16]); nothing was integrated, and it may be sent again. */
export type RefusalCode = 'forbidden' | 'bad_request' | 'malformed' | 'too_costly' | 'no_room';

/**
 * `cost`: the estimate ([H6]); `placement`: the placement work integrated into the document ([H16]);
 * `scanned`: list items read to decide (absent when it was not decided), charged with the estimate.
 */
export type GateResult = (
  | { ok: true; events: DocEvent[]; roots: string[]; cost: number; placement: number }
  | { ok: false; code: RefusalCode; message: string; cost: number; placement: number }
) & { scanned?: number };

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
    return { ok: false, code, message: read.message, cost: update.length, placement: 0 };
  }
  const u = read.update;
  // [P11] another member's client id: refused whole, nothing integrated (not even tombstones,
  // which would occupy the owner's next clocks).
  if ((writer.owners?.foreign(u.ranges, writer.userId) ?? null) !== null) {
    return { ok: false, code: 'forbidden', message: 'the update writes under a client id another member introduced', cost: update.length, placement: 0 };
  }
  writer.owners?.claim(u.ranges, writer.userId);
  const { cost, placement } = estimateCost(doc, u, update.length, limits.maxWalk);
  if (cost <= limits.maxCost && placement > limits.maxPlacement) {
    return { ok: false, code: 'no_room', message: 'the collaboration is being checked: send this again shortly', cost, placement: 0 };
  }
  // `decision.scanned`, what deciding read of the document (the ids of a list, to keep them unique),
  // is reported apart from the estimate: it is charged to the work budget ([H6]), but a cheap
  // update that reads a long list keeps its one forgiven wall-time overrun.
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
    // Garbage has no position: nothing to place.
    return decision === null ? { ok: false, code: 'too_costly', message: 'update too costly to integrate', cost, placement: 0 } : { ...decision, cost, placement: 0 };
  }
  if (decision.ok && u.newItems.length === 0 && u.newGc.length === 0 && u.deletesExisting.length === 0) return { ...decision, cost, placement: 0 };
  let result: GateResult = decision.ok ? { ...decision, cost, placement } : { ...decision, cost, placement };
  doc.transact((tr) => {
    try {
      Y.applyUpdate(doc, decision.ok ? encodeAccepted(u) : encodeTombstones(u), origin);
    } catch {
      // Yjs threw halfway through (an input the reading above did not foresee): undo what was
      // integrated, refuse the rest. Nothing half-integrated may leave this transaction.
      tr.local = true;
      clearPending(doc);
      result = { ok: false, code: 'malformed', message: 'malformed update', cost, placement: 0, scanned: decision.scanned };
      revertTransaction(tr);
      origin.refused = true;
      return;
    }
    // applyUpdate marks the transaction remote; our revert writes are local, and a remote
    // transaction that advances our own client id would make Yjs rotate the server's client id.
    tr.local = true;
    // The reading above found every dependency; anything left pending would integrate later under
    // someone else's transaction, so it is refused (and what was integrated undone) all the same.
    if (clearPending(doc) && result.ok) result = { ok: false, code: 'bad_request', message: 'update depends on unknown changes', cost, placement, scanned: decision.scanned };
    if (!result.ok) {
      revertTransaction(tr);
      origin.refused = true;
    }
  }, origin);
  return result;
}
