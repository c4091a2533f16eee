// Compaction from the store (never from a live copy, which may lag another process's writes):
// apply the latest snapshot and the updates after it to a fresh doc, store its state as the new
// snapshot. Safe against racing appends and other compactions (DocRepo.compact is atomic); with a
// `claim`, only one process at a time does the work (compaction-claim.ts). The attributed history
// is kept beside the snapshot; with a retention, updates older than it leave the history, their
// merged state becoming the state it starts from (DATA_MODEL.md "History").
import * as Y from 'yjs';
import { applyLoaded } from './apply-loaded.ts';
import { claimCompaction, PROCESS_OWNER, releaseCompaction } from './compaction-claim.ts';
import type { DocRepo, HistoryCut, KeyValueRepo } from './types.ts';

export interface CompactionClaim {
  kv: KeyValueRepo;
  /** Default: this process. */
  owner?: string;
}

export interface CompactOptions {
  /** Keep the history of this long (ms); undefined = keep all (the default). */
  historyRetentionMs?: number | undefined;
  now?: number | undefined;
}

/** True if a snapshot was written; false if there was nothing to fold in or another process holds the claim. */
export async function compactStored(docs: DocRepo, collaborationId: string, claim?: CompactionClaim, opts: CompactOptions = {}): Promise<boolean> {
  const owner = claim?.owner ?? PROCESS_OWNER;
  if (claim && !(await claimCompaction(claim.kv, collaborationId, owner))) return false;
  try {
    const stored = await docs.load(collaborationId);
    if (stored.updates.length === 0) return false;
    const cut = opts.historyRetentionMs === undefined ? undefined : await historyCut(docs, collaborationId, stored.lastSeq, (opts.now ?? Date.now()) - opts.historyRetentionMs);
    const doc = new Y.Doc();
    try {
      applyLoaded(doc, stored);
      await docs.compact(collaborationId, Y.encodeStateAsUpdate(doc), stored.lastSeq, cut);
      return true;
    } finally {
      doc.destroy();
    }
  } finally {
    if (claim) await releaseCompaction(claim.kv, collaborationId, owner);
  }
}

/** The state of the history's updates stored before `before` (ms) and at most `uptoSeq`, or
 *  undefined when none is. Updates without a time (stored before history was kept) count as old. */
export async function historyCut(docs: DocRepo, collaborationId: string, uptoSeq: number, before: number): Promise<HistoryCut | undefined> {
  const history = await docs.loadHistory(collaborationId);
  let last = -1;
  for (let i = 0; i < history.updates.length; i++) {
    const u = history.updates[i]!;
    if (u.seq > uptoSeq || (u.at !== null && u.at >= before)) break;
    last = i;
  }
  if (last < 0) return undefined;
  const doc = new Y.Doc();
  try {
    doc.transact(() => {
      if (history.base) Y.applyUpdate(doc, history.base);
      for (let i = 0; i <= last; i++) Y.applyUpdate(doc, history.updates[i]!.data);
    });
    return { seq: history.updates[last]!.seq, state: Y.encodeStateAsUpdate(doc) };
  } finally {
    doc.destroy();
  }
}
