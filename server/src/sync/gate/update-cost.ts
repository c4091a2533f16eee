// What integrating a decoded update would cost, estimated before it is integrated (SPEC [H6]).
// Yjs places an item by scanning the items between its origin and right origin; concurrent
// inserts at one position (or sets of one map key without an origin) make that scan quadratic.
// The estimate counts, per item, the document items its scan may visit (walked, with a cap) plus
// the update's own items that may land in the same place.
import * as Y from 'yjs';
import type { DecodedUpdate, NewItem } from './decoded-update.ts';
import { docStruct, idKey, newItemAt } from './decoded-update.ts';
import { MERGE_VISITS, mergeCost } from './merge-cost.ts';

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
  // The walk ends at the struct holding the right origin (none in the document: the list's end).
  const stop = rightOrigin ? docStruct(doc, rightOrigin) : null;
  let steps = 0;
  while (cur !== null && cur !== stop && steps < cap) {
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

/** Every client id new to the document costs forever: in each state vector and full sync. */
export const NEW_CLIENT_COST = 2_000;

/**
 * An update's estimated cost, and the part of it that is placement work: the scans past competing
 * items (walks and siblings), which a document keeps costing at every later load ([H15], [H16]) —
 * an honest edit in place does none.
 */
export interface UpdateCost {
  cost: number;
  placement: number;
}

export function estimateCost(doc: Y.Doc, u: DecodedUpdate, updateBytes: number, walkCap: number): UpdateCost {
  const merging = mergeCost(doc, u.deletesExisting, MERGE_VISITS);
  if (merging === Number.MAX_SAFE_INTEGER) return { cost: merging, placement: 0 };
  const base = u.dsVisited + merging + u.newGc.length + Math.ceil(updateBytes / 64) + u.newClients * NEW_CLIENT_COST + u.newItems.length;
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
