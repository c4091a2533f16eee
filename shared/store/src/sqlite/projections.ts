// JSON projections of collaboration documents; the newest seq wins.
import { CollaborationProjection } from '@trellis/schema';
import type { ProjectionRepo } from '../types.ts';
import { parseRecord } from '../parse-record.ts';
import type { Db } from './db.ts';
import { stmt } from './db.ts';
import { putProjection } from './projection-put.ts';

export function sqliteProjections(db: Db): ProjectionRepo {
  return {
    put: async (p) => putProjection(db, p),
    async get(collaborationId) {
      const r = stmt(db, 'SELECT data FROM projections WHERE collab_id = ?').get(collaborationId) as { data: string } | undefined;
      return r ? parseRecord(CollaborationProjection, JSON.parse(r.data), `projection ${collaborationId}`) : null;
    },
    async seqOf(collaborationId) {
      const r = stmt(db, 'SELECT seq FROM projections WHERE collab_id = ?').get(collaborationId) as { seq: number } | undefined;
      return r?.seq ?? 0;
    },
  };
}
