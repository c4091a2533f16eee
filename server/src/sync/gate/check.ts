// The CRDT permission gate (SPEC [P1]–[P6]): given what a transaction did and who did it, decide
// whether it is allowed, and derive the domain events it produced.
import * as Y from 'yjs';
import { Activity, ActivityStatus, decide, Message } from '@trellis/schema';
import type { ActionName, DocEvent, PolicyOverrides, Role } from '@trellis/schema';
import { aliveBefore, deletedItems, insertedInTr, insertedItems, locate, valueBefore } from './transaction-view.ts';

export interface Writer {
  userId: string;
  role: Role;
  policy: PolicyOverrides;
}

export type GateResult = { ok: true; events: DocEvent[]; roots: string[] } | { ok: false; code: 'forbidden' | 'bad_request'; message: string };

const WRITABLE_ROOTS = new Set(['messages', 'activities', 'notes']);
const MESSAGE_EDITABLE = new Set(['body']);
const ACTIVITY_EDITABLE = new Set(['title', 'notes', 'at', 'status', 'updatedAt', 'cancelReason']);
const STATUS_ACTION: Record<ActivityStatus, ActionName> = {
  proposed: 'proposeActivity', scheduled: 'scheduleActivity', done: 'completeActivity', cancelled: 'cancelActivity',
};

class Refusal extends Error {
  constructor(readonly code: 'forbidden' | 'bad_request', message: string) {
    super(message);
  }
}

function requireAllowed(w: Writer, action: ActionName): void {
  const d = decide(w.role, action, w.policy);
  if (d === 'deny') throw new Refusal('forbidden', `${w.role}s may not ${action}`);
  if (d === 'approval') throw new Refusal('forbidden', `${action} needs the owner's approval for ${w.role}s: use the action API`);
}

function mapOf(item: Y.Item): Y.Map<unknown> {
  const c = item.content;
  if (c instanceof Y.ContentType && c.type instanceof Y.Map) return c.type as Y.Map<unknown>;
  throw new Refusal('bad_request', 'list entries must be maps');
}

export function checkTransaction(tr: Y.Transaction, w: Writer): GateResult {
  try {
    const inserted = insertedItems(tr);
    const deleted = deletedItems(tr);
    if (inserted.length === 0 && deleted.length === 0) return { ok: true, events: [], roots: [] };
    if (w.role === 'viewer') throw new Refusal('forbidden', 'viewers may not edit');
    const events: DocEvent[] = [];
    const newEntries = new Set<Y.Item>();
    const editedFields = new Map<Y.Item, Set<string>>();
    const roots = new Set<string>();
    for (const item of [...inserted, ...deleted]) {
      const { root, depth, top } = locate(item);
      roots.add(root);
      if (!WRITABLE_ROOTS.has(root)) throw new Refusal('forbidden', `root "${root}" is not writable`);
      if (root === 'notes') {
        if (depth !== 0 || item.parentSub !== null) throw new Refusal('bad_request', 'notes must be text');
        continue;
      }
      if (depth === 0) {
        if (item.parentSub !== null) throw new Refusal('bad_request', `${root} must be a list`);
        if (insertedInTr(tr, item)) {
          if (!item.deleted) newEntries.add(item);
        } else if (root === 'activities') {
          if (w.role !== 'owner') throw new Refusal('forbidden', 'only owners may delete activities');
        } else {
          const author = valueBefore(tr, mapOf(item), 'authorId');
          if (author !== w.userId) throw new Refusal('forbidden', 'only its author may delete a message');
        }
        continue;
      }
      if (depth > 1 || top === null || item.parentSub === null) throw new Refusal('bad_request', 'nested structures are not allowed');
      if (item.content instanceof Y.ContentType) throw new Refusal('bad_request', 'field values must be plain data');
      if (insertedInTr(tr, top)) continue; // a field of a new entry: checked with the entry
      const keys = editedFields.get(top) ?? new Set<string>();
      keys.add(item.parentSub);
      editedFields.set(top, keys);
    }
    for (const entry of newEntries) events.push(checkNewEntry(entry, w));
    for (const [entry, keys] of editedFields) {
      if (entry.deleted) continue;
      const e = checkFieldEdits(tr, entry, keys, w);
      if (e) events.push(e);
    }
    return { ok: true, events, roots: [...roots] };
  } catch (err) {
    if (err instanceof Refusal) return { ok: false, code: err.code, message: err.message };
    throw err;
  }
}

function checkNewEntry(entry: Y.Item, w: Writer): DocEvent {
  const { root } = locate(entry);
  const json = mapOf(entry).toJSON();
  if (root === 'messages') {
    const m = Message.safeParse(json);
    if (!m.success) throw new Refusal('bad_request', 'malformed message');
    if (m.data.authorId !== w.userId) throw new Refusal('forbidden', 'a message must be authored by its writer');
    if (m.data.kind !== 'user') throw new Refusal('forbidden', 'people write messages of kind "user"');
    requireAllowed(w, 'sendMessage');
    return { type: 'messageCreated', messageId: m.data.id, authorId: m.data.authorId, body: m.data.body, kind: m.data.kind };
  }
  const a = Activity.safeParse(json);
  if (!a.success) throw new Refusal('bad_request', 'malformed activity');
  requireAllowed(w, 'proposeActivity');
  if (a.data.status !== 'proposed') requireAllowed(w, STATUS_ACTION[a.data.status]);
  return { type: 'activityCreated', activityId: a.data.id, title: a.data.title };
}

function checkFieldEdits(tr: Y.Transaction, entry: Y.Item, keys: Set<string>, w: Writer): DocEvent | null {
  const { root } = locate(entry);
  const map = mapOf(entry);
  if (!aliveBefore(tr, entry)) return null;
  if (root === 'messages') {
    if (valueBefore(tr, map, 'authorId') !== w.userId) throw new Refusal('forbidden', 'only its author may change a message');
    for (const k of keys) if (!MESSAGE_EDITABLE.has(k)) throw new Refusal('forbidden', `message field "${k}" cannot be changed`);
    if (typeof map.get('body') !== 'string') throw new Refusal('bad_request', 'message body must be text');
    return null;
  }
  for (const k of keys) if (!ACTIVITY_EDITABLE.has(k)) throw new Refusal('forbidden', `activity field "${k}" cannot be changed`);
  if (keys.has('at')) requireAllowed(w, 'scheduleActivity');
  if (!keys.has('status')) return null;
  const to = ActivityStatus.safeParse(map.get('status'));
  if (!to.success) throw new Refusal('bad_request', 'invalid activity status');
  const from = ActivityStatus.safeParse(valueBefore(tr, map, 'status'));
  if (from.success && from.data === to.data) return null;
  requireAllowed(w, STATUS_ACTION[to.data]);
  return { type: 'activityStatusChanged', activityId: String(map.get('id')), title: String(map.get('title') ?? ''), from: from.success ? from.data : null, to: to.data };
}
