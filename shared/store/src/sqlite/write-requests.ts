// The writes the sync path hands to the SQLite write thread, and how one runs against a connection:
// on the thread (write-thread-entry.ts) or, while no thread is available, on the main thread
// (write-thread.ts). Both go through the same repositories as the store itself.
import type { AuditEntry, CollaborationProjection } from '@trellis/schema';
import { compactStored } from '../compact-stored.ts';
import type { AppendEntry, PresenceEntry } from '../types.ts';
import { appendAuditEntries } from './audit-append.ts';
import type { Db } from './db.ts';
import { writeTx } from './db.ts';
import { sqliteDocs } from './docs.ts';
import { sqliteKv } from './kv.ts';
import { sqlitePresence } from './presence.ts';
import { putProjection } from './projection-put.ts';

export type WriteRequest =
  | { kind: 'append'; entries: AppendEntry[] }
  | { kind: 'presence'; entries: PresenceEntry[] }
  | { kind: 'projections'; projections: CollaborationProjection[] }
  | { kind: 'audit'; entries: AuditEntry[] }
  | { kind: 'compact'; collaborationId: string; historyRetentionMs?: number | undefined }
  | { kind: 'kv'; key: string; value: string };

/** A function that runs write requests on `db`. */
export function writeRunner(db: Db): (req: WriteRequest) => Promise<unknown> {
  const docs = sqliteDocs(db);
  const presence = sqlitePresence(db);
  const kv = sqliteKv(db);
  return async (req) => {
    switch (req.kind) {
      case 'append':
        return docs.appendBatch(req.entries);
      case 'presence':
        return presence.publish(req.entries);
      case 'projections':
        return writeTx(db, () => {
          for (const p of req.projections) putProjection(db, p);
        });
      case 'audit':
        return appendAuditEntries(db, req.entries);
      case 'kv':
        return kv.set(req.key, req.value);
      case 'compact':
        // Claimed: one process compacts a document at a time ([D31]).
        return compactStored(docs, req.collaborationId, { kv }, { historyRetentionMs: req.historyRetentionMs });
      default: {
        const never: never = req;
        throw new Error(`unknown write ${JSON.stringify(never)}`);
      }
    }
  };
}
