// State-vector arithmetic behind the "saved" indicator: which clocks a local update adds, and whether a
// server save acknowledgement (type 100) covers them.
import * as Y from 'yjs';

/** client id → the first clock *not* included (Yjs state-vector semantics). */
export type Clocks = ReadonlyMap<number, number>;

/** The end clock per client of the structs an update carries (a delete-only update carries none). */
export function clocksOfUpdate(update: Uint8Array): Map<number, number> {
  return new Map(Y.parseUpdateMeta(update).to);
}

/** True when everything in `clocks` is at or below the acknowledged state vector. */
export function isCovered(clocks: Clocks, acked: Clocks): boolean {
  for (const [client, clock] of clocks) if ((acked.get(client) ?? 0) < clock) return false;
  return true;
}

/** Whether a whole document state vector is covered: all local clocks ≤ acked. */
export function docIsCovered(doc: Y.Doc, acked: Clocks): boolean {
  return isCovered(Y.decodeStateVector(Y.encodeStateVector(doc)), acked);
}
