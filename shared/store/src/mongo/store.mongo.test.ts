// Runs the shared store conformance suite against MongoDB when MONGODB_URL points at a replica set.
import { randomBytes } from 'node:crypto';
import { Binary, MongoClient } from 'mongodb';
import { describe, it } from 'vitest';
import { runStoreConformance } from '../conformance/suite.ts';
import type { Store } from '../types.ts';
import { createMongoStore } from './index.ts';

const url = process.env['MONGODB_URL'];

/** A short-lived client for test-only surgery on the stored data. */
async function withClient<T>(mongoUrl: string, fn: (client: MongoClient) => Promise<T>): Promise<T> {
  const client = new MongoClient(mongoUrl);
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

if (!url) {
  console.warn('skipped: no MONGODB_URL — MongoDB conformance not run');
  describe.skip('skipped: no MONGODB_URL', () => {
    it('MongoDB conformance', () => undefined);
  });
} else {
  runStoreConformance('mongo', async () => {
    // A fresh database per test, dropped in cleanup, so runs never see each other's data.
    const dbName = `trellis_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
    let store: Store = await createMongoStore({ url, dbName });
    return {
      store,
      async reopen() {
        await store.close();
        store = await createMongoStore({ url, dbName });
        return store;
      },
      async corruptUpdate(collaborationId, seq) {
        // Overwrite the bytes but keep the stored checksum, as disk corruption would.
        await withClient(url, (client) =>
          client.db(dbName).collection('updates').updateOne({ collaborationId, seq }, { $set: { data: new Binary(Uint8Array.from([0, 255, 0, 255])) } }),
        );
      },
      async cleanup() {
        await store.close();
        await withClient(url, (client) => client.db(dbName).dropDatabase());
      },
      spawnEnv: { STORE: 'mongo', MONGODB_URL: url, MONGO_DB_NAME: dbName },
    };
  });
}
