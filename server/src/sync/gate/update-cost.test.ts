// The placement estimate ([H6]) against the version before the walk stopped at the right origin's
// struct by identity and a lone item skipped the sibling maps: on random documents (concurrent
// text edits, deletions, garbage from a refused update, map keys) and random or crafted updates,
// both give the same cost and placement, whatever the walk cap.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { activitiesOf, notesOf } from '@trellis/schema';
import { DEFAULT_GATE_LIMITS } from './apply-gated.ts';
import type { DecodedUpdate, NewItem } from './decoded-update.ts';
import { docStruct, idKey, newItemAt, readUpdate } from './decoded-update.ts';
import { craft } from './testing/crafted.ts';
import { estimateCost, NEW_CLIENT_COST } from './update-cost.ts';

// ---- The oracle: estimateCost as it was, comparing ids at every step of the walk. ----
const keyOf = (id: Y.ID | null) => (id ? idKey(id) : '-');

function parentKey(n: NewItem): string {
  return n.placement.kind === 'root' ? `r:${n.placement.name}` : n.placement.kind === 'entry' ? `e:${idKey(n.placement.entry)}` : 'gc';
}

/** Document items between `origin` and `rightOrigin` in a list root, walked up to `cap`. */
function gapInDoc(doc: Y.Doc, rootName: string, origin: Y.ID | null, rightOrigin: Y.ID | null, cap: number): number {
  let cur: Y.Item | null;
  if (origin === null) {
    const root = doc.share.get(rootName);
    cur = root ? root._start : null;
  } else {
    const s = docStruct(doc, origin);
    if (!(s instanceof Y.Item)) return 0;
    // The origin splits its item: the rest of that item comes next.
    if (origin.clock < s.id.clock + s.length - 1) {
      if (rightOrigin && rightOrigin.client === s.id.client && rightOrigin.clock === origin.clock + 1) return 0;
      cur = s;
    } else cur = s.right;
  }
  let steps = 0;
  while (cur !== null && steps < cap) {
    if (rightOrigin && cur.id.client === rightOrigin.client && cur.id.clock <= rightOrigin.clock && rightOrigin.clock < cur.id.clock + cur.length) break;
    steps++;
    cur = cur.right;
  }
  return steps;
}

/** Earlier values of a map key after `origin` (all of them without an origin), walked up to `cap`. */
function keyHistoryInDoc(doc: Y.Doc, n: NewItem, sub: string, origin: Y.ID | null, cap: number): number {
  let type: Y.AbstractType<unknown> | undefined;
  if (n.placement.kind === 'root') type = doc.share.get(n.placement.name) as Y.AbstractType<unknown> | undefined;
  else if (n.placement.kind === 'entry') {
    const s = docStruct(doc, n.placement.entry);
    if (s instanceof Y.Item && s.content instanceof Y.ContentType) type = s.content.type as Y.AbstractType<unknown>;
  }
  if (!type) return 0;
  let cur: Y.Item | null = type._map.get(sub) ?? null;
  let steps = 0;
  while (cur !== null && steps < cap) {
    if (origin && Y.compareIDs(cur.lastId, origin)) break;
    steps++;
    cur = cur.left;
  }
  return steps;
}

/** The id of the document item right after the one holding `id` (null at the end of its list). */
function nextId(doc: Y.Doc, id: Y.ID): Y.ID | null {
  const s = docStruct(doc, id);
  if (!(s instanceof Y.Item)) return null;
  if (id.clock < s.id.clock + s.length - 1) return Y.createID(id.client, id.clock + 1);
  return s.right ? s.right.id : null;
}

function oracleCost(doc: Y.Doc, u: DecodedUpdate, updateBytes: number, walkCap: number): { cost: number; placement: number } {
  const base = u.dsVisited + u.newGc.length + Math.ceil(updateBytes / 64) + u.newClients * NEW_CLIENT_COST + u.newItems.length;
  let placement = 0;
  const perParent = new Map<string, number>();
  for (const n of u.newItems) perParent.set(parentKey(n), (perParent.get(parentKey(n)) ?? 0) + 1);
  const sameOrigin = new Map<string, number>();
  let walked = 0;
  for (const n of u.newItems) {
    if (n.placement.kind === 'gc') continue;
    const pk = parentKey(n);
    const siblings = perParent.get(pk) ?? 1;
    const origin = n.item.origin;
    const groupKey = `${pk}|${n.sub ?? ''}|${keyOf(origin)}`;
    const before = sameOrigin.get(groupKey) ?? 0;
    sameOrigin.set(groupKey, before + 1);
    if (n.sub !== null) {
      // Map key: every earlier value set in this update may be scanned, and the document's history.
      placement += before;
      if (walked < walkCap) {
        const w = keyHistoryInDoc(doc, n, n.sub, origin, walkCap - walked);
        walked += w;
        placement += w;
      }
      continue;
    }
    if (before > 0) placement += siblings;
    const originItem = origin ? newItemAt(u, origin) : null;
    if (originItem && !Y.compareIDs(originItem.item.rightOrigin, n.item.rightOrigin)) placement += siblings;
    if (n.placement.kind === 'root' && walked < walkCap && !originItem) {
      // With a right origin that is itself new, Yjs scans from the origin to where that item gets
      // anchored: right after the document item its own origins lead back to.
      let anchor = n.item.rightOrigin;
      let rightNew = anchor ? newItemAt(u, anchor) : null;
      if (rightNew !== null) {
        placement += siblings;
        let back: Y.ID | null = rightNew.item.origin;
        for (let hops = 0; back !== null && hops < siblings; hops++) {
          const inUpdate = newItemAt(u, back);
          if (!inUpdate) break;
          back = inUpdate.item.origin;
        }
        rightNew = back !== null && newItemAt(u, back) !== null ? rightNew : null;
        const root = doc.share.get(n.placement.name) as Y.AbstractType<unknown> | undefined;
        anchor = back === null ? (root?._start?.id ?? null) : nextId(doc, back);
      }
      const w = rightNew !== null ? walkCap - walked : gapInDoc(doc, n.placement.name, origin, anchor, walkCap - walked);
      walked += w;
      placement += w;
    }
  }
  if (walked >= walkCap) return { cost: Number.MAX_SAFE_INTEGER, placement: Number.MAX_SAFE_INTEGER };
  return { cost: base + placement, placement };
}

// ---- Random documents: a few clients editing `notes` and one activity's fields, synced now and then. ----

type DocOp =
  | { k: 'ins'; c: number; at: number; text: string }
  | { k: 'del'; c: number; at: number; len: number }
  | { k: 'set'; c: number; key: string; value: number }
  | { k: 'sync'; a: number; b: number };

const CLIENTS = 4;
const GARBAGE_CLIENT = CLIENTS + 1;
const KEYS = ['title', 'status', 'at'];
const docOpArb: fc.Arbitrary<DocOp> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ k: fc.constant('ins' as const), c: fc.nat(CLIENTS - 1), at: fc.nat(60), text: fc.string({ minLength: 1, maxLength: 4 }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('del' as const), c: fc.nat(CLIENTS - 1), at: fc.nat(60), len: fc.integer({ min: 1, max: 6 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('set' as const), c: fc.nat(CLIENTS - 1), key: fc.constantFrom(...KEYS), value: fc.nat(9) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('sync' as const), a: fc.nat(CLIENTS - 1), b: fc.nat(CLIENTS - 1) }) },
);

const sync = (from: Y.Doc, to: Y.Doc) => Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));

function edit(d: Y.Doc, op: Exclude<DocOp, { k: 'sync' }>): void {
  const notes = notesOf(d);
  if (op.k === 'ins') notes.insert(op.at % (notes.length + 1), op.text);
  else if (op.k === 'del') {
    if (notes.length > 0) {
      const at = op.at % notes.length;
      notes.delete(at, Math.min(op.len, notes.length - at));
    }
  } else (activitiesOf(d).get(0) as Y.Map<unknown>).set(op.key, op.value);
}

/** The clients' documents (each with what it has seen) and the server's (all of them, with garbage collection on). */
function buildDocs(ops: DocOp[]): { clients: Y.Doc[]; served: Y.Doc } {
  const clients = Array.from({ length: CLIENTS }, (_, i) => {
    const d = new Y.Doc();
    d.clientID = i + 1;
    return d;
  });
  // One activity everyone knows, whose fields they set.
  activitiesOf(clients[0]!).push([new Y.Map()]);
  for (const d of clients.slice(1)) sync(clients[0]!, d);
  for (const op of ops) {
    if (op.k === 'sync') {
      sync(clients[op.a]!, clients[op.b]!);
      continue;
    }
    edit(clients[op.c]!, op);
  }
  const served = new Y.Doc({ gc: true });
  for (const d of clients) Y.applyUpdate(served, Y.encodeStateAsUpdate(d));
  // A refused update's clock range recorded as garbage: a right origin may name it.
  Y.applyUpdate(served, craft(new Map([[GARBAGE_CLIENT, [new Y.GC(Y.createID(GARBAGE_CLIENT, 0), 3)]]])));
  return { clients, served };
}

// ---- Updates: genuine ones (a client's further edits, made on what it had seen) and crafted ones. ----

/** A reference to a clock: of a client the document knows (maybe past its end), of the update itself, or none. */
type Ref = { k: 'doc'; client: number; clock: number } | { k: 'own'; index: number } | { k: 'none' };
const refArb: fc.Arbitrary<Ref> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ k: fc.constant('doc' as const), client: fc.nat(GARBAGE_CLIENT), clock: fc.nat(80) }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('own' as const), index: fc.nat(7) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('none' as const) }) },
);
const craftedArb = fc.array(fc.record({ origin: refArb, right: refArb, len: fc.integer({ min: 1, max: 3 }), key: fc.option(fc.constantFrom(...KEYS), { freq: 4 }) }), { minLength: 1, maxLength: 8 });

const CRAFTER = 77;

/** Crafted items of one new client: each names its neighbours as drawn (a map value when it has a key and no neighbours). */
function craftUpdate(served: Y.Doc, spec: { origin: Ref; right: Ref; len: number; key: string | null }[]): Uint8Array {
  const clocks: number[] = [];
  let next = 0;
  for (const s of spec) {
    clocks.push(next);
    next += s.len;
  }
  const entry = (activitiesOf(served).get(0) as Y.Map<unknown> | undefined)?._item?.id ?? null;
  const id = (r: Ref): Y.ID | null => {
    if (r.k === 'none') return null;
    if (r.k === 'own') return Y.createID(CRAFTER, clocks[r.index % clocks.length]! + (r.index % 2));
    // Client 0 stands for the server's own id; the rest name the writers and the garbage (clocks past their end too).
    const client = r.client === 0 ? served.clientID : r.client;
    const known = Y.getState(served.store, client);
    return Y.createID(client, known > 0 ? r.clock % (known + 2) : r.clock % 3);
  };
  const items = spec.map((s, i) => {
    const origin = id(s.origin);
    const right = id(s.right);
    const mapValue = s.key !== null && origin === null && right === null && entry !== null;
    const parent = mapValue ? (entry as unknown as Y.AbstractType<unknown>) : origin === null && right === null ? ('notes' as unknown as Y.AbstractType<unknown>) : null;
    const content = mapValue ? new Y.ContentAny([i]) : new Y.ContentString('x'.repeat(s.len));
    return new Y.Item(Y.createID(CRAFTER, clocks[i]!), null, origin, null, right, parent, mapValue ? s.key : null, content);
  });
  // A map value takes one clock: keep the clocks contiguous.
  let clock = 0;
  for (const item of items) {
    item.id = Y.createID(CRAFTER, clock);
    clock += item.length;
  }
  return craft(new Map([[CRAFTER, items]]));
}

const updateArb = fc.oneof(
  fc.record({ k: fc.constant('genuine' as const), c: fc.nat(CLIENTS - 1), ops: fc.array(docOpArb.filter((o): o is Exclude<DocOp, { k: 'sync' }> => o.k !== 'sync'), { minLength: 1, maxLength: 6 }) }),
  fc.record({ k: fc.constant('crafted' as const), spec: craftedArb }),
);

describe('the placement estimate', () => {
  it('[H6] the walk stopping at the right origin\'s struct by identity, and a lone item skipping the sibling maps, estimate exactly what comparing ids at every step did', () => {
    let compared = 0;
    fc.assert(
      fc.property(fc.array(docOpArb, { maxLength: 40 }), updateArb, fc.constantFrom(1, 2, 3, 5, 8, DEFAULT_GATE_LIMITS.maxWalk), (docOps, upd, walkCap) => {
        const { clients, served } = buildDocs(docOps);
        let update: Uint8Array;
        if (upd.k === 'genuine') {
          // A client's further edits, made on what it had seen (concurrent with what it had not).
          const d = clients[upd.c]!;
          for (const op of upd.ops) edit(d, op);
          update = Y.encodeStateAsUpdate(d, Y.encodeStateVector(served));
        } else update = craftUpdate(served, upd.spec);
        const read = readUpdate(served, update, DEFAULT_GATE_LIMITS);
        if (!read.ok) return;
        compared++;
        expect(estimateCost(served, read.update, update.length, walkCap)).toEqual(oracleCost(served, read.update, update.length, walkCap));
      }),
      { numRuns: 3_000, seed: 20261130 },
    );
    expect(compared).toBeGreaterThan(1_000);
  });
});
