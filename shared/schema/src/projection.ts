// The JSON projection of a collaboration document, stored beside the CRDT log so queries (lists,
// dashboards, the worker's summaries, integrations) need not load and replay the Y.Doc.
import { z } from 'zod';
import type * as Y from 'yjs';
import { Activity } from './activity.ts';
import { Message } from './message.ts';
import { notesOf, readActivities, readMessages } from './ydoc.ts';

export const PROJECTION_RECENT_MESSAGES = 20;
const NOTES_EXCERPT = 500;

export const CollaborationProjection = z.object({
  collaborationId: z.string(),
  /** The highest stored update sequence the projection reflects (newer wins). */
  seq: z.number().int().nonnegative(),
  updatedAt: z.string(),
  messages: z.object({ count: z.number().int().nonnegative(), recent: z.array(Message) }),
  activities: z.array(Activity),
  notes: z.object({ length: z.number().int().nonnegative(), excerpt: z.string() }),
});
export type CollaborationProjection = z.infer<typeof CollaborationProjection>;

export function projectDoc(collaborationId: string, doc: Y.Doc, seq: number, now = new Date()): CollaborationProjection {
  const messages = readMessages(doc);
  const notes = notesOf(doc).toString();
  return {
    collaborationId, seq, updatedAt: now.toISOString(),
    messages: { count: messages.length, recent: messages.slice(-PROJECTION_RECENT_MESSAGES) },
    activities: readActivities(doc),
    notes: { length: notes.length, excerpt: notes.slice(0, NOTES_EXCERPT) },
  };
}
