// Edits of an activity's own fields through the document, as the gate accepts them (SPEC [P9]): title,
// description (notes) and due date (`at`), each with a fresh `updatedAt`. A due-date change is its own
// transaction because it is gated as `scheduleActivity`: refused, it must not take the title with it.
import type * as Y from 'yjs';
import { findActivityMap } from '@trellis/schema';

export interface ActivityFields {
  title: string;
  notes: string;
}

/** Writes what changed; false when the activity is gone (or ambiguous). */
export function editActivityFields(doc: Y.Doc, activityId: string, next: ActivityFields): boolean {
  const map = findActivityMap(doc, activityId);
  if (!map) return false;
  const title = next.title.trim();
  const notes = next.notes.trim();
  const changed = (title !== '' && map.get('title') !== title) || (map.get('notes') ?? '') !== notes;
  if (!changed) return true;
  doc.transact(() => {
    if (title !== '' && map.get('title') !== title) map.set('title', title);
    if (notes === '') {
      if (map.has('notes')) map.delete('notes');
    } else if (map.get('notes') !== notes) map.set('notes', notes);
    map.set('updatedAt', new Date().toISOString());
  });
  return true;
}

/** Sets (ISO 8601) or clears (null) the due date. */
export function setActivityDue(doc: Y.Doc, activityId: string, at: string | null): boolean {
  const map = findActivityMap(doc, activityId);
  if (!map) return false;
  if ((map.get('at') ?? null) === at) return true;
  doc.transact(() => {
    if (at === null) map.delete('at');
    else map.set('at', at);
    map.set('updatedAt', new Date().toISOString());
  });
  return true;
}

/** `datetime-local` value (local time) of an ISO instant, or '' for none. */
export function toLocalInput(iso: string | undefined | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The ISO instant of a `datetime-local` value; null for '' or an invalid one. */
export function fromLocalInput(value: string): string | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
