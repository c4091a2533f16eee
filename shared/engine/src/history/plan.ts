// What undoing a run means, read from the replayed history (SPEC [A7]): every field the run set
// whose last writer is still the run goes back to its value before the run; a field someone else
// changed since is a conflict, left alone; an entry the run created goes only if nobody else
// touched it since; text the run inserted into the notes goes by its Yjs ids.
import type { AttributedActor } from '@trellis/schema';
import { canonicalJson } from '../canonical-json.ts';
import type { HistoryRoot, RemovedText, ReplayedUpdate } from './replay.ts';

/** Which stored changes a revert undoes: one run, or everything one actor did since a time. */
export type RunSelector = { runId: string } | { actor: AttributedActor; since: number };

export type RevertPart =
  | { type: 'field'; root: HistoryRoot; itemId: string; field: string; before: unknown; after: unknown }
  | { type: 'created'; root: HistoryRoot; itemId: string; json: Record<string, unknown> }
  | { type: 'deleted'; root: HistoryRoot; itemId: string; json: Record<string, unknown> }
  | { type: 'text'; ranges: { client: number; clock: number; length: number }[]; removed: RemovedText[] };

export interface RevertConflict {
  root: HistoryRoot;
  itemId: string | null;
  field: string | null;
  reason: 'changed_since' | 'edited_since' | 'gone' | 'exists';
  /** The value the run left. */
  runValue?: unknown;
  /** What is there now. */
  current?: unknown;
  /** Who changed it since, when known from the history. */
  by?: AttributedActor;
}

export interface RevertPlan {
  /** Updates of the run found in the history (0: no such run). */
  updates: number;
  parts: RevertPart[];
  conflicts: RevertConflict[];
}

export function partKey(p: RevertPart): string {
  return p.type === 'text' ? 'text:notes' : `${p.type}:${p.root}/${p.itemId}${p.type === 'field' ? `/${p.field}` : ''}`;
}

export function selects(selector: RunSelector, u: ReplayedUpdate): boolean {
  const a = u.attribution;
  if (!a) return false;
  if ('runId' in selector) return a.runId === selector.runId;
  return a.actor.kind === selector.actor.kind && a.actor.id === selector.actor.id && u.at !== null && u.at >= selector.since;
}

export function planRevert(updates: readonly ReplayedUpdate[], selector: RunSelector): RevertPlan {
  let count = 0;
  const fields = new Map<string, { root: HistoryRoot; itemId: string; field: string; before: unknown; after: unknown }>();
  const lastWriter = new Map<string, { inRun: boolean; by: AttributedActor | null; value: unknown }>();
  const created = new Map<string, { root: HistoryRoot; itemId: string; json: Record<string, unknown>; touchedBy: AttributedActor | null }>();
  const gone = new Set<string>();
  const deletedByRun = new Map<string, { root: HistoryRoot; itemId: string; json: Record<string, unknown> }>();
  const ranges: { client: number; clock: number; length: number }[] = [];
  const removedText: RemovedText[] = [];
  for (const u of updates) {
    const inRun = selects(selector, u);
    if (inRun) count++;
    const by = u.attribution?.actor ?? null;
    for (const c of u.changes) {
      if (c.kind === 'text') {
        if (inRun) {
          ranges.push(...(c.inserted ?? []));
          removedText.push(...(c.removed ?? []));
        }
        continue;
      }
      if (c.itemId === null) continue;
      const entry = `${c.root}/${c.itemId}`;
      const made = created.get(entry);
      if (c.kind === 'created') {
        gone.delete(entry);
        // Re-created since the run deleted it: that entry is someone's now.
        if (!inRun) deletedByRun.delete(entry);
        if (inRun) created.set(entry, { root: c.root, itemId: c.itemId, json: c.after as Record<string, unknown>, touchedBy: null });
        continue;
      }
      if (c.kind === 'deleted') {
        gone.add(entry);
        if (inRun && !made) deletedByRun.set(entry, { root: c.root, itemId: c.itemId, json: c.before as Record<string, unknown> });
        continue;
      }
      // A field. Writing the value that is already there (a refused update's restoration, a
      // repeated write) takes nothing over: the field stays the earlier writer's.
      if (!inRun && canonicalJson(c.before) === canonicalJson(c.after)) continue;
      if (made) {
        // A field the run removed (an `@ai` reply's `streaming` flag) is absent, not null, as in the document.
        if (inRun) made.json = withField(made.json, c.field!, c.after);
        else made.touchedBy ??= by ?? { kind: 'integration', id: 'before-history' };
      }
      const key = `${entry}/${c.field}`;
      lastWriter.set(key, { inRun, by, value: c.after });
      if (inRun && !made) {
        const prev = fields.get(key);
        fields.set(key, { root: c.root, itemId: c.itemId, field: c.field!, before: prev ? prev.before : c.before, after: c.after });
      }
    }
  }
  const parts: RevertPart[] = [];
  const conflicts: RevertConflict[] = [];
  for (const [entry, m] of created) {
    if (gone.has(entry)) continue;
    if (m.touchedBy) conflicts.push({ root: m.root, itemId: m.itemId, field: null, reason: 'edited_since', runValue: m.json, by: m.touchedBy });
    else parts.push({ type: 'created', root: m.root, itemId: m.itemId, json: m.json });
  }
  for (const [key, f] of fields) {
    if (gone.has(`${f.root}/${f.itemId}`)) continue;
    const last = lastWriter.get(key)!;
    if (last.inRun) parts.push({ type: 'field', ...f });
    else conflicts.push({ root: f.root, itemId: f.itemId, field: f.field, reason: 'changed_since', runValue: f.after, current: last.value, ...(last.by ? { by: last.by } : {}) });
  }
  // An entry the run deleted comes back as it was, unless someone re-created it since.
  for (const [entry, d] of deletedByRun) if (gone.has(entry)) parts.push({ type: 'deleted', ...d });
  if (ranges.length > 0 || removedText.length > 0) parts.push({ type: 'text', ranges, removed: removedText });
  return { updates: count, parts, conflicts };
}

function withField(json: Record<string, unknown>, field: string, value: unknown): Record<string, unknown> {
  const { [field]: _old, ...rest } = json;
  return value === null || value === undefined ? rest : { ...rest, [field]: value };
}
