// Compaction from the store (never from a live copy, which may lag another process's writes):
// apply the latest snapshot and the updates after it to a fresh doc, store its state as the new
// snapshot. Safe against racing appends and other compactions (DocRepo.compact is atomic); with a
// `claim`, only one process at a time does the work (compaction-claim.ts).
import * as Y from 'yjs';
import { applyLoaded } from './apply-loaded.ts';
import { claimCompaction, PROCESS_OWNER, releaseCompaction } from './compaction-claim.ts';
import type { DocRepo, KeyValueRepo } from './types.ts';

export interface CompactionClaim {
  kv: KeyValueRepo;
  /** Default: this process. */
  owner?: string;
}

/** True if a snapshot was written; false if there was nothing to fold in or another process holds the claim. */
export async function compactStored(docs: DocRepo, collaborationId: string, claim?: CompactionClaim): Promise<boolean> {
  const owner = claim?.owner ?? PROCESS_OWNER;
  if (claim && !(await claimCompaction(claim.kv, collaborationId, owner))) return false;
  try {
    const stored = await docs.load(collaborationId);
    if (stored.updates.length === 0) return false;
    const doc = new Y.Doc();
    try {
      applyLoaded(doc, stored);
      await docs.compact(collaborationId, Y.encodeStateAsUpdate(doc), stored.lastSeq);
      return true;
    } finally {
      doc.destroy();
    }
  } finally {
    if (claim) await releaseCompaction(claim.kv, collaborationId, owner);
  }
}
