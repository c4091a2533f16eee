// What changed in one collaboration since its last check-in, read from the document and the store.
import type { Approval, Collaboration } from '@trellis/schema';
import { notesOf, readActivities, readMessages } from '@trellis/schema';
import type * as Y from 'yjs';

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
  /** The latest message is a person's and nobody answered it for a day. */
  unanswered: { at: string; text: string } | null;
  notes: string;
}

const STALE_PROPOSED_MS = 3 * 86_400_000;
const UNANSWERED_MS = 86_400_000;
const MAX_ITEMS = 30;
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function summarizeDoc(doc: Y.Doc, collab: Collaboration, since: string | null, pending: Approval[], now: Date): CollabSummary {
  const nowMs = now.getTime();
  const after = (at: string | undefined) => since === null || (at !== undefined && at > since);
  const messages = readMessages(doc);
  const activities = readActivities(doc);
  const last = messages.at(-1);
  return {
    collaborationId: collab.id,
    title: clip(collab.title, 80),
    timeZone: collab.settings.timeZone,
    since,
    newMessages: messages.filter((m) => after(m.createdAt) && !m.streaming).slice(-MAX_ITEMS)
      .map((m) => ({ from: m.kind === 'user' ? 'member' : m.kind, at: m.createdAt, text: clip(m.body, 160) })),
    changedActivities: activities.filter((a) => after(a.updatedAt ?? a.createdAt)).slice(-MAX_ITEMS)
      .map((a) => ({ id: a.id, title: clip(a.title, 80), status: a.status, ...(a.at ? { at: a.at } : {}) })),
    overdue: activities.filter((a) => a.status === 'scheduled' && a.at !== undefined && Date.parse(a.at) < nowMs).slice(-MAX_ITEMS)
      .map((a) => ({ id: a.id, title: clip(a.title, 80), at: a.at ?? '' })),
    staleProposed: activities.filter((a) => a.status === 'proposed' && a.createdAt !== undefined && nowMs - Date.parse(a.createdAt) > STALE_PROPOSED_MS)
      .slice(-MAX_ITEMS).map((a) => ({ id: a.id, title: clip(a.title, 80), since: a.createdAt ?? '' })),
    pendingApprovals: pending.slice(0, 10).map((p) => ({ action: p.action, reason: clip(p.reason, 100) })),
    unanswered: last && last.kind === 'user' && nowMs - Date.parse(last.createdAt) > UNANSWERED_MS ? { at: last.createdAt, text: clip(last.body, 120) } : null,
    notes: clip(notesOf(doc).toString(), 300),
  };
}
