// Typed access to a collaboration's Y.Doc roots, shared by client, server and worker.
// Roots: `messages` Y.Array<Y.Map>, `activities` Y.Array<Y.Map>, `notes` Y.Text.
import * as Y from 'yjs';
import { Activity } from './activity.ts';
import type { ActivityStatus } from './activity.ts';
import { Message } from './message.ts';
import type { MessageKind } from './message.ts';

export const ROOTS = { messages: 'messages', activities: 'activities', notes: 'notes' } as const;
export type RootName = keyof typeof ROOTS;

export function messagesOf(doc: Y.Doc): Y.Array<Y.Map<unknown>> {
  return doc.getArray<Y.Map<unknown>>(ROOTS.messages);
}
export function activitiesOf(doc: Y.Doc): Y.Array<Y.Map<unknown>> {
  return doc.getArray<Y.Map<unknown>>(ROOTS.activities);
}
export function notesOf(doc: Y.Doc): Y.Text {
  return doc.getText(ROOTS.notes);
}

/** Read a Y.Map as a plain object; entries that fail the schema are skipped, never trusted. */
function readMap<T>(map: unknown, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }): T | null {
  if (!(map instanceof Y.Map)) return null;
  const parsed = schema.safeParse(map.toJSON());
  return parsed.success ? parsed.data : null;
}

export function readMessages(doc: Y.Doc): Message[] {
  return messagesOf(doc)
    .toArray()
    .map((m) => readMap(m, Message))
    .filter((m): m is Message => m !== null);
}

export function readActivities(doc: Y.Doc): Activity[] {
  return activitiesOf(doc)
    .toArray()
    .map((m) => readMap(m, Activity))
    .filter((a): a is Activity => a !== null);
}

/** An entry looked up by its id: found once, missing, or ambiguous (two live entries share it). */
export type EntryLookup = { kind: 'found'; map: Y.Map<unknown> } | { kind: 'missing' } | { kind: 'ambiguous'; count: number };

export function lookupEntry(list: Y.Array<Y.Map<unknown>>, id: string): EntryLookup {
  let found: Y.Map<unknown> | null = null;
  let count = 0;
  for (const m of list) {
    if (m instanceof Y.Map && m.get('id') === id) {
      found = m;
      count++;
    }
  }
  if (count === 0 || !found) return { kind: 'missing' };
  return count === 1 ? { kind: 'found', map: found } : { kind: 'ambiguous', count };
}

/** The activity with this id, or null when there is none or more than one: an ambiguous id is
 *  refused, never resolved to the first match (SPEC [P9]). */
export function findActivityMap(doc: Y.Doc, activityId: string): Y.Map<unknown> | null {
  const r = lookupEntry(activitiesOf(doc), activityId);
  return r.kind === 'found' ? r.map : null;
}

/** The message with this id, or null when there is none or more than one (SPEC [P9]). */
export function findMessageMap(doc: Y.Doc, messageId: string): Y.Map<unknown> | null {
  const r = lookupEntry(messagesOf(doc), messageId);
  return r.kind === 'found' ? r.map : null;
}

export function appendMessage(doc: Y.Doc, msg: { id: string; authorId: string; body: string; kind: MessageKind; createdAt?: string; streaming?: boolean }): Y.Map<unknown> {
  const map = new Y.Map<unknown>();
  map.set('id', msg.id);
  map.set('authorId', msg.authorId);
  map.set('body', msg.body);
  map.set('kind', msg.kind);
  map.set('createdAt', msg.createdAt ?? new Date().toISOString());
  if (msg.streaming) map.set('streaming', true);
  messagesOf(doc).push([map]);
  return map;
}

export function appendActivity(doc: Y.Doc, a: { id: string; title: string; proposedBy: string; notes?: string; createdAt?: string }): Y.Map<unknown> {
  const map = new Y.Map<unknown>();
  map.set('id', a.id);
  map.set('title', a.title);
  map.set('status', 'proposed' satisfies ActivityStatus);
  map.set('proposedBy', a.proposedBy);
  map.set('createdAt', a.createdAt ?? new Date().toISOString());
  if (a.notes !== undefined) map.set('notes', a.notes);
  activitiesOf(doc).push([map]);
  return map;
}

export function setActivityStatus(map: Y.Map<unknown>, status: ActivityStatus, extra: Record<string, string> = {}): void {
  map.set('status', status);
  for (const [k, v] of Object.entries(extra)) map.set(k, v);
  map.set('updatedAt', new Date().toISOString());
}

/** A stable fingerprint of an activity's fields, used to flag stale approvals. */
export function activityFingerprint(doc: Y.Doc, activityId: string): string | null {
  const map = findActivityMap(doc, activityId);
  if (!map) return null;
  const json = map.toJSON() as Record<string, unknown>;
  return JSON.stringify(Object.keys(json).sort().map((k) => [k, json[k]]));
}
