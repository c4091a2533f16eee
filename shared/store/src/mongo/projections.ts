// JSON projections of collaboration documents on MongoDB; the newest seq wins.
import { CollaborationProjection } from '@trellis/schema';
import type { ProjectionRepo } from '../types.ts';
import { parseRecord } from '../parse-record.ts';
import type { Ctx } from './db.ts';
import { isDuplicateKey, withoutId } from './db.ts';

export function mongoProjections({ c }: Ctx): ProjectionRepo {
  return {
    async put(p) {
      try {
        // Matches only an older (or equal) projection (the upsert takes _id from the filter); when a
        // newer one exists the filter misses, the upsert's insert collides on _id, and the newer one
        // is kept.
        await c.projections.replaceOne({ _id: p.collaborationId, seq: { $lte: p.seq } }, { ...p }, { upsert: true });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    },
    async get(collaborationId) {
      const d = await c.projections.findOne({ _id: collaborationId });
      return d ? parseRecord(CollaborationProjection, withoutId(d), `projection ${collaborationId}`) : null;
    },
    async seqOf(collaborationId) {
      const d = await c.projections.findOne({ _id: collaborationId }, { projection: { seq: 1 } });
      return typeof d?.['seq'] === 'number' ? d['seq'] : 0;
    },
  };
}
