// The documents a change-feed consumer has loaded, as the store's tail filters by them (`[D43]`).
import type { DocumentInterest } from './types.ts';

export interface MutableDocumentInterest extends DocumentInterest {
  /** Ask for a document's changes: call it before reading the document from the store. */
  add(collaborationId: string): void;
  /** Stop asking (the document was unloaded); a tail may still send its changes for a while. */
  delete(collaborationId: string): void;
}

export function createDocumentInterest(): MutableDocumentInterest {
  const ids = new Set<string>();
  const listeners = new Set<(collaborationId: string) => void>();
  return {
    has: (id) => ids.has(id),
    ids: () => [...ids],
    onAdd(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    add(id) {
      if (ids.has(id)) return;
      ids.add(id);
      for (const l of listeners) l(id);
    },
    delete(id) {
      ids.delete(id);
    },
  };
}
