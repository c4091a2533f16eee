// Collections and indexes, created at start (idempotent, safe when several processes start at
// once); the specs and what is retired are in index-specs.ts, with the same names as the SQLite
// migrations (see DATA_MODEL.md).
import type { Db } from 'mongodb';
import { MongoServerError } from 'mongodb';
import { COLLECTION_NAMES } from './db.ts';
import { INDEXES, indexesToRetire, RETIRED_INDEXES } from './index-specs.ts';

const NAMESPACE_EXISTS = 48;
const INDEX_NOT_FOUND = 27;

export async function ensureIndexes(db: Db): Promise<void> {
  // Create every collection up front: creating one implicitly inside a transaction is restricted.
  const existing = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  for (const name of COLLECTION_NAMES) {
    if (existing.has(name)) continue;
    try {
      await db.createCollection(name);
    } catch (err) {
      // Another process created it concurrently.
      if (!(err instanceof MongoServerError && err.code === NAMESPACE_EXISTS)) throw err;
    }
  }
  for (const name of COLLECTION_NAMES) {
    const specs = INDEXES[name];
    if (specs && specs.length > 0) await db.collection(name).createIndexes([...specs]);
    if (!RETIRED_INDEXES[name]) continue;
    // Retired only after the replacements exist (created just above), so an invariant such as one
    // role per person and collaboration is enforced throughout. Since MongoDB 5.0 uniqueness is part
    // of an index's identity, so a unique index and a plain one on the same keys can coexist meanwhile.
    const names = (await db.collection(name).listIndexes().toArray()).map((ix) => String(ix['name']));
    for (const retired of indexesToRetire(name, names)) {
      try {
        await db.collection(name).dropIndex(retired);
      } catch (err) {
        // Another process dropped it concurrently.
        if (!(err instanceof MongoServerError && err.code === INDEX_NOT_FOUND)) throw err;
      }
    }
  }
}
