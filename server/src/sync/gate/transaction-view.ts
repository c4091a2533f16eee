// What one Yjs transaction did, seen from inside it (before cleanup, while deleted content is still
// readable): which items it inserted, which pre-existing items it deleted, and the value a map key
// had before it started.
import * as Y from 'yjs';

export function insertedInTr(tr: Y.Transaction, item: Y.Item): boolean {
  return item.id.clock >= (tr.beforeState.get(item.id.client) ?? 0);
}

export function deletedInTr(tr: Y.Transaction, item: Y.Item): boolean {
  return item.deleted && Y.isDeleted(tr.deleteSet, item.id);
}

/** Alive when the transaction started. */
export function aliveBefore(tr: Y.Transaction, item: Y.Item): boolean {
  return !insertedInTr(tr, item) && (!item.deleted || deletedInTr(tr, item));
}

/** Every item (not GC) this transaction inserted. */
export function insertedItems(tr: Y.Transaction): Y.Item[] {
  const out: Y.Item[] = [];
  for (const [client, structs] of tr.doc.store.clients) {
    const before = tr.beforeState.get(client) ?? 0;
    const last = structs[structs.length - 1];
    if (!last || last.id.clock + last.length <= before) continue;
    for (let i = Y.findIndexSS(structs, before); i < structs.length; i++) {
      const s = structs[i];
      if (s instanceof Y.Item) out.push(s);
    }
  }
  return out;
}

/** Every pre-existing item (not GC) this transaction deleted. */
export function deletedItems(tr: Y.Transaction): Y.Item[] {
  const out: Y.Item[] = [];
  Y.iterateDeletedStructs(tr, tr.deleteSet, (s) => {
    if (s instanceof Y.Item && !insertedInTr(tr, s)) out.push(s);
  });
  return out;
}

function lastContent(item: Y.Item): unknown {
  const c = item.content.getContent();
  return c[c.length - 1];
}

/** The value `key` had in `map` when the transaction started (undefined if unset). */
export function valueBefore(tr: Y.Transaction, map: Y.Map<unknown>, key: string): unknown {
  let item: Y.Item | null = map._map.get(key) ?? null;
  while (item !== null) {
    if (aliveBefore(tr, item)) return item.deleted && !deletedInTr(tr, item) ? undefined : lastContent(item);
    item = item.left;
  }
  return undefined;
}

/** The root type an item lives under, and how deep: 0 = direct child of the root. */
export function locate(item: Y.Item): { root: string; depth: number; top: Y.Item | null } {
  let type = item.parent as Y.AbstractType<unknown>;
  let depth = 0;
  let top: Y.Item | null = item;
  while (type._item !== null) {
    top = type._item;
    type = type._item.parent as Y.AbstractType<unknown>;
    depth++;
  }
  return { root: Y.findRootTypeKey(type), depth, top };
}
