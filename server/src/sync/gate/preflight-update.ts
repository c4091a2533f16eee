// What can be known about an update from its bytes alone, without the document (SPEC [H13]). Large
// updates are read here on the pre-flight thread first (preflight-thread.ts), so a crafted one is
// refused before the server's event loop decodes any of it; what passes is read again against the
// live document by the gate (decoded-update.ts). Every refusal here is one the gate would make too:
// the checks are the gate's own, restricted to what the update itself shows.
import * as Y from 'yjs';
import type { ScanLimits } from './scan-update.ts';
import { scanUpdate } from './scan-update.ts';
import { structAt } from './struct-at.ts';

export interface PreflightLimits extends ScanLimits {
  /** The gate's cost ceiling (update-cost.ts); the update's own competing inserts count against it. */
  maxCost: number;
  /** Shared types nested in one another within one update; far above any shape the roots allow. */
  maxTypeDepth: number;
}

/** Shared types nested in one another within one update: entries are maps one level below a root; far more is an attack. */
const MAX_TYPE_DEPTH = 8;

/** The pre-flight's limits: the gate's own, plus the nesting bound. */
export const preflightLimits = (gate: ScanLimits & { maxCost: number }): PreflightLimits => ({
  maxStructs: gate.maxStructs, maxDeleteRanges: gate.maxDeleteRanges, maxValueDepth: gate.maxValueDepth, maxTypes: gate.maxTypes, maxCost: gate.maxCost, maxTypeDepth: MAX_TYPE_DEPTH,
});

/** `ms`: for a trial load, its wall time on the thread ([H16]). */
export type PreflightResult = { ok: true; ms?: number } | { ok: false; code: 'malformed' | 'too_costly'; message: string };

const idKey = (id: Y.ID) => `${id.client}:${id.clock}`;

/** The item whose first clock is `id`, or the one covering it. */
function itemAt(byClient: Map<number, (Y.Item | Y.GC | Y.Skip)[]>, id: Y.ID): Y.Item | null {
  const list = byClient.get(id.client);
  const s = list ? structAt(list, id.clock) : null;
  return s instanceof Y.Item ? s : null;
}

/**
 * How many shared types deep each item of the update sits, counting only types the update itself
 * creates (a type of the document counts as depth 0). Iterative; a cycle of references is malformed.
 */
function typeDepths(items: Y.Item[], byClient: Map<number, (Y.Item | Y.GC | Y.Skip)[]>, maxDepth: number): PreflightResult {
  const depth = new Map<Y.Item, number>();
  const onStack = new Set<Y.Item>();
  // The item whose container decides this one's: its explicit parent type, or its neighbour's container.
  const containerOf = (it: Y.Item): { via: 'type' | 'sibling'; item: Y.Item } | null => {
    const parent = it.parent as unknown;
    if (parent instanceof Y.ID) {
      const p = itemAt(byClient, parent);
      return p ? { via: 'type', item: p } : null;
    }
    if (parent !== null) return null; // a root
    const ref = it.origin ?? it.rightOrigin;
    const n = ref ? itemAt(byClient, ref) : null;
    return n ? { via: 'sibling', item: n } : null;
  };
  for (const start of items) {
    if (depth.has(start)) continue;
    const stack = [start];
    onStack.add(start);
    while (stack.length > 0) {
      const cur = stack[stack.length - 1]!;
      const c = containerOf(cur);
      let d = 0;
      if (c) {
        const known = depth.get(c.item);
        if (known === undefined) {
          if (onStack.has(c.item)) return { ok: false, code: 'malformed', message: 'circular references' };
          stack.push(c.item);
          onStack.add(c.item);
          continue;
        }
        // `depth` holds how deep an item's own content is: its container's depth, +1 for a type.
        d = c.via === 'type' ? known : known - (c.item.content instanceof Y.ContentType ? 1 : 0);
      }
      const own = d + (cur.content instanceof Y.ContentType ? 1 : 0);
      if (own > maxDepth) return { ok: false, code: 'too_costly', message: `shared types nested more than ${maxDepth} deep` };
      depth.set(cur, own);
      stack.pop();
      onStack.delete(cur);
    }
  }
  return { ok: true };
}

/**
 * The update's own competing inserts, counted as update-cost.ts counts them: items with the same
 * left neighbour in one list each scan past the others (≥ k(k−1) for k of them), values set for
 * one map key without naming the value they override each scan the earlier ones (k(k−1)/2).
 */
function ownCompetition(items: Y.Item[]): number {
  const groupOf = (it: Y.Item): string => {
    const sub = it.parentSub ?? '';
    if (it.origin) return `o${idKey(it.origin)}|${sub}`;
    const parent = it.parent as unknown;
    if (typeof parent === 'string') return `r${parent}|${sub}`;
    if (parent instanceof Y.ID) return `e${idKey(parent)}|${sub}`;
    return it.rightOrigin ? `n${idKey(it.rightOrigin)}|${sub}` : `-|${sub}`;
  };
  const size = new Map<string, number>();
  const keys = items.map(groupOf);
  for (const k of keys) size.set(k, (size.get(k) ?? 0) + 1);
  const seen = new Map<string, number>();
  let cost = 0;
  for (let i = 0; i < items.length; i++) {
    const k = keys[i]!;
    const before = seen.get(k) ?? 0;
    seen.set(k, before + 1);
    if (before === 0) continue;
    cost += items[i]!.parentSub !== null ? before : size.get(k)!;
  }
  return cost;
}

export function preflightUpdate(update: Uint8Array, limits: PreflightLimits): PreflightResult {
  const scan = scanUpdate(update, limits);
  if (!scan.ok) return scan;
  let structs: (Y.Item | Y.GC | Y.Skip)[];
  try {
    structs = (Y.decodeUpdate(update) as unknown as { structs: (Y.Item | Y.GC | Y.Skip)[] }).structs;
  } catch {
    return { ok: false, code: 'malformed', message: 'malformed update' };
  }
  const byClient = new Map<number, (Y.Item | Y.GC | Y.Skip)[]>();
  for (const s of structs) {
    const list = byClient.get(s.id.client) ?? [];
    list.push(s);
    byClient.set(s.id.client, list);
  }
  const items: Y.Item[] = [];
  for (const [client, list] of byClient) {
    list.sort((a, b) => a.id.clock - b.id.clock);
    let expected = -1;
    for (const s of list) {
      if (s.length <= 0) return { ok: false, code: 'malformed', message: 'empty struct' };
      if (expected !== -1 && s.id.clock !== expected) return { ok: false, code: 'malformed', message: 'overlapping or duplicated structs' };
      expected = s.id.clock + s.length;
      if (!(s instanceof Y.Item)) continue;
      for (const ref of [s.origin, s.rightOrigin, s.parent instanceof Y.ID ? s.parent : null]) {
        if (ref && ref.client === client && ref.clock >= s.id.clock) return { ok: false, code: 'malformed', message: 'an item refers to its own future' };
      }
      items.push(s);
    }
  }
  const depths = typeDepths(items, byClient, limits.maxTypeDepth);
  if (!depths.ok) return depths;
  const cost = ownCompetition(items) + Math.ceil(update.length / 64);
  if (cost > limits.maxCost) return { ok: false, code: 'too_costly', message: 'update too costly to integrate' };
  return { ok: true };
}
