// Compaction from the store (never from a live copy, which may lag another process's writes):
// apply the latest snapshot and the updates after it to a fresh doc, store its state as the new
// snapshot. Safe against racing appends and other compactions (DocRepo.compact is atomic).
import * as Y from 'yjs';
import { applyLoaded } from './apply-loaded.ts';
import type { DocRepo } from './types.ts';

export async function compactStored(docs: DocRepo, collaborationId: string): Promise<boolean> {
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
}
