// The oracle of the revert property tests (SPEC [A7], [A8]): built only from the document's JSON
// before and after each step (never from the revert planner). A ledger records every step's
// effect as writes by a run (an AI run, a person's edit, a revert); after a revert, `checkRevert`
// says whether every value the run set is gone or reported, and whether nobody else's value changed.
import { expect } from 'vitest';
import type * as Y from 'yjs';
import type { RevertOutcome } from '../history/revert.ts';

type Json = Record<string, Record<string, unknown>>;
export interface Snapshot { entries: Json; notes: string }
export interface Write { run: string; item: string; field: string | null; before: unknown; after: unknown }

/** Every step's effect, and who owns each token of the notes (`[…]`). */
export interface Ledger {
  writes: Write[];
  tokenOwner: Map<string, string>;
  /** A token a run deleted, by that run. */
  tokenCutBy: Map<string, string>;
}

export function newLedger(): Ledger {
  return { writes: [], tokenOwner: new Map(), tokenCutBy: new Map() };
}

export function snapshot(doc: Y.Doc): Snapshot {
  const entries: Json = {};
  for (const root of ['activities', 'messages'] as const) {
    for (const m of doc.getArray<Y.Map<unknown>>(root).toArray()) {
      const json = m.toJSON() as Record<string, unknown>;
      entries[`${root}/${String(json['id'])}`] = json;
    }
  }
  return { entries, notes: doc.getText('notes').toString() };
}

export function diff(run: string, a: Snapshot, b: Snapshot): Write[] {
  const out: Write[] = [];
  for (const [item, json] of Object.entries(b.entries)) {
    const old = a.entries[item];
    if (!old) {
      out.push({ run, item, field: null, before: null, after: json });
      continue;
    }
    for (const k of new Set([...Object.keys(old), ...Object.keys(json)])) {
      if (JSON.stringify(old[k]) !== JSON.stringify(json[k])) out.push({ run, item, field: k, before: old[k] ?? null, after: json[k] ?? null });
    }
  }
  for (const [item, json] of Object.entries(a.entries)) if (!b.entries[item]) out.push({ run, item, field: null, before: json, after: null });
  return out;
}

export const tokens = (notes: string) => new Set(notes.match(/\[[^\]]+\]/g) ?? []);

export function findMap(doc: Y.Doc, id: string): Y.Map<unknown> | undefined {
  return doc.getArray<Y.Map<unknown>>('activities').toArray().find((m) => m.get('id') === id);
}

type Done = Extract<RevertOutcome, { status: 'done' }>;

/** After reverting run `r` (from `before` to `after`): the run's values are gone or reported, others' stay. */
export function checkRevert(r: string, ledger: Ledger, before: Snapshot, after: Snapshot, res: Done): void {
  const log = ledger.writes;
  const reported = (item: string, field: string | null) => [...res.conflicts, ...res.needsOwner].some((c) => `${c.root}/${c.itemId}` === item && (field === null || c.field === field || c.field === null));
  const lastWriter = new Map<string, string>();
  for (const w of log) lastWriter.set(`${w.item}|${w.field ?? ''}`, w.run);
  const created = new Set(log.filter((w) => w.run === r && w.field === null && w.before === null).map((w) => w.item));
  const touchedByOthers = (item: string) => log.some((w) => w.item === item && w.run !== r && w.field !== null && log.findIndex((x) => x.item === item && x.run === r && x.field === null) < log.indexOf(w));
  const runFields = new Map<string, Write>();
  for (const w of log) if (w.run === r && w.field !== null && !created.has(w.item) && !runFields.has(`${w.item}|${w.field}`)) runFields.set(`${w.item}|${w.field}`, w);
  // Every value the run set is gone (back to what was there before the run) or reported.
  for (const [key, first] of runFields) {
    const [item, field] = key.split('|') as [string, string];
    if (!before.entries[item] || !after.entries[item]) continue;
    const now = after.entries[item][field] ?? null;
    if (lastWriter.get(key) === r) {
      if (!reported(item, field)) expect({ key, now }).toEqual({ key, now: first.before });
    } else {
      // A later writer's value: left alone, and reported.
      expect({ key, now }).toEqual({ key, now: before.entries[item][field] ?? null });
      expect({ key, reported: reported(item, field) }).toEqual({ key, reported: true });
    }
  }
  for (const item of created) {
    if (!before.entries[item]) continue;
    if (touchedByOthers(item)) {
      expect({ item, present: !!after.entries[item], reported: reported(item, null) }).toEqual({ item, present: true, reported: true });
    } else if (!reported(item, null)) {
      expect({ item, present: !!after.entries[item] }).toEqual({ item, present: false });
    }
  }
  // No one else's value changed.
  for (const [item, json] of Object.entries(before.entries)) {
    if (created.has(item) || !after.entries[item]) continue;
    for (const [field, value] of Object.entries(json)) {
      if (runFields.has(`${item}|${field}`)) continue;
      expect({ item, field, value: after.entries[item][field] }).toEqual({ item, field, value });
    }
  }
  // Entries nobody asked to remove are still there.
  for (const item of Object.keys(before.entries)) if (!created.has(item)) expect({ item, present: !!after.entries[item] }).toEqual({ item, present: true });
  // Notes: the run's text is gone, everyone else's stays.
  const now = tokens(after.notes);
  for (const t of tokens(before.notes)) {
    const mine = ledger.tokenOwner.get(t) === r;
    expect({ t, present: now.has(t) }).toEqual({ t, present: !mine });
  }
  // Text the run deleted is back, unless the characters around it are gone too (reported).
  const textConflict = res.conflicts.some((c) => c.root === 'notes');
  for (const [t, by] of ledger.tokenCutBy) {
    if (by !== r || tokens(before.notes).has(t)) continue;
    expect({ t, back: now.has(t) || textConflict }).toEqual({ t, back: true });
  }
}
