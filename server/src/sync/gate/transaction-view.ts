// What one Yjs transaction did, seen from inside it (before cleanup, while deleted content is still
// readable): which items it inserted, which pre-existing items it deleted, and the value a map key
// had before it started.
import * as Y from 'yjs';

/**
 * Sort and merge the transaction's delete set in place. Yjs fills it in integration order (a map
 * value overwritten, then a range of the update's delete set, …) and sorts it only at cleanup, but
 * `Y.isDeleted` binary-searches it: read unsorted, deletions go unseen and are never restored.
 */
export function normaliseDeleteSet(tr: Y.Transaction): void {
  const clients = tr.deleteSet.clients as Map<number, { clock: number; len: number }[]>;
  for (const [client, list] of clients) {
    list.sort((a, b) => a.clock - b.clock);
    const merged: { clock: number; len: number }[] = [];
    for (const d of list) {
      const last = merged[merged.length - 1];
      if (last && d.clock <= last.clock + last.len) last.len = Math.max(last.len, d.clock + d.len - last.clock);
      else merged.push(d);
    }
    clients.set(client, merged);
  }
}

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
