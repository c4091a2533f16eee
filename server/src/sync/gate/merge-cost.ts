// The work Yjs's transaction cleanup spends merging what an update deleted (SPEC [H6]). Deleted
// structs are garbage-collected (a deleted entry's fields become GC structs) and merged with their
// deleted left neighbours, one `Array.splice` of the client's struct array per merged run, moving
// every struct right of it. When runs are kept apart by structs that cannot merge with them (a
// deleted entry's own item between its fields and the next entry's), each splice moves all the
// runs further right: deleting 10,000 entries in one update, eight bytes on the wire, moved ~10^8
// array slots (about 0.3 s here) while its delete set visited only 60,000 structs.
import * as Y from 'yjs';

/** Array slots one unit of [H6] cost stands for (a moved slot costs ~3 ns with the splice's own allocation). */
export const SLOTS_PER_UNIT = 32;

/**
 * Structs (deleted, and under deleted types) the estimate visits at most: each costs a unit and
 * the visit itself ~0.5 µs, so past this the update is over the [H6] ceiling in any case.
 */
export const MERGE_VISITS = 50_000;

/** What a struct is once the transaction is cleaned up. */
const ALIVE = 0;
const DELETED = 1; // a deleted item (its content dropped)
const GC = 2; // garbage: no content, no position

/**
 * Estimated cleanup work, in [H6] units, for deleting `deleted` (live items of the document) and,
 * with each type among them, everything under it. Visits at most `cap` structs; past it, infinite.
 */
export function mergeCost(doc: Y.Doc, deleted: readonly Y.Item[], cap: number): number {
  if (deleted.length > cap) return Number.MAX_SAFE_INTEGER;
  // Per client, the indices of the structs this update deletes, each as index * 4 + what it
  // becomes (numbers, not a map keyed by struct: hashing 10^5 Yjs objects costs more than the rest).
  const touched = new Map<number, number[]>();
  const mark = (s: Y.Item | Y.GC, becomes: number) => {
    const structs = doc.store.clients.get(s.id.client)!;
    const list = touched.get(s.id.client) ?? [];
    list.push(Y.findIndexSS(structs, s.id.clock) * 4 + becomes);
    touched.set(s.id.client, list);
  };
  let walked = 0;
  const types: Y.AbstractType<unknown>[] = [];
  for (const item of deleted) {
    mark(item, DELETED);
    if (item.content instanceof Y.ContentType) types.push(item.content.type as Y.AbstractType<unknown>);
  }
  // Everything under a deleted type is garbage-collected with it (Item.gc with parentGCd).
  while (types.length > 0) {
    const type = types.pop()!;
    const visit = (n: Y.Item) => {
      mark(n, GC);
      if (n.content instanceof Y.ContentType) types.push(n.content.type as Y.AbstractType<unknown>);
      return ++walked + deleted.length <= cap;
    };
    for (let n = type._start; n !== null; n = n.right) if (!visit(n)) return Number.MAX_SAFE_INTEGER;
    for (const last of type._map.values()) for (let n: Y.Item | null = last; n !== null; n = n.left) if (!visit(n)) return Number.MAX_SAFE_INTEGER;
  }

  let slots = 0;
  for (const [client, list] of touched) {
    const structs = doc.store.clients.get(client)!;
    // Descending by index; for one index, GC (the larger code) before DELETED, so the first wins.
    const marks = Float64Array.from(list).sort().reverse();
    const becomesAt = (k: number, i: number): number => {
      for (; k < marks.length && Math.floor(marks[k]! / 4) >= i; k++) if (Math.floor(marks[k]! / 4) === i) return marks[k]! % 4;
      const s = structs[i]!;
      return s instanceof Y.GC ? GC : s.deleted ? DELETED : ALIVE;
    };
    const newly = (k: number, i: number): boolean => {
      for (; k < marks.length && Math.floor(marks[k]! / 4) >= i; k++) if (Math.floor(marks[k]! / 4) === i) return true;
      return false;
    };
    // Whether structs[i] merges into structs[i - 1] once both are collected (Item/GC.mergeWith).
    const mergesLeft = (k: number, i: number): boolean => {
      if (i <= 0) return false;
      const b = becomesAt(k, i);
      if (b === ALIVE || b !== becomesAt(k, i - 1)) return false;
      if (b === GC) return true;
      const l = structs[i - 1] as Y.Item;
      const r = structs[i] as Y.Item;
      return l.right === r && Y.compareIDs(r.origin, l.lastId) && Y.compareIDs(l.rightOrigin, r.rightOrigin) && l.redone === null && r.redone === null;
    };
    // From the right, as Yjs merges: each run's splice moves the structs still right of it; a
    // struct right after a touched one is checked too (Yjs looks one past each deleted range).
    let mergedAway = 0;
    let prev = -1;
    let prevMerged = false;
    let prevNewly = false;
    for (let k = 0; k < marks.length; k++) {
      const top = Math.floor(marks[k]! / 4);
      for (const i of [top + 1, top]) {
        if (i >= structs.length || (prev !== -1 && i >= prev)) continue;
        const m = mergesLeft(k, i);
        // A run continues only through structs deleted alike (a newer deletion starts a new splice).
        const isNew = newly(k, i);
        const continues = prevMerged && prev === i + 1 && isNew === prevNewly;
        if (m) {
          if (!continues) slots += structs.length - i - mergedAway;
          mergedAway++;
        }
        prevMerged = m;
        prevNewly = isNew;
        prev = i;
      }
    }
  }
  return walked + Math.ceil(slots / SLOTS_PER_UNIT);
}
