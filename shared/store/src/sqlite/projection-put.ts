// Storing a projection, without reading any back: what the SQLite write thread needs, and no schema
// (see audit-append.ts). The newest seq wins.
import type { CollaborationProjection } from '@trellis/schema';
import type { Db } from './db.ts';
import { stmt } from './db.ts';

export function putProjection(db: Db, p: CollaborationProjection): void {
  stmt(
    db,
    `INSERT INTO projections (collab_id, seq, data) VALUES (?, ?, ?)
     ON CONFLICT (collab_id) DO UPDATE SET seq = excluded.seq, data = excluded.data WHERE excluded.seq >= projections.seq`,
  ).run(p.collaborationId, p.seq, JSON.stringify(p));
}
