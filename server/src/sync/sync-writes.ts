// The writes the sync path makes, behind one seam: by default the store's own methods; with SQLite
// the composition root passes the write thread, so none of them blocks the event loop.
import type { CollaborationProjection } from '@trellis/schema';
import type { AuditRepo, DocRepo, PresenceRepo, Store } from '@trellis/store';
import type { CompactOptions } from '@trellis/store';
import { compactStored } from '@trellis/store';

export interface SyncWrites {
  appendBatch: DocRepo['appendBatch'];
  publishPresence: PresenceRepo['publish'];
  /** Several projections at once; one write where the store allows ([S16]). */
  putProjections: (projections: CollaborationProjection[]) => Promise<void>;
  appendAudit: AuditRepo['appendMany'];
  /** A kv row kept forever (the [H15] trial-load mark). */
  setKv: (key: string, value: string) => Promise<void>;
  compact: (collaborationId: string, opts?: CompactOptions) => Promise<boolean>;
}

export function storeWrites(store: Store): SyncWrites {
  return {
    appendBatch: (entries) => store.docs.appendBatch(entries),
    publishPresence: (entries) => store.presence.publish(entries),
    // Each its own write here: one that fails (a network blip, a document over MongoDB's size limit)
    // does not keep the rest of the batch from being stored.
    putProjections: async (projections) => {
      const results = await Promise.allSettled(projections.map((p) => store.projections.put(p)));
      const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      if (failed.length > 0) throw new AggregateError(failed, `${failed.length} of ${projections.length} projections not stored`);
    },
    appendAudit: (entries) => store.audit.appendMany(entries),
    setKv: (key, value) => store.kv.set(key, value),
    compact: (collaborationId, opts) => compactStored(store.docs, collaborationId, { kv: store.kv }, opts),
  };
}
