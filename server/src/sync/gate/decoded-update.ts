// An incoming update read against the live document without touching it (SPEC [P8]): its structs
// and delete set decoded, normalised and placed — which structs are new, which parent each new item
// lands in, which existing items its delete set removes — so the gate can decide before anything
// is integrated. Every walk here is iterative and bounded; nothing recurses per nesting level.
import * as Y from 'yjs';
import { scanUpdate } from './scan-update.ts';
import { structAt } from './struct-at.ts';

/** Where a new item lands: a root, a map entry (by its id), or nowhere (next to garbage-collected content). */
export type Placement = { kind: 'root'; name: string } | { kind: 'entry'; entry: Y.ID } | { kind: 'gc' };

export interface NewItem {
  /** The struct as it will be integrated (a partly known one trimmed to its unknown rest). */
  readonly item: Y.Item;
  placement: Placement;
  /** The map key it sets (inherited from its neighbours when not written), or null in a list. */
  sub: string | null;
  /** Also removed by this update's own delete set. */
  deadOnArrival: boolean;
}

export interface DeleteRange {
  clock: number;
  len: number;
}

export interface DecodedUpdate {
  readonly newItems: NewItem[];
  /** New garbage-collected ranges (no content, no position). */
  readonly newGc: { client: number; clock: number; len: number }[];
  /** Existing live items the delete set removes (whole items; text may be partly removed). */
  readonly deletesExisting: Y.Item[];
  /** The normalised delete set: per client, sorted, merged, limited to known clocks. */
  readonly deleteSet: Map<number, DeleteRange[]>;
  /** Per client, the first new clock and the end of the new range. */
  readonly ranges: Map<number, { from: number; to: number }>;
  /** Client ids the document did not know. */
  readonly newClients: number;
  /** Each new item by its (trimmed) struct. */
  readonly byStruct: Map<Y.Item, NewItem>;
  /** Structs of the update, sorted by client and clock, without the parts the document holds. */
  readonly structs: Map<number, (Y.Item | Y.GC)[]>;
  /** Work done reading the delete set against the document (structs visited). */
  readonly dsVisited: number;
}

export type ReadResult =
  | { ok: true; update: DecodedUpdate }
  | { ok: false; code: 'malformed' | 'missing' | 'too_costly'; message: string };

export interface ReadLimits {
  maxStructs: number;
  maxDeleteRanges: number;
  maxValueDepth: number;
  maxTypes: number;
  /** Client ids the document does not know yet, per update (each costs state-vector and delete-set size forever). */
  maxNewClients: number;
  /** Structs of the document a delete set may visit. */
  maxDsVisits: number;
}

const key = (client: number, clock: number) => `${client}:${clock}`;

/** The struct of the document holding `id`, or null when the document does not have that clock. */
export function docStruct(doc: Y.Doc, id: Y.ID): Y.Item | Y.GC | null {
  const structs = doc.store.clients.get(id.client);
  if (!structs || structs.length === 0) return null;
  const last = structs[structs.length - 1]!;
  if (id.clock >= last.id.clock + last.length) return null;
  return structs[Y.findIndexSS(structs, id.clock)] as Y.Item | Y.GC;
}

/** Where an item integrated in the document lives. */
export function placementOf(item: Y.Item): Placement {
  const parent = item.parent as Y.AbstractType<unknown> | null;
  if (!parent) return { kind: 'gc' };
  if (parent._item === null) return { kind: 'root', name: Y.findRootTypeKey(parent) };
  return { kind: 'entry', entry: parent._item.id };
}

/** The struct of `structs` (sorted per client, within `ranges`) covering `id`, if any. */
function newStructAt(structs: Map<number, (Y.Item | Y.GC)[]>, ranges: Map<number, { from: number; to: number }>, id: Y.ID): Y.Item | Y.GC | null {
  const list = structs.get(id.client);
  const range = ranges.get(id.client);
  if (!list || !range || id.clock < range.from || id.clock >= range.to) return null;
  return structAt(list, id.clock);
}

/** The new item of a decoded update covering `id`, if any. */
export function newItemAt(u: DecodedUpdate, id: Y.ID): NewItem | null {
  const s = newStructAt(u.structs, u.ranges, id);
  return s instanceof Y.Item ? (u.byStruct.get(s) ?? null) : null;
}

export const idKey = (id: Y.ID) => key(id.client, id.clock);

/** The part of a struct the document does not hold yet, as Yjs integrates it (Item.integrate with an offset). */
function trimKnown(s: Y.Item | Y.GC, known: number): Y.Item | Y.GC {
  const id = Y.createID(s.id.client, s.id.clock + known);
  if (s instanceof Y.GC) return new Y.GC(id, s.length - known);
  const rest = s.content.splice(known);
  return new Y.Item(id, null, Y.createID(s.id.client, s.id.clock + known - 1), null, s.rightOrigin, null, null, rest);
}

export function readUpdate(doc: Y.Doc, update: Uint8Array, limits: ReadLimits): ReadResult {
  // Counted and depth-checked without allocating first: decoding is the expensive part.
  const scan = scanUpdate(update, limits);
  if (!scan.ok) return scan;
  let structs: (Y.Item | Y.GC | Y.Skip)[];
  let ds: { clients: Map<number, { clock: number; len: number }[]> };
  try {
    // Throws on truncation; a RangeError from deeply nested content is caught here too.
    const decoded = Y.decodeUpdate(update) as unknown as { structs: (Y.Item | Y.GC | Y.Skip)[]; ds: typeof ds };
    structs = decoded.structs;
    ds = decoded.ds;
  } catch {
    return { ok: false, code: 'malformed', message: 'malformed update' };
  }
  if (structs.length > limits.maxStructs) return { ok: false, code: 'too_costly', message: `more than ${limits.maxStructs} structs in one update` };

  // Group by client, sort by clock, refuse overlaps (duplicated structs) and gaps.
  const byClient = new Map<number, (Y.Item | Y.GC | Y.Skip)[]>();
  for (const s of structs) {
    const list = byClient.get(s.id.client) ?? [];
    list.push(s);
    byClient.set(s.id.client, list);
  }
  const kept = new Map<number, (Y.Item | Y.GC)[]>();
  const ranges = new Map<number, { from: number; to: number }>();
  const newItems: NewItem[] = [];
  const newGc: DecodedUpdate['newGc'] = [];
  const inUpdate = new Map<Y.Item, NewItem>();
  for (const [client, list] of byClient) {
    list.sort((a, b) => a.id.clock - b.id.clock);
    const state = Y.getState(doc.store, client);
    let expected = -1;
    const keep: (Y.Item | Y.GC)[] = [];
    for (const s of list) {
      if (expected !== -1 && s.id.clock !== expected) return { ok: false, code: 'malformed', message: 'overlapping or duplicated structs' };
      expected = s.id.clock + s.length;
      if (s.length <= 0) return { ok: false, code: 'malformed', message: 'empty struct' };
      if (s.id.clock + s.length <= state) continue;
      if (s instanceof Y.Skip) return { ok: false, code: 'missing', message: 'update depends on unknown changes' };
      if (keep.length === 0 && s.id.clock > state) return { ok: false, code: 'missing', message: 'update depends on unknown changes' };
      // Yjs assumes an item's references to its own client point backwards and checks nothing for
      // them: a reference to the same or a later clock would throw halfway through integration.
      if (s instanceof Y.Item) {
        for (const ref of [s.origin, s.rightOrigin, s.parent instanceof Y.ID ? s.parent : null]) {
          if (ref && ref.client === client && ref.clock >= s.id.clock) return { ok: false, code: 'malformed', message: 'an item refers to its own future' };
        }
      }
      // A struct the document partly holds is integrated as Yjs does it: its unknown rest, linked
      // after the known part (so placed where that part is, not where its origin says).
      const t = s.id.clock < state ? trimKnown(s, state - s.id.clock) : s;
      keep.push(t);
      if (t instanceof Y.GC) newGc.push({ client, clock: t.id.clock, len: t.length });
      else {
        const n: NewItem = { item: t, placement: { kind: 'gc' }, sub: t.parentSub, deadOnArrival: false };
        newItems.push(n);
        inUpdate.set(t, n);
      }
    }
    if (keep.length > 0) {
      kept.set(client, keep);
      const last = keep[keep.length - 1]!;
      ranges.set(client, { from: state, to: last.id.clock + last.length });
    }
  }

  // A new item by the clock it covers (origins may point into the middle of a struct).
  const findNew = (id: Y.ID): NewItem | Y.GC | null => {
    const s = newStructAt(kept, ranges, id);
    return s === null || s instanceof Y.GC ? s : inUpdate.get(s)!;
  };

  // Place every new item: from its own parent info, or from its origin's / right origin's parent
  // (in the document or, iteratively, in the update). Cycles and unknown references are refused.
  const resolved = new Set<NewItem>();
  let refSub: string | null = null;
  const placeFromRef = (ref: Y.ID): Placement | NewItem | 'missing' => {
    const inDoc = docStruct(doc, ref);
    if (inDoc) {
      if (inDoc instanceof Y.GC) return { kind: 'gc' };
      refSub = inDoc.parentSub;
      return placementOf(inDoc);
    }
    const n = findNew(ref);
    if (n === null) return 'missing';
    if (n instanceof Y.GC) return { kind: 'gc' };
    refSub = n.sub;
    return resolved.has(n) ? n.placement : n;
  };
  const stack: NewItem[] = [];
  const onStack = new Set<NewItem>();
  for (const start of newItems) {
    if (resolved.has(start)) continue;
    stack.push(start);
    onStack.add(start);
    while (stack.length > 0) {
      const cur = stack[stack.length - 1]!;
      const it = cur.item;
      let placement: Placement | NewItem | 'missing';
      const parent = it.parent as unknown;
      if (typeof parent === 'string') placement = { kind: 'root', name: parent };
      else if (parent instanceof Y.ID) {
        const inDoc = docStruct(doc, parent);
        if (inDoc) placement = inDoc instanceof Y.GC ? { kind: 'gc' } : { kind: 'entry', entry: inDoc.id };
        else {
          const n = findNew(parent);
          placement = n === null ? 'missing' : n instanceof Y.GC ? { kind: 'gc' } : { kind: 'entry', entry: n.item.id };
        }
      } else {
        const ref = it.origin ?? it.rightOrigin;
        if (!ref) return { ok: false, code: 'malformed', message: 'an item without parent or neighbours' };
        // Items next to garbage-collected content are garbage-collected on integration.
        const other = it.origin && it.rightOrigin ? placeFromRef(it.rightOrigin) : null;
        placement = placeFromRef(ref);
        cur.sub = refSub;
        if (other === 'missing') placement = 'missing';
        else if (other && !('item' in other) && other.kind === 'gc') placement = other;
      }
      // Dependencies named by origin/right origin must exist even when the parent is explicit.
      if (it.origin && docStruct(doc, it.origin) === null && findNew(it.origin) === null) placement = 'missing';
      if (it.rightOrigin && docStruct(doc, it.rightOrigin) === null && findNew(it.rightOrigin) === null) placement = 'missing';
      if (placement === 'missing') return { ok: false, code: 'missing', message: 'update depends on unknown changes' };
      if ('item' in placement) {
        if (onStack.has(placement)) return { ok: false, code: 'malformed', message: 'circular references' };
        stack.push(placement);
        onStack.add(placement);
        continue;
      }
      cur.placement = placement;
      resolved.add(cur);
      stack.pop();
      onStack.delete(cur);
    }
  }

  // Map values name the value they override by its last clock; an origin inside a longer struct
  // would split it and let an unchecked half win.
  for (const n of newItems) {
    const o = n.item.origin;
    if (n.sub === null || !o) continue;
    const at = docStruct(doc, o) ?? findNew(o);
    const end = at === null ? null : 'item' in at ? at.item.id.clock + at.item.length - 1 : at.id.clock + at.length - 1;
    if (end !== null && o.clock !== end) return { ok: false, code: 'malformed', message: 'a map value overrides part of another' };
  }
  let newClients = 0;
  for (const client of kept.keys()) if (!doc.store.clients.has(client)) newClients++;
  if (newClients > limits.maxNewClients) return { ok: false, code: 'too_costly', message: `more than ${limits.maxNewClients} new client ids in one update` };

  // The delete set: normalise (sort, merge), refuse what the document does not know yet.
  const deleteSet = new Map<number, DeleteRange[]>();
  let rangeCount = 0;
  for (const [client, items] of ds.clients) {
    rangeCount += items.length;
    if (rangeCount > limits.maxDeleteRanges) return { ok: false, code: 'too_costly', message: 'delete set too large' };
    const sorted = items.filter((d) => d.len > 0).sort((a, b) => a.clock - b.clock);
    const merged: DeleteRange[] = [];
    for (const d of sorted) {
      const last = merged[merged.length - 1];
      if (last && d.clock <= last.clock + last.len) last.len = Math.max(last.len, d.clock + d.len - last.clock);
      else merged.push({ clock: d.clock, len: d.len });
    }
    if (merged.length === 0) continue;
    const end = Math.max(Y.getState(doc.store, client), ranges.get(client)?.to ?? 0);
    const last = merged[merged.length - 1]!;
    if (last.clock + last.len > end) return { ok: false, code: 'missing', message: 'update deletes unknown changes' };
    deleteSet.set(client, merged);
  }

  // What the delete set removes: existing live items (visited with a bound) and new items.
  const deletesExisting: Y.Item[] = [];
  let dsVisited = 0;
  for (const [client, list] of deleteSet) {
    const state = Y.getState(doc.store, client);
    const structsOfClient = doc.store.clients.get(client);
    for (const r of list) {
      const knownEnd = Math.min(r.clock + r.len, state);
      if (structsOfClient && r.clock < knownEnd) {
        for (let i = Y.findIndexSS(structsOfClient, r.clock); i < structsOfClient.length; i++) {
          const s = structsOfClient[i]!;
          if (s.id.clock >= knownEnd) break;
          if (++dsVisited > limits.maxDsVisits) return { ok: false, code: 'too_costly', message: 'delete set too costly' };
          if (s instanceof Y.Item && !s.deleted) deletesExisting.push(s);
        }
      }
      if (r.clock + r.len > state) {
        for (let c = Math.max(r.clock, state); c < r.clock + r.len; ) {
          const n = findNew(Y.createID(client, c));
          if (n === null) break;
          if (!(n instanceof Y.GC) && n.item.id.clock >= r.clock && n.item.id.clock + n.item.length <= r.clock + r.len) n.deadOnArrival = true;
          c = (n instanceof Y.GC ? n.id.clock + n.length : n.item.id.clock + n.item.length);
          if (++dsVisited > limits.maxDsVisits) return { ok: false, code: 'too_costly', message: 'delete set too costly' };
        }
      }
    }
  }
  return { ok: true, update: { newItems, newGc, deletesExisting, deleteSet, ranges, structs: kept, dsVisited, newClients, byStruct: inUpdate } };
}
