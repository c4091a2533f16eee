// Crafted updates a hostile member could send with the stock protocol: raw structs and delete sets
// encoded by hand (tests and the hostile-load benchmark share them).
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { encodeStructs } from '../encode-update.ts';

export type DeleteRanges = Map<number, { clock: number; len: number }[]>;

/** An update from raw structs and a delete set, written in the order given (no sorting, no merging). */
export function craft(structs: Map<number, (Y.Item | Y.GC)[]>, ds: DeleteRanges = new Map()): Uint8Array {
  return encodeStructs(structs, ds);
}

/** The delete set of an update as written, ranges in reverse order (any client may send this). */
export function reversedDeletes(update: Uint8Array): Uint8Array {
  const { structs, ds } = Y.decodeUpdate(update) as unknown as { structs: (Y.Item | Y.GC)[]; ds: { clients: Map<number, { clock: number; len: number }[]> } };
  const byClient = new Map<number, (Y.Item | Y.GC)[]>();
  for (const s of structs) byClient.set(s.id.client, [...(byClient.get(s.id.client) ?? []), s]);
  const reversed: DeleteRanges = new Map();
  for (const [client, list] of ds.clients) reversed.set(client, [...list].reverse().flatMap((r) => (r.len > 1 ? [{ clock: r.clock + 1, len: r.len - 1 }, { clock: r.clock, len: 1 }] : [r])));
  return craft(byClient, reversed);
}

/** `depth` maps nested in one another under `root`, as one update from `client`. */
export function nestedMaps(client: number, root: string, depth: number): Uint8Array {
  const items: Y.Item[] = [];
  for (let i = 0; i < depth; i++) {
    const parent = i === 0 ? root : Y.createID(client, i - 1);
    items.push(new Y.Item(Y.createID(client, i), null, null, null, null, parent as unknown as Y.AbstractType<unknown>, i === 0 ? null : 'c', new Y.ContentType(new Y.Map())));
  }
  return craft(new Map([[client, items]]));
}

/**
 * Yjs's worst case for placement: `n` one-character inserts after `origin` whose right origins
 * alternate between `right` and the end, so each one's scan visits every earlier one.
 */
export function competingInserts(client: number, firstClock: number, root: string, origin: Y.ID | null, right: Y.ID | null, n: number): Uint8Array {
  const items: Y.Item[] = [];
  for (let i = 0; i < n; i++) {
    const rightOrigin = i % 2 === 1 ? right : null;
    // Without neighbours an item names its parent (the root).
    const parent = origin === null && rightOrigin === null ? (root as unknown as Y.AbstractType<unknown>) : null;
    items.push(new Y.Item(Y.createID(client, firstClock + i), null, origin, null, rightOrigin, parent, null, new Y.ContentString('x')));
  }
  return craft(new Map([[client, items]]));
}

/** `n` values for one map key, none naming the value it overrides (each scans the key's history). */
export function keyStorm(client: number, entry: Y.ID, key: string, n: number): Uint8Array {
  const items: Y.Item[] = [];
  for (let i = 0; i < n; i++) items.push(new Y.Item(Y.createID(client, i), null, null, null, null, entry as unknown as Y.AbstractType<unknown>, key, new Y.ContentAny([`v${i}`])));
  return craft(new Map([[client, items]]));
}

/** An update as the sync frame a client sends (y-websocket message 0, sync update). */
export function syncUpdateFrame(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint(e, 2);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
}

/** 9,000 map values in one update (≈ 0.5 MB): tens of milliseconds to decode, far past a 1 ms deadline. */
export function heavyUpdate(): Uint8Array {
  const d = new Y.Doc();
  const m = d.getMap('zz');
  d.transact(() => {
    for (let i = 0; i < 9_000; i++) m.set(`k${i}`, 'v'.repeat(50));
  });
  return Y.encodeStateAsUpdate(d);
}

/**
 * A stored log as content from before the gate could leave it ([H15]): notes "ab" by client 1, then
 * `n` one-character inserts competing between its two characters (16,000 ≈ 96 KB: seconds to
 * integrate, the cost growing faster than the square of `n`). Its notes read `n + 2` characters.
 */
export function shapedLog(n = 16_000): Uint8Array[] {
  const base = new Y.Doc();
  base.clientID = 1;
  base.getText('notes').insert(0, 'ab');
  return [Y.encodeStateAsUpdate(base), competingInserts(7, 0, 'notes', Y.createID(1, 0), Y.createID(1, 1), n)];
}

/**
 * Honest content at its most costly per byte: `edits` words typed by 30 writers at random places in
 * the notes, with some characters deleted (as a busy shared note ends up), as one stored update.
 */
export function editHeavyNotes(edits: number, seed = 1): Uint8Array {
  const doc = new Y.Doc();
  const notes = doc.getText('notes');
  let x = seed;
  const rand = (n: number) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % n;
  };
  for (let i = 0; i < edits; i++) {
    if (i % 50 === 0) doc.clientID = 100 + rand(30);
    if (i % 10 === 9 && notes.length > 0) notes.delete(rand(notes.length), 1);
    else notes.insert(rand(notes.length + 1), 'word ');
  }
  return Y.encodeStateAsUpdate(doc);
}
