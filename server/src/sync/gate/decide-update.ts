// The CRDT permission gate (SPEC [P1]–[P6], [P8]–[P10]): decide a decoded update against the
// member's role, the collaboration's policy and the content rules, before it is integrated, and
// derive the domain events it would produce.
import * as Y from 'yjs';
import { activityTransition, ActivityStatus, decide, ID_PATTERN } from '@trellis/schema';
import type { ActionName, DocEvent, PolicyOverrides, Role } from '@trellis/schema';
import type { DecodedUpdate, NewItem } from './decoded-update.ts';
import { docStruct, idKey, newItemAt, placementOf } from './decoded-update.ts';
import type { ClientOwners } from './client-owners.ts';
import { timestampProblem } from './timestamps.ts';

export interface Writer {
  userId: string;
  role: Role;
  policy: PolicyOverrides;
  /** Who introduced which client id while the document is loaded ([P11]); none: not checked. */
  owners?: ClientOwners;
}

type Decision = { ok: true; events: DocEvent[]; roots: string[] } | { ok: false; code: 'forbidden' | 'bad_request'; message: string };

/** `scanned`: list items of the document read to decide (the id uniqueness check), work the estimate cannot see. */
export type Decided = Decision & { scanned: number };

const WRITABLE_ROOTS = new Set(['messages', 'activities', 'notes']);
const LIST_ROOTS = new Set(['messages', 'activities']);
/** Every key an entry may carry when a person creates it ([P9]: no unknown keys). */
const MESSAGE_KEYS = new Set(['id', 'authorId', 'body', 'createdAt', 'kind']);
const ACTIVITY_KEYS = new Set(['id', 'title', 'status', 'proposedBy', 'createdAt', 'at', 'notes', 'cancelReason', 'updatedAt']);
const MESSAGE_EDITABLE = new Set(['body']);
const ACTIVITY_EDITABLE = new Set(['title', 'notes', 'at', 'status', 'updatedAt', 'cancelReason']);
const REQUIRED = new Set(['id', 'title', 'status', 'body', 'authorId', 'kind', 'createdAt']);
const STATUS_ACTION: Record<ActivityStatus, ActionName> = {
  proposed: 'proposeActivity', scheduled: 'scheduleActivity', done: 'completeActivity', cancelled: 'cancelActivity',
};

class Refusal extends Error {
  constructor(readonly code: 'forbidden' | 'bad_request', message: string) {
    super(message);
  }
}

function checkTimestamp(value: string, now: number, field: string): void {
  const problem = timestampProblem(value, now, field);
  if (problem) throw new Refusal('bad_request', problem);
}

function requireAllowed(w: Writer, action: ActionName): void {
  const d = decide(w.role, action, w.policy);
  if (d === 'deny') throw new Refusal('forbidden', `${w.role}s may not ${action}`);
  if (d === 'approval') throw new Refusal('forbidden', `${action} needs the owner's approval for ${w.role}s: use the action API`);
}

type Primitive = string | number | boolean | null;

/** An entry of `messages` / `activities`: in the document, or created by this update. */
interface Entry {
  root: string;
  /** Its map in the document (null when new). */
  map: Y.Map<unknown> | null;
  item: Y.Item | NewItem;
}

function isPrimitive(v: unknown): v is Primitive {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/** A field value carried by a new item: a primitive, or `undefined` for deleted content. */
function fieldValue(n: NewItem): Primitive | undefined {
  const c = n.item.content;
  if (c instanceof Y.ContentDeleted) return undefined;
  if (c instanceof Y.ContentAny && c.arr.length === 1 && isPrimitive(c.arr[0])) return c.arr[0];
  throw new Refusal('bad_request', 'field values must be plain data');
}

export function decideUpdate(doc: Y.Doc, u: DecodedUpdate, w: Writer, now = Date.now()): Decided {
  const work = { scanned: 0 };
  try {
    return { ...run(doc, u, w, now, work), scanned: work.scanned };
  } catch (err) {
    if (err instanceof Refusal) return { ok: false, code: err.code, message: err.message, scanned: work.scanned };
    throw err;
  }
}

function run(doc: Y.Doc, u: DecodedUpdate, w: Writer, now: number, work: { scanned: number }): Decision {
  if (u.newItems.length === 0 && u.newGc.length === 0 && u.deletesExisting.length === 0) return { ok: true, events: [], roots: [] };
  if (w.role === 'viewer') throw new Refusal('forbidden', 'viewers may not edit');
  const roots = new Set<string>();
  const entries = new Map<string, Entry>();
  const entryOf = (id: Y.ID): Entry | null => {
    const k = idKey(id);
    const known = entries.get(k);
    if (known) return known;
    const inDoc = docStruct(doc, id);
    // Inside an entry someone already removed: integrates as garbage, no visible effect.
    if (inDoc instanceof Y.Item && inDoc.deleted) return null;
    let entry: Entry | null = null;
    if (inDoc instanceof Y.Item && inDoc.id.clock === id.clock && inDoc.content instanceof Y.ContentType && inDoc.content.type instanceof Y.Map) {
      const p = placementOf(inDoc);
      if (p.kind === 'root' && LIST_ROOTS.has(p.name) && inDoc.parentSub === null) entry = { root: p.name, map: inDoc.content.type as Y.Map<unknown>, item: inDoc };
    } else if (!inDoc) {
      const n = newItemAt(u, id);
      if (n && n.item.id.clock === id.clock && n.item.content instanceof Y.ContentType && n.item.content.type instanceof Y.Map && n.placement.kind === 'root' && LIST_ROOTS.has(n.placement.name) && n.sub === null) {
        entry = { root: n.placement.name, map: null, item: n };
      }
    }
    if (!entry) throw new Refusal('bad_request', 'nested structures are not allowed');
    entries.set(k, entry);
    return entry;
  };

  const newEntries: Entry[] = [];
  /** entry key → field → the new items setting it. */
  const sets = new Map<string, Map<string, NewItem[]>>();
  /** entry key → fields whose current value this update deletes. */
  const unsets = new Map<string, Set<string>>();
  const removedEntries = new Set<Entry>();

  for (const n of u.newItems) {
    const p = n.placement;
    if (p.kind === 'gc') continue; // integrates as garbage: no content, no position
    const c = n.item.content;
    if (p.kind === 'root') {
      roots.add(p.name);
      if (!WRITABLE_ROOTS.has(p.name)) throw new Refusal('forbidden', `root "${p.name}" is not writable`);
      if (n.sub !== null) throw new Refusal('bad_request', `${p.name} must be a ${p.name === 'notes' ? 'text' : 'list'}`);
      if (p.name === 'notes') {
        if (!(c instanceof Y.ContentString) && !(c instanceof Y.ContentDeleted)) throw new Refusal('bad_request', 'notes must be plain text');
        continue;
      }
      if (c instanceof Y.ContentDeleted) continue;
      if (!(c instanceof Y.ContentType) || !(c.type instanceof Y.Map)) throw new Refusal('bad_request', 'list entries must be maps');
      const entry = entryOf(n.item.id);
      if (entry && !n.deadOnArrival) newEntries.push(entry);
      continue;
    }
    const entry = entryOf(p.entry);
    if (!entry) continue;
    roots.add(entry.root);
    if (n.sub === null) throw new Refusal('bad_request', 'entries must be maps');
    const value = fieldValue(n); // refuses nested or non-primitive values
    void value;
    const k = idKey(p.entry);
    const m = sets.get(k) ?? new Map<string, NewItem[]>();
    // Appended in place: copying the list per value made many values for one field quadratic.
    const values = m.get(n.sub);
    if (values) values.push(n);
    else m.set(n.sub, [n]);
    sets.set(k, m);
  }

  for (const item of u.deletesExisting) {
    const p = placementOf(item);
    if (p.kind === 'gc') continue;
    if (p.kind === 'root') {
      roots.add(p.name);
      if (!WRITABLE_ROOTS.has(p.name)) throw new Refusal('forbidden', `root "${p.name}" is not writable`);
      if (p.name === 'notes') continue;
      if (item.parentSub !== null) throw new Refusal('bad_request', `${p.name} must be a list`);
      const removed = entryOf(item.id);
      if (removed) removedEntries.add(removed);
      continue;
    }
    const entry = entryOf(p.entry);
    if (!entry) continue;
    roots.add(entry.root);
    if (item.parentSub === null) throw new Refusal('bad_request', 'entries must be maps');
    const k = idKey(p.entry);
    const s = unsets.get(k) ?? new Set<string>();
    s.add(item.parentSub);
    unsets.set(k, s);
  }

  for (const entry of removedEntries) {
    if (entry.root === 'activities') {
      if (w.role !== 'owner') throw new Refusal('forbidden', 'only owners may delete activities');
    } else if (entry.map?.get('authorId') !== w.userId) throw new Refusal('forbidden', 'only its author may delete a message');
  }

  const events: DocEvent[] = [];
  const takenIds = new Map<string, Set<string>>();
  const idsOf = (root: string): Set<string> => {
    let ids = takenIds.get(root);
    if (!ids) {
      ids = new Set<string>();
      // Every item of the list, removed ones too, is walked: in a large document this is the
      // costliest part of deciding a new entry, so it is counted ([H6]).
      for (let item = doc.getArray<unknown>(root)._start; item !== null; item = item.right) {
        work.scanned++;
        const c = item.content;
        if (!item.deleted && c instanceof Y.ContentType && c.type instanceof Y.Map) ids.add(String(c.type.get('id')));
      }
      takenIds.set(root, ids);
    }
    return ids;
  };
  for (const entry of newEntries) {
    const fields = sets.get(idKey((entry.item as NewItem).item.id)) ?? new Map<string, NewItem[]>();
    const json: Record<string, Primitive> = {};
    for (const [k, candidates] of fields) {
      const v = winner(candidates);
      if (v !== undefined) json[k] = v;
    }
    const ids = idsOf(entry.root);
    events.push(entry.root === 'messages' ? checkNewMessage(json, w, now) : checkNewActivity(json, w, now));
    const id = String(json.id);
    if (ids.has(id)) throw new Refusal('bad_request', `an entry with id "${id}" already exists`);
    ids.add(id);
  }

  const edited = new Set([...sets.keys(), ...unsets.keys()]);
  for (const k of edited) {
    const entry = entries.get(k)!;
    if (!entry.map) continue; // a new entry: checked whole above
    const item = entry.item as Y.Item;
    if (item.deleted || removedEntries.has(entry)) continue; // no visible effect / decided as a removal
    const keys = new Set([...(sets.get(k)?.keys() ?? []), ...(unsets.get(k) ?? [])]);
    const next = (key: string): Primitive | undefined => {
      const candidates = sets.get(k)?.get(key);
      return candidates ? winner(candidates) : undefined;
    };
    const e = entry.root === 'messages' ? checkMessageEdit(entry.map, keys, next, w) : checkActivityEdit(entry.map, keys, next, w, now);
    if (e) events.push(e);
  }
  return { ok: true, events, roots: [...roots] };
}

/** The value a set of concurrent writes to one key ends with: the one no other overrides. */
function winner(candidates: NewItem[]): Primitive | undefined {
  const live = candidates.filter((c) => !c.deadOnArrival);
  if (live.length === 0) return undefined;
  const overridden = new Set<string>();
  for (const c of live) if (c.item.origin) overridden.add(idKey(c.item.origin));
  const last = live.filter((c) => !overridden.has(idKey(c.item.id)));
  if (last.length !== 1) throw new Refusal('bad_request', 'conflicting values for one field');
  return fieldValue(last[0]!);
}

function requireId(json: Record<string, Primitive>): void {
  if (typeof json.id !== 'string' || !ID_PATTERN.test(json.id)) throw new Refusal('bad_request', 'an entry needs an id of 1-64 letters, digits, _ or -');
}

function requireKnownKeys(json: Record<string, Primitive>, allowed: Set<string>, what: string): void {
  for (const k of Object.keys(json)) if (!allowed.has(k)) throw new Refusal('bad_request', `${what} field "${k}" is not allowed`);
}

function checkNewMessage(json: Record<string, Primitive>, w: Writer, now: number): DocEvent {
  requireKnownKeys(json, MESSAGE_KEYS, 'message');
  requireId(json);
  if (typeof json.body !== 'string' || typeof json.createdAt !== 'string' || typeof json.authorId !== 'string') throw new Refusal('bad_request', 'malformed message');
  if (json.authorId !== w.userId) throw new Refusal('forbidden', 'a message must be authored by its writer');
  if (json.kind !== 'user') throw new Refusal('forbidden', 'people write messages of kind "user"');
  checkTimestamp(json.createdAt, now, 'createdAt');
  requireAllowed(w, 'sendMessage');
  return { type: 'messageCreated', messageId: json.id as string, authorId: json.authorId, body: json.body, kind: json.kind };
}

function checkNewActivity(json: Record<string, Primitive>, w: Writer, now: number): DocEvent {
  requireKnownKeys(json, ACTIVITY_KEYS, 'activity');
  requireId(json);
  if (typeof json.title !== 'string' || json.title.trim() === '') throw new Refusal('bad_request', 'an activity needs a title');
  const status = ActivityStatus.safeParse(json.status);
  if (!status.success) throw new Refusal('bad_request', 'invalid activity status');
  if (json.proposedBy !== w.userId) throw new Refusal('forbidden', 'an activity must be proposed by its writer');
  if (typeof json.createdAt !== 'string') throw new Refusal('bad_request', 'an activity needs createdAt');
  checkTimestamp(json.createdAt, now, 'createdAt');
  for (const k of ['at', 'notes', 'cancelReason', 'updatedAt'] as const) {
    if (json[k] !== undefined && typeof json[k] !== 'string') throw new Refusal('bad_request', `activity field "${k}" must be text`);
  }
  if (typeof json.updatedAt === 'string') checkTimestamp(json.updatedAt, now, 'updatedAt');
  requireAllowed(w, 'proposeActivity');
  if (status.data !== 'proposed') requireAllowed(w, STATUS_ACTION[status.data]);
  // A time and a cancel reason are set only by scheduling and cancelling, on a new activity too.
  if (json.at !== undefined) requireAllowed(w, 'scheduleActivity');
  if (json.cancelReason !== undefined) requireAllowed(w, 'cancelActivity');
  return { type: 'activityCreated', activityId: json.id as string, title: json.title };
}

function checkMessageEdit(map: Y.Map<unknown>, keys: Set<string>, next: (k: string) => Primitive | undefined, w: Writer): DocEvent | null {
  if (map.get('authorId') !== w.userId) throw new Refusal('forbidden', 'only its author may change a message');
  for (const k of keys) if (!MESSAGE_EDITABLE.has(k)) throw new Refusal('forbidden', `message field "${k}" cannot be changed`);
  if (typeof next('body') !== 'string') throw new Refusal('bad_request', 'message body must be text');
  return null;
}

function checkActivityEdit(map: Y.Map<unknown>, keys: Set<string>, next: (k: string) => Primitive | undefined, w: Writer, now: number): DocEvent | null {
  for (const k of keys) {
    if (!ACTIVITY_EDITABLE.has(k)) throw new Refusal('forbidden', `activity field "${k}" cannot be changed`);
    const v = next(k);
    if (v === undefined ? REQUIRED.has(k) : typeof v !== 'string') throw new Refusal('bad_request', `activity field "${k}" must be text`);
  }
  if (keys.has('title') && String(next('title')).trim() === '') throw new Refusal('bad_request', 'an activity needs a title');
  if (keys.has('updatedAt') && next('updatedAt') !== undefined) checkTimestamp(String(next('updatedAt')), now, 'updatedAt');
  if (keys.has('at')) requireAllowed(w, 'scheduleActivity');
  // Only cancelling sets a cancel reason (a repeated cancel keeps the new one, [G5]); reopening
  // (a status step away from cancelled, checked below) clears it.
  const clearedByStep = next('cancelReason') === undefined && keys.has('status') && next('status') !== 'cancelled';
  if (keys.has('cancelReason') && !clearedByStep) requireAllowed(w, 'cancelActivity');
  if (!keys.has('status')) return null;
  const to = ActivityStatus.safeParse(next('status'));
  if (!to.success) throw new Refusal('bad_request', 'invalid activity status');
  const from = ActivityStatus.safeParse(map.get('status'));
  if (from.success && from.data === to.data) return null;
  // The shared state machine ([G5]): e.g. cancelled → scheduled only as reopenActivity.
  const step = activityTransition(from.success ? from.data : null, to.data);
  if (!step.ok) throw new Refusal('bad_request', step.message);
  requireAllowed(w, step.action);
  return { type: 'activityStatusChanged', activityId: String(map.get('id')), title: String(map.get('title') ?? ''), from: from.success ? from.data : null, to: to.data };
}

