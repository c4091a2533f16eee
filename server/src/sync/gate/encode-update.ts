// Re-encode a decoded update (Yjs update format v1) so that what is integrated is exactly what the
// gate decided on: the accepted form (normalised delete set, only structs the document lacks), the
// refused form (every new item turned into a tombstone at its position: ids and lengths, no
// content) and the over-budget form (new ranges as garbage: no content, no position).
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import type { DecodedUpdate, DeleteRange } from './decoded-update.ts';

type Struct = Y.Item | Y.GC;

export function encodeStructs(structs: Map<number, Struct[]>, ds: Map<number, DeleteRange[]>): Uint8Array {
  const enc = new Y.UpdateEncoderV1();
  const clients = [...structs.entries()].filter(([, list]) => list.length > 0).sort((a, b) => b[0] - a[0]);
  encoding.writeVarUint(enc.restEncoder, clients.length);
  for (const [client, list] of clients) {
    encoding.writeVarUint(enc.restEncoder, list.length);
    enc.writeClient(client);
    encoding.writeVarUint(enc.restEncoder, list[0]!.id.clock);
    for (const s of list) s.write(enc, 0);
  }
  const dsClients = [...ds.entries()].filter(([, list]) => list.length > 0).sort((a, b) => b[0] - a[0]);
  encoding.writeVarUint(enc.restEncoder, dsClients.length);
  for (const [client, list] of dsClients) {
    enc.resetDsCurVal();
    encoding.writeVarUint(enc.restEncoder, client);
    encoding.writeVarUint(enc.restEncoder, list.length);
    for (const r of list) {
      enc.writeDsClock(r.clock);
      enc.writeDsLen(r.len);
    }
  }
  return enc.toUint8Array();
}

export function encodeAccepted(u: DecodedUpdate): Uint8Array {
  return encodeStructs(u.structs, u.deleteSet);
}

export function encodeTombstones(u: DecodedUpdate): Uint8Array {
  const structs = new Map<number, Struct[]>();
  for (const [client, list] of u.structs) {
    structs.set(client, list.map((s) => {
      if (s instanceof Y.GC) return s;
      const parent = s.parent as unknown as Y.AbstractType<unknown> | null;
      return new Y.Item(s.id, null, s.origin, null, s.rightOrigin, parent, s.parentSub, new Y.ContentDeleted(s.length));
    }));
  }
  return encodeStructs(structs, u.deleteSet);
}

/** New ranges as garbage, and the delete set that tells the writer to drop its copies. */
export function encodeGarbage(u: DecodedUpdate): { update: Uint8Array; ranges: Map<number, DeleteRange[]> } {
  const structs = new Map<number, Struct[]>();
  const ranges = new Map<number, DeleteRange[]>();
  for (const [client, r] of u.ranges) {
    structs.set(client, [new Y.GC(Y.createID(client, r.from), r.to - r.from)]);
    ranges.set(client, [{ clock: r.from, len: r.to - r.from }]);
  }
  return { update: encodeStructs(structs, new Map()), ranges };
}
