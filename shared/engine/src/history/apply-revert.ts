// Applying a revert plan to the current document, inside one Yjs transaction (or only checking
// it, for a dry run). Each part is checked against what is there now — the stored history can lag
// the live copy — and against what the reverting member may do by hand (SPEC [A8]): the parts
// policy keeps from them are returned for an owner's approval, not applied.
import * as Y from 'yjs';
import { decide, isActionName, lookupEntry } from '@trellis/schema';
import type { PolicyOverrides, Role } from '@trellis/schema';
import { canonicalJson } from '../canonical-json.ts';
import type { RevertConflict, RevertPart } from './plan.ts';
import { partKey } from './plan.ts';
import type { Change, CharId } from './replay.ts';

export interface Reverter {
  userId: string;
  /** The member's role, or 'owner' for parts an owner approved. */
  role: Role;
  policy: PolicyOverrides;
}

export interface Applied {
  reverted: Change[];
  conflicts: RevertConflict[];
  /** Parts the member may not do by hand: for an owner to approve. */
  needsOwner: RevertPart[];
}

const same = (a: unknown, b: unknown) => canonicalJson(a ?? null) === canonicalJson(b ?? null);

/** The action a person would run by hand to set an activity's status to `to`. */
function statusAction(to: unknown): string | null {
  switch (to) {
    case 'scheduled':
      return 'scheduleActivity';
    case 'done':
      return 'completeActivity';
    case 'cancelled':
      return 'cancelActivity';
    case 'proposed':
      return 'reopenActivity';
    default:
      return null;
  }
}

function allowedByHand(part: RevertPart, map: Y.Map<unknown> | null, who: Reverter): boolean {
  if (who.role === 'owner') return true;
  if (who.role === 'viewer') return false;
  switch (part.type) {
    case 'text':
      return true;
    case 'created':
      // [P6] only owners delete activities; [P2] a message only by its author.
      return part.root === 'messages' && map?.get('authorId') === who.userId;
    case 'deleted':
      // Bringing an entry back: an activity as proposing one would; a message only its author's.
      return part.root === 'messages' ? part.json['authorId'] === who.userId : decide(who.role, 'proposeActivity', who.policy) === 'allow';
    case 'field': {
      if (part.root === 'messages') return map?.get('authorId') === who.userId;
      if (part.field !== 'status') return true;
      const action = statusAction(part.before);
      return action !== null && isActionName(action) && decide(who.role, action, who.policy) === 'allow';
    }
    default:
      return false;
  }
}

export function applyRevert(doc: Y.Doc, parts: readonly RevertPart[], who: Reverter, mutate: boolean, only?: ReadonlySet<string>): Applied {
  const out: Applied = { reverted: [], conflicts: [], needsOwner: [] };
  for (const part of parts) {
    if (only && !only.has(partKey(part))) continue;
    if (part.type === 'text') {
      revertText(doc, part, out, mutate);
      continue;
    }
    const list = doc.getArray<Y.Map<unknown>>(part.root);
    const found = lookupEntry(list, part.itemId);
    const map = found.kind === 'found' ? found.map : null;
    if (part.type === 'deleted') {
      if (found.kind !== 'missing') {
        out.conflicts.push({ root: part.root, itemId: part.itemId, field: null, reason: 'exists', runValue: null, current: map?.toJSON() ?? null });
        continue;
      }
      if (!allowedByHand(part, null, who)) {
        out.needsOwner.push(part);
        continue;
      }
      if (mutate) {
        const restored = new Y.Map<unknown>();
        for (const [k, v] of Object.entries(part.json)) restored.set(k, v);
        list.push([restored]);
      }
      out.reverted.push({ root: part.root, itemId: part.itemId, field: null, before: null, after: part.json });
      continue;
    }
    if (!map) {
      // Gone since the history was read (or ambiguous): nothing of the run's is left to undo.
      if (part.type === 'field') out.conflicts.push({ root: part.root, itemId: part.itemId, field: part.field, reason: 'gone', runValue: part.after });
      continue;
    }
    if (part.type === 'field') {
      const current = map.has(part.field) ? map.get(part.field) : null;
      if (!same(current, part.after)) {
        out.conflicts.push({ root: part.root, itemId: part.itemId, field: part.field, reason: 'changed_since', runValue: part.after, current });
        continue;
      }
      if (!allowedByHand(part, map, who)) {
        out.needsOwner.push(part);
        continue;
      }
      if (mutate) {
        if (part.before === null || part.before === undefined) map.delete(part.field);
        else map.set(part.field, part.before);
      }
      out.reverted.push({ root: part.root, itemId: part.itemId, field: part.field, before: part.after, after: part.before ?? null });
      continue;
    }
    // An entry the run created.
    if (!same(map.toJSON(), part.json)) {
      out.conflicts.push({ root: part.root, itemId: part.itemId, field: null, reason: 'edited_since', runValue: part.json, current: map.toJSON() });
      continue;
    }
    if (!allowedByHand(part, map, who)) {
      out.needsOwner.push(part);
      continue;
    }
    if (mutate) {
      const index = list.toArray().indexOf(map);
      if (index >= 0) list.delete(index, 1);
    }
    out.reverted.push({ root: part.root, itemId: part.itemId, field: null, before: part.json, after: null });
  }
  return out;
}

/** Remove the run's inserted text that is still there, found by Yjs item ids. */
function revertText(doc: Y.Doc, part: Extract<RevertPart, { type: 'text' }>, out: Applied, mutate: boolean): void {
  const text = doc.getText('notes');
  const cuts: { index: number; length: number; str: string }[] = [];
  let index = 0;
  for (let item = text._start; item !== null; item = item.right) {
    if (item.deleted || !item.countable) continue;
    const { client, clock } = item.id;
    for (const r of part.ranges) {
      if (r.client !== client) continue;
      const from = Math.max(clock, r.clock);
      const to = Math.min(clock + item.length, r.clock + r.length);
      if (from < to) {
        const str = item.content instanceof Y.ContentString ? item.content.str.slice(from - clock, to - clock) : '';
        cuts.push({ index: index + (from - clock), length: to - from, str });
      }
    }
    index += item.length;
  }
  // Text the run deleted goes back after the character that preceded it (or before the one that
  // followed it), where that character is still there; positions are read before any change.
  const puts: { index: number; text: string }[] = [];
  const current = part.removed.length > 0 ? text.toString() : '';
  for (const r of part.removed) {
    const at = r.left ? charIndex(text, r.left, 1) : r.right ? charIndex(text, r.right, 0) : text.length === 0 ? 0 : null;
    const fallback = r.left && r.right ? charIndex(text, r.right, 0) : null;
    const index = at ?? fallback;
    if (index === null) out.conflicts.push({ root: 'notes', itemId: null, field: 'text', reason: 'gone', runValue: null, current: r.text });
    // Already back there (this run was reverted before): not twice.
    else if (current.slice(index, index + r.text.length) !== r.text) puts.push({ index, text: r.text });
  }
  if (cuts.length === 0 && puts.length === 0) return;
  // A neighbour inside text this revert removes: the restored text goes where that text began.
  for (const p of puts) for (const c of cuts) if (c.index < p.index && p.index < c.index + c.length) p.index = c.index;
  // Apply from the end of the text backwards so earlier positions stay valid.
  const edits = [...cuts.map((c) => ({ index: c.index, del: c.length, ins: '' })), ...puts.map((p) => ({ index: p.index, del: 0, ins: p.text }))]
    .sort((a, b) => b.index - a.index || b.del - a.del);
  if (mutate) {
    for (const e of edits) {
      if (e.del > 0) text.delete(e.index, e.del);
      if (e.ins) text.insert(e.index, e.ins);
    }
  }
  out.reverted.push({ root: 'notes', itemId: null, field: 'text', before: cuts.map((c) => c.str).join(''), after: puts.map((p) => p.text).join('') });
}

/** The index just before (`after` 0) or after (`after` 1) the character with this id, if it is
 *  still in the text (not deleted). */
function charIndex(text: Y.Text, id: CharId, after: 0 | 1): number | null {
  let index = 0;
  for (let item = text._start; item !== null; item = item.right) {
    if (!item.countable) continue;
    if (item.id.client === id.client && id.clock >= item.id.clock && id.clock < item.id.clock + item.length) {
      return item.deleted ? null : index + (id.clock - item.id.clock) + after;
    }
    if (!item.deleted) index += item.length;
  }
  return null;
}
