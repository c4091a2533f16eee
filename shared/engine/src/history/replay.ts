// Replaying a document's stored history (SPEC [A2], [A5]): the state it starts from, then each
// attributed update in its own transaction, reading what it changed from Yjs events — entries
// created or deleted, fields set (with the value before), text inserted or deleted in the notes
// (with the Yjs ids of what was inserted, so a revert can remove exactly that text). Replays are
// incremental: a later call applies only the updates stored since.
import * as Y from 'yjs';
import type { Attribution } from '@trellis/schema';
import type { DocHistory } from '@trellis/store';

export type HistoryRoot = 'messages' | 'activities' | 'notes';

/** One change, in the shape the history API serves (`field` null: the entry itself). */
export interface Change {
  root: HistoryRoot;
  itemId: string | null;
  field: string | null;
  before: unknown;
  after: unknown;
}

/** A change with what the replay knows beyond its JSON form. */
export interface ReplayedChange extends Change {
  kind: 'created' | 'deleted' | 'field' | 'text';
  /** The entry's title (activities) or body (messages) at the time, for summaries. */
  label: string | null;
  /** Notes: ids of the inserted text (client, first clock, length). */
  inserted?: { client: number; clock: number; length: number }[];
  /** Notes: each stretch of deleted text with the ids of the characters around it then. */
  removed?: RemovedText[];
}

export interface CharId {
  client: number;
  clock: number;
}

export interface RemovedText {
  text: string;
  left: CharId | null;
  right: CharId | null;
}

export interface ReplayedUpdate {
  seq: number;
  at: number | null;
  attribution: Attribution | null;
  changes: ReplayedChange[];
}

interface Mirror {
  root: HistoryRoot;
  json: Record<string, unknown>;
}

const ENTRY_ROOTS = ['messages', 'activities'] as const;

function labelOf(json: Record<string, unknown>): string | null {
  const v = json['title'] ?? json['body'];
  return typeof v === 'string' ? v : null;
}

function idOf(json: Record<string, unknown>): string | null {
  return typeof json['id'] === 'string' ? json['id'] : null;
}

/** Every this many updates the replay keeps the state, so a view of the past applies at most this
 *  many updates on top of one (SPEC [A6]). */
export const CHECKPOINT_EVERY = 500;
/** Memory the checkpoints of one replay may hold; past it, views of the past apply more updates. */
export const CHECKPOINT_BYTES = 16 * 1024 * 1024;

export class HistoryReplay {
  readonly doc = new Y.Doc();
  readonly updates: ReplayedUpdate[] = [];
  /** States after every CHECKPOINT_EVERY-th update, in order. */
  readonly checkpoints: { seq: number; state: Uint8Array }[] = [];
  baseSeq = 0;
  lastSeq = 0;
  private readonly mirror = new WeakMap<object, Mirror>();
  private pending: ReplayedChange[] = [];
  private checkpointBytes = 0;

  constructor(history: DocHistory) {
    this.baseSeq = history.baseSeq;
    this.lastSeq = history.baseSeq;
    if (history.base) Y.applyUpdate(this.doc, history.base);
    for (const root of ENTRY_ROOTS) {
      const arr = this.doc.getArray<unknown>(root);
      for (const m of arr) if (m instanceof Y.Map) this.mirror.set(m, { root, json: m.toJSON() as Record<string, unknown> });
      arr.observeDeep((events) => this.onEntries(root, arr, events));
    }
    const notes = this.doc.getText('notes');
    notes.observe((e) => this.onNotes(e));
    this.extend(history);
  }

  /** Apply the updates of `history` stored after what this replay has seen. False when the
   *  history no longer continues this replay (its start moved): build a new one. */
  extend(history: DocHistory): boolean {
    if (history.baseSeq !== this.baseSeq) return false;
    for (const u of history.updates) {
      if (u.seq <= this.lastSeq) continue;
      this.pending = [];
      Y.applyUpdate(this.doc, u.data);
      this.updates.push({ seq: u.seq, at: u.at, attribution: u.attribution, changes: this.pending });
      this.lastSeq = u.seq;
      if (this.updates.length % CHECKPOINT_EVERY === 0 && this.checkpointBytes < CHECKPOINT_BYTES) {
        const state = Y.encodeStateAsUpdate(this.doc);
        this.checkpointBytes += state.byteLength;
        this.checkpoints.push({ seq: u.seq, state });
      }
    }
    this.pending = [];
    return true;
  }

  private onEntries(root: HistoryRoot, arr: Y.Array<unknown>, events: Y.YEvent<Y.AbstractType<unknown>>[]): void {
    for (const e of events) {
      if (e.target === arr) {
        for (const item of e.changes.deleted) {
          const t = (item.content as Y.ContentType).type;
          const m = t instanceof Y.Map ? this.mirror.get(t) : undefined;
          if (!m) continue;
          this.pending.push({ root, itemId: idOf(m.json), field: null, before: m.json, after: null, kind: 'deleted', label: labelOf(m.json) });
        }
        for (const item of e.changes.added) {
          const t = (item.content as Y.ContentType).type;
          if (!(t instanceof Y.Map)) continue;
          const json = t.toJSON() as Record<string, unknown>;
          this.mirror.set(t, { root, json });
          this.pending.push({ root, itemId: idOf(json), field: null, before: null, after: json, kind: 'created', label: labelOf(json) });
        }
      } else if (e.target instanceof Y.Map) {
        const t = e.target as Y.Map<unknown>;
        const m = this.mirror.get(t) ?? { root, json: {} };
        const json = { ...m.json };
        for (const [key] of e.changes.keys) {
          const before = m.json[key] ?? null;
          const after = t.has(key) ? (t.get(key) as unknown) : null;
          if (after === null) delete json[key];
          else json[key] = after;
          this.pending.push({ root, itemId: idOf(json) ?? idOf(m.json), field: key, before, after, kind: 'field', label: labelOf(json) });
        }
        this.mirror.set(t, { root, json });
      }
    }
  }

  private onNotes(e: Y.YTextEvent): void {
    let insertedText = '';
    let deletedText = '';
    const inserted: { client: number; clock: number; length: number }[] = [];
    const removed: RemovedText[] = [];
    let open: RemovedText | null = null;
    let prev: Y.Item | null = null;
    // A text event's `changes` has no item sets: walk the text for what this transaction added or
    // deleted (in document order), keeping each deleted stretch with the characters around it.
    for (let item = e.target._start; item !== null; item = item.right) {
      const deleting = item.content instanceof Y.ContentString && !e.adds(item) && e.deletes(item);
      if (deleting) {
        const str = (item.content as Y.ContentString).str;
        deletedText += str;
        if (open) open.text += str;
        else {
          open = { text: str, left: prev ? { client: prev.id.client, clock: prev.id.clock + prev.length - 1 } : null, right: null };
          removed.push(open);
        }
      } else {
        if (open) open.right = { client: item.id.client, clock: item.id.clock };
        open = null;
        if (item.content instanceof Y.ContentString && e.adds(item) && !item.deleted) {
          insertedText += item.content.str;
          inserted.push({ client: item.id.client, clock: item.id.clock, length: item.length });
        }
      }
      prev = item;
    }
    if (insertedText === '' && deletedText === '') return;
    this.pending.push({ root: 'notes', itemId: null, field: 'text', before: deletedText, after: insertedText, kind: 'text', label: null, inserted, removed });
  }
}

/** The collaboration as it was after the history's updates up to `uptoSeq` (or stored at or before
 *  `at` ms): its JSON roots. Updates stored before history was kept have no time and count as
 *  earlier than any. */
export function stateAt(
  history: DocHistory, until: { seq?: number; at?: number }, checkpoints: readonly { seq: number; state: Uint8Array }[] = [],
): { messages: unknown[]; activities: unknown[]; notes: string; seq: number } {
  const doc = new Y.Doc();
  let seq = history.baseSeq;
  // The target: the last update inside the bound; then start from the latest checkpoint before it.
  let target = history.baseSeq;
  for (const u of history.updates) {
    if (until.seq !== undefined && u.seq > until.seq) break;
    if (until.at !== undefined && u.at !== null && u.at > until.at) break;
    target = u.seq;
  }
  let from: { seq: number; state: Uint8Array } | null = null;
  for (const c of checkpoints) if (c.seq <= target && c.seq > history.baseSeq) from = c;
  try {
    doc.transact(() => {
      if (from) {
        Y.applyUpdate(doc, from.state);
        seq = from.seq;
      } else if (history.base) Y.applyUpdate(doc, history.base);
      for (const u of history.updates) {
        if (from && u.seq <= from.seq) continue;
        if (until.seq !== undefined && u.seq > until.seq) break;
        if (until.at !== undefined && u.at !== null && u.at > until.at) break;
        Y.applyUpdate(doc, u.data);
        seq = u.seq;
      }
    });
    return { messages: doc.getArray('messages').toJSON(), activities: doc.getArray('activities').toJSON(), notes: doc.getText('notes').toString(), seq };
  } finally {
    doc.destroy();
  }
}
