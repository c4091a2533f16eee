// Which cards the board shows: a search over title and description, a status and a person (who proposed).
import type { Activity, ActivityStatus } from '@trellis/schema';

export interface BoardFilter {
  query: string;
  status: ActivityStatus | 'all';
  /** A user id (the proposer), or 'all'. */
  person: string;
}

export const NO_FILTER: BoardFilter = { query: '', status: 'all', person: 'all' };

export function isFiltering(f: BoardFilter): boolean {
  return f.query.trim() !== '' || f.status !== 'all' || f.person !== 'all';
}

/** Case- and accent-insensitive, every word must match somewhere in the title or description. */
function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

export function matchesFilter(a: Activity, f: BoardFilter): boolean {
  if (f.status !== 'all' && a.status !== f.status) return false;
  if (f.person !== 'all' && a.proposedBy !== f.person) return false;
  const words = fold(f.query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const hay = fold(`${a.title}\n${a.notes ?? ''}`);
  return words.every((w) => hay.includes(w));
}

/** The people who proposed something, for the person filter (stable order: first seen). */
export function proposers(list: readonly Activity[]): string[] {
  const seen = new Set<string>();
  for (const a of list) if (a.proposedBy) seen.add(a.proposedBy);
  return [...seen];
}
