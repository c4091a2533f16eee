// Undo, inside the same transaction, everything a refused update did (SPEC [P3], [P4]): delete what
// it inserted and re-create what it deleted. The transaction's resulting update then carries only
// tombstones (content garbage-collected) and restorations, so the refused content is never stored
// or forwarded, and the writer's document converges back when it receives that update.
import * as Y from 'yjs';
import { aliveBefore, deletedInTr, deletedItems, insertedItems, normaliseDeleteSet, valueBefore } from './transaction-view.ts';

function cloneEntry(tr: Y.Transaction, item: Y.Item): Y.Map<unknown> | null {
  const c = item.content;
  if (!(c instanceof Y.ContentType) || !(c.type instanceof Y.Map)) return null;
  const source = c.type as Y.Map<unknown>;
  const copy = new Y.Map<unknown>();
  for (const key of source._map.keys()) {
    const v = valueBefore(tr, source, key);
    if (v !== undefined && !(v instanceof Y.AbstractType)) copy.set(key, v);
  }
  return copy;
}

function restoreList(tr: Y.Transaction, list: Y.Array<unknown>): void {
  const restores: { index: number; value: Y.Map<unknown> }[] = [];
  let index = 0;
  for (let item = list._start; item !== null; item = item.right) {
    if (!item.deleted) index += item.countable ? item.length : 0;
    else if (deletedInTr(tr, item) && aliveBefore(tr, item)) {
      const copy = cloneEntry(tr, item);
      if (copy) restores.push({ index, value: copy });
    }
  }
  restores.forEach((r, k) => list.insert(r.index + k, [r.value]));
}

function restoreText(tr: Y.Transaction, text: Y.Text): void {
  const restores: { index: number; str: string }[] = [];
  let index = 0;
  for (let item = text._start; item !== null; item = item.right) {
    if (!item.deleted) index += item.countable ? item.length : 0;
    else if (deletedInTr(tr, item) && aliveBefore(tr, item) && item.content instanceof Y.ContentString) {
      const last = restores[restores.length - 1];
      if (last && last.index === index) last.str += item.content.str;
      else restores.push({ index, str: item.content.str });
    }
  }
  let shift = 0;
  for (const r of restores) {
    text.insert(r.index + shift, r.str);
    shift += r.str.length;
  }
}

function restoreFields(tr: Y.Transaction, map: Y.Map<unknown>, keys: Set<string>): void {
  for (const key of keys) {
    const before = valueBefore(tr, map, key);
    if (before instanceof Y.AbstractType) continue;
    if (before === undefined) {
      if (map.has(key)) map.delete(key);
    } else if (map.get(key) !== before) map.set(key, before);
  }
}

export function revertTransaction(tr: Y.Transaction): void {
  normaliseDeleteSet(tr);
  const inserted = insertedItems(tr);
  const deleted = deletedItems(tr);
  for (const item of inserted) if (!item.deleted) item.delete(tr);
  const lists = new Set<Y.AbstractType<unknown>>();
  const fields = new Map<Y.Map<unknown>, Set<string>>();
  for (const item of [...inserted, ...deleted]) {
    const parent = item.parent as Y.AbstractType<unknown>;
    if (item.parentSub !== null && parent instanceof Y.Map && parent._item && !parent._item.deleted) {
      const keys = fields.get(parent) ?? new Set<string>();
      keys.add(item.parentSub);
      fields.set(parent, keys);
    } else if (item.parentSub === null && aliveBefore(tr, item)) {
      lists.add(parent as Y.AbstractType<unknown>);
    }
  }
  for (const type of lists) {
    // Yjs caches index → item markers per list and refreshes them for remote changes only when the
    // transaction ends: after integrating the update, an index-based insert here would use stale
    // markers and land in the wrong place.
    const markers = (type as unknown as { _searchMarker: unknown[] | null })._searchMarker;
    if (markers) markers.length = 0;
    if (type instanceof Y.Text) restoreText(tr, type);
    else if (type instanceof Y.Array) restoreList(tr, type);
  }
  for (const [map, keys] of fields) restoreFields(tr, map, keys);
}
