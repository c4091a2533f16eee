// A DocHost for processes without live documents (the worker): load the snapshot and updates from
// the store into a fresh Y.Doc, run fn in one transaction, append the resulting update. The change
// feed carries it to every server, which applies it to their live copies. Concurrent changes are
// safe: each fresh doc has its own client id, and Yjs updates merge in any order.
import * as Y from 'yjs';
import type { Logger } from '@trellis/runtime';
import { loadStoredDoc, refusedKey } from '@trellis/store';
import type { Store } from '@trellis/store';
import { projectDoc, TrellisError } from '@trellis/schema';
import type { DocHost } from './types.ts';

export function createStoreDocHost(store: Store, logger: Logger): DocHost {
  const load = async (collaborationId: string) => {
    // A document a server refused as too costly to integrate (SPEC [H15]) would stall this
    // process's loop the same way: refused here too, until a server's trial passes it again.
    const refused = await store.kv.get(refusedKey(collaborationId));
    if (refused !== null && refused !== '') throw new TrellisError('unavailable', 'the server refused this collaboration\'s document as too costly to integrate; an operator can read it with export-document');
    return loadStoredDoc(store, collaborationId);
  };
  return {
    async change(collaborationId, origin, fn, attribution) {
      const doc = await load(collaborationId);
      try {
        const svBefore = Y.encodeStateVector(doc);
        let changed = false;
        doc.on('update', () => {
          changed = true;
        });
        let result!: ReturnType<typeof fn>;
        doc.transact(() => {
          result = fn(doc);
        }, origin);
        // A transaction that wrote nothing (a no-op action) stores nothing.
        if (changed) {
          const update = Y.encodeStateAsUpdate(doc, svBefore);
          const { lastSeq } = await store.docs.append(collaborationId, [update], origin, attribution);
          // Keep the JSON projection current for documents no server has loaded.
          await store.projections.put(projectDoc(collaborationId, doc, lastSeq));
          logger.debug({ collaborationId, origin, bytes: update.byteLength }, 'stored document change');
        }
        return result;
      } finally {
        doc.destroy();
      }
    },
    async read(collaborationId, fn) {
      const doc = await load(collaborationId);
      try {
        return fn(doc);
      } finally {
        doc.destroy();
      }
    },
  };
}
