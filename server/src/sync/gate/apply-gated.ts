// Apply a client's update under the permission gate, in one transaction: integrate, inspect, and
// either keep it or revert it before the transaction ends (so nothing refused is ever emitted).
import * as Y from 'yjs';
import type { GateResult, Writer } from './check.ts';
import { checkTransaction } from './check.ts';
import { revertTransaction } from './revert.ts';

/** Transaction origin for client updates; `refused` tells the update listener to echo the
 *  compensation back to the writer too. */
export interface ClientOrigin {
  readonly kind: 'client';
  readonly connId: number;
  refused: boolean;
}

function clearPending(doc: Y.Doc): boolean {
  const had = doc.store.pendingStructs !== null || doc.store.pendingDs !== null;
  doc.store.pendingStructs = null;
  doc.store.pendingDs = null;
  return had;
}

export function applyGated(doc: Y.Doc, update: Uint8Array, writer: Writer, origin: ClientOrigin): GateResult {
  let result: GateResult = { ok: true, events: [], roots: [] };
  doc.transact((tr) => {
    try {
      Y.applyUpdate(doc, update, origin);
    } catch {
      tr.local = true;
      // Undecodable past the structs (e.g. a truncated delete set): undo what was integrated.
      clearPending(doc);
      result = { ok: false, code: 'bad_request', message: 'malformed update' };
      revertTransaction(tr);
      origin.refused = true;
      return;
    }
    // applyUpdate marks the transaction remote; our revert writes are local, and a remote
    // transaction that advances our own client id would make Yjs rotate the server's client id.
    tr.local = true;
    // Structs waiting for missing dependencies would integrate later under someone else's
    // transaction and bypass this check: refuse them now; the client re-sends after resync.
    if (clearPending(doc)) {
      result = { ok: false, code: 'bad_request', message: 'update depends on unknown changes' };
    } else {
      result = checkTransaction(tr, writer);
    }
    if (!result.ok) {
      revertTransaction(tr);
      origin.refused = true;
    }
  }, origin);
  return result;
}
