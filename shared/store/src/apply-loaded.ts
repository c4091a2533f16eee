// Apply a stored document (snapshot + later updates) to a Y.Doc in one transaction. Measured on a
// 10,000-update document: one transaction of single applies ≈ 130 ms; Y.mergeUpdates first ≈ 9 s.
import * as Y from 'yjs';
import type { LoadedDoc, Store } from './types.ts';

export function applyLoaded(doc: Y.Doc, loaded: LoadedDoc, origin: unknown = null): void {
  if (!loaded.snapshot && loaded.updates.length === 0) return;
  doc.transact(() => {
    if (loaded.snapshot) Y.applyUpdate(doc, loaded.snapshot, origin);
    for (const u of loaded.updates) Y.applyUpdate(doc, u.data, origin);
  }, origin);
}

/** The document as stored (snapshot + later updates), in a fresh Y.Doc: what a restart would load. */
export async function loadStoredDoc(store: Pick<Store, 'docs'>, collaborationId: string): Promise<Y.Doc> {
  const doc = new Y.Doc();
  applyLoaded(doc, await store.docs.load(collaborationId));
  return doc;
}

export function loadedBytes(loaded: LoadedDoc): number {
  return (loaded.snapshot?.length ?? 0) + loaded.updates.reduce((n, u) => n + u.data.length, 0);
}
