// What changed in one collaboration since its last check-in, read from the document and the store.
// Everything user-written is cleaned of invisible characters and clipped by code points
// (prompts/clean-text.ts); people appear under stable pseudonymous labels (prompts/labels.ts);
// "since" is the state vector stored with the last check-in (prompts/seen-since.ts); an entry
// appears in one section only.
import type { Approval, Collaboration, Membership } from '@trellis/schema';
import { activitiesOf, Activity, Message, messagesOf, notesOf } from '@trellis/schema';
import type * as Y from 'yjs';
import { clip } from '../prompts/clean-text.ts';
import { memberLabels } from '../prompts/labels.ts';
import { encodeStateVectorB64, sinceCheckin } from '../prompts/seen-since.ts';

export interface CollabSummary {
  collaborationId: string;
  title: string;
  timeZone: string;
  since: string | null;
  newMessages: { from: string; at: string; text: string }[];
  changedActivities: { id: string; title: string; status: string; at?: string }[];
  overdue: { id: string; title: string; at: string }[];
  staleProposed: { id: string; title: string; since: string }[];
  pendingApprovals: { action: string; reason: string }[];
  /** The latest message is a person's and nobody answered it for a day (its text is in newMessages when new). */
  unanswered: { from: string; at: string; text?: string } | null;
  notes: string;
  /** Not sent to the model: the state vector to store with this check-in. */
  stateVector: string;
}

export interface LastCheckin {
  completedAt: string | null;
  stateVector: string | null;
}

const STALE_PROPOSED_MS = 3 * 86_400_000;
const UNANSWERED_MS = 86_400_000;
const MAX_ITEMS = 30;

function parsed<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }, map: Y.Map<unknown>): T | null {
  const r = schema.safeParse(map.toJSON());
  return r.success ? r.data : null;
}

export function summarizeDoc(
  doc: Y.Doc, collab: Collaboration, last: LastCheckin | null, pending: Approval[], members: readonly Membership[], now: Date,
): CollabSummary {
  const nowMs = now.getTime();
  const label = memberLabels(members);
  // No earlier check-in: everything is new. One from before state vectors were stored: its time.
  const seen = sinceCheckin(last?.stateVector ?? null);
  const legacySince = last && last.stateVector === null ? last.completedAt : null;
  const messages = messagesOf(doc).toArray().map((m) => ({ map: m, m: parsed(Message, m) })).filter((x): x is { map: Y.Map<unknown>; m: Message } => x.m !== null);
  const activities = activitiesOf(doc).toArray().map((m) => ({ map: m, a: parsed(Activity, m) })).filter((x): x is { map: Y.Map<unknown>; a: Activity } => x.a !== null);
  const isNew = (map: Y.Map<unknown>, at: string | undefined) => (legacySince !== null ? at !== undefined && at > legacySince : seen.created(map));
  const isTouched = (map: Y.Map<unknown>, at: string | undefined) => (legacySince !== null ? at !== undefined && at > legacySince : seen.touched(map));

  const overdue = activities.filter(({ a }) => a.status === 'scheduled' && a.at !== undefined && Date.parse(a.at) < nowMs).slice(-MAX_ITEMS);
  const staleProposed = activities.filter(({ a }) => a.status === 'proposed' && a.createdAt !== undefined && nowMs - Date.parse(a.createdAt) > STALE_PROPOSED_MS).slice(-MAX_ITEMS);
  const listed = new Set([...overdue, ...staleProposed].map(({ a }) => a.id));
  const newMessages = messages.filter(({ map, m }) => !m.streaming && isNew(map, m.createdAt)).slice(-MAX_ITEMS);
  const lastMsg = messages.at(-1);
  const unanswered = lastMsg && lastMsg.m.kind === 'user' && nowMs - Date.parse(lastMsg.m.createdAt) > UNANSWERED_MS
    ? { from: label(lastMsg.m.authorId, lastMsg.m.kind), at: lastMsg.m.createdAt, ...(newMessages.includes(lastMsg) ? {} : { text: clip(lastMsg.m.body, 120) }) }
    : null;
  return {
    collaborationId: collab.id,
    title: clip(collab.title, 80),
    timeZone: collab.settings.timeZone,
    since: last?.completedAt ?? null,
    newMessages: newMessages.map(({ m }) => ({ from: label(m.authorId, m.kind), at: m.createdAt, text: clip(m.body, 160) })),
    // An activity that is overdue or stale is listed there, not a second time here.
    changedActivities: activities.filter(({ map, a }) => !listed.has(a.id) && isTouched(map, a.updatedAt ?? a.createdAt)).slice(-MAX_ITEMS)
      .map(({ a }) => ({ id: a.id, title: clip(a.title, 80), status: a.status, ...(a.at ? { at: a.at } : {}) })),
    overdue: overdue.map(({ a }) => ({ id: a.id, title: clip(a.title, 80), at: a.at ?? '' })),
    staleProposed: staleProposed.map(({ a }) => ({ id: a.id, title: clip(a.title, 80), since: a.createdAt ?? '' })),
    pendingApprovals: pending.slice(0, 10).map((p) => ({ action: p.action, reason: clip(p.reason, 100) })),
    unanswered,
    notes: clip(notesOf(doc).toString(), 300),
    stateVector: encodeStateVectorB64(doc),
  };
}
