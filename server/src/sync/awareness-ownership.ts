// Presence ownership (SPEC [S12]): a connection sets, renews or removes only the awareness client ids
// it introduced. Its awareness update is decoded, restricted to those entries (and to ids nobody
// holds, which it thereby introduces) and re-encoded; the states of every other client — of this
// process or relayed from another — are left as they are.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { Awareness } from 'y-protocols/awareness';
import type { Connection } from './connection.ts';

interface Entry {
  clientId: number;
  clock: number;
  /** The state as JSON text, passed on untouched. */
  state: string;
}

export interface AwarenessClaim {
  /** The entries this connection may apply, encoded; null when none is left. */
  update: Uint8Array | null;
  /** Client ids whose entries were dropped. */
  dropped: number[];
}

/**
 * Restrict `update` (sent by `conn`) to the client ids it owns or introduces. An id held by another
 * connection of the same user moves to `conn` (the same client reconnecting before its old socket
 * was noticed gone). Throws on a malformed update, before changing anything.
 */
export function claimAwareness(update: Uint8Array, conn: Connection, awareness: Awareness, conns: Iterable<Connection>): AwarenessClaim {
  const entries = decodeEntries(update);
  const others = [...conns].filter((c) => c !== conn);
  const kept: Entry[] = [];
  const dropped: number[] = [];
  for (const e of entries) {
    if (mayWrite(e.clientId, conn, awareness, others)) kept.push(e);
    else dropped.push(e.clientId);
  }
  return { update: kept.length > 0 ? encodeEntries(kept) : null, dropped };
}

function mayWrite(clientId: number, conn: Connection, awareness: Awareness, others: Connection[]): boolean {
  if (conn.awarenessIds.has(clientId)) return true;
  // The server's own id: its (empty) local state is nobody's to set.
  if (clientId === awareness.clientID) return false;
  const holder = others.find((c) => c.awarenessIds.has(clientId));
  if (holder) {
    if (holder.userId !== conn.userId) return false;
    holder.awarenessIds.delete(clientId);
    conn.awarenessIds.add(clientId);
    return true;
  }
  // A state no local connection holds belongs to a client of another process.
  return !awareness.getStates().has(clientId);
}

function decodeEntries(update: Uint8Array): Entry[] {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  const entries: Entry[] = [];
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const state = decoding.readVarString(decoder);
    // Malformed JSON fails here, before any ownership moves, rather than halfway through applying.
    JSON.parse(state);
    entries.push({ clientId, clock, state });
  }
  return entries;
}

function encodeEntries(entries: Entry[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const e of entries) {
    encoding.writeVarUint(encoder, e.clientId);
    encoding.writeVarUint(encoder, e.clock);
    encoding.writeVarString(encoder, e.state);
  }
  return encoding.toUint8Array(encoder);
}
