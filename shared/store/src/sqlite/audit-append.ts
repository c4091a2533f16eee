// Appending audit entries, without reading any back: what the SQLite write thread needs, and no
// schema (reading back parses with zod, which the thread then never loads: ≈ 8 MB of its heap).
import type { AuditEntry } from '@trellis/schema';
import type { Db } from './db.ts';
import { stmt, writeTx } from './db.ts';

export function appendAuditEntries(db: Db, entries: readonly AuditEntry[]): void {
  if (entries.length === 0) return;
  writeTx(db, () => {
    for (const e of entries) stmt(db, 'INSERT INTO audit (id, collab_id, data) VALUES (?, ?, ?)').run(e.id, e.collaborationId, JSON.stringify(e));
  });
}
