// MongoDB-only change-feed behaviour (needs MONGODB_URL, like the conformance suite): a dropped
// database invalidates the change stream; the tail restarts after the invalidate with one resync
// instead of reopening before it and looping.
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import type { Change } from '@trellis/schema';
import { textUpdate as update, until } from '../conformance/each-store.ts';
import { createMongoStore } from './index.ts';

const url = process.env['MONGODB_URL'];
if (!url) console.warn('skipped: no MONGODB_URL — MongoDB change-stream invalidation not run');

describe.skipIf(!url)('mongo change feed: invalidate', () => {
  it('[D33] a dropped database invalidates the stream: a resync, then changes flow again, no loop', async () => {
    const dbName = `trellis_test_inv_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
    const store = await createMongoStore({ url: url!, dbName });
    const client = new MongoClient(url!);
    const seen: string[] = [];
    const ac = new AbortController();
    const tail = store.changes.tail({
      from: await store.changes.head(),
      signal: ac.signal,
      async onBatch(b) {
        for (const c of b.changes as Change[]) if (c.type === 'update') seen.push(`update:${c.collaborationId}`);
      },
      async onResync() {
        seen.push('resync');
      },
    });
    try {
      await store.docs.append('col_before', [update('a')], 'other');
      await until(() => seen.includes('update:col_before'), 15_000, 'the update before the drop');
      await client.db(dbName).dropDatabase();
      await until(() => seen.includes('resync'), 15_000, 'a resync after the drop');
      // A store opened now creates the collections again (appends run in transactions, which
      // do not create collections implicitly).
      const again = await createMongoStore({ url: url!, dbName });
      await again.docs.append('col_after', [update('b')], 'other');
      await again.close();
      await until(() => seen.includes('update:col_after'), 15_000, 'an update after the drop');
      // Restarted after the invalidate, not before it: no further resyncs (the drop events of the
      // collections and the invalidate may each have asked for one, no more).
      const resyncs = seen.filter((s) => s === 'resync').length;
      expect(resyncs).toBeLessThanOrEqual(2);
      await new Promise((r) => setTimeout(r, 3000));
      expect(seen.filter((s) => s === 'resync')).toHaveLength(resyncs);
    } finally {
      ac.abort();
      await tail;
      await store.close();
      await client.db(dbName).dropDatabase().catch(() => undefined);
      await client.close();
    }
  }, 60_000);
});
