// MongoDB-only (needs MONGODB_URL, like the conformance suite): a database created by an earlier
// version, with the members unique index led by userId, is migrated at start-up — the new
// indexes exist, the old ones are gone, and one role per person and collaboration still holds.
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { createMongoStore } from './index.ts';

const url = process.env['MONGODB_URL'];
if (!url) console.warn('skipped: no MONGODB_URL — MongoDB index migration not run');

describe.skipIf(!url)('mongo indexes: migration', () => {
  it('[D42] the members indexes of an earlier version are replaced by ones led by collaborationId', async () => {
    const dbName = `trellis_test_idx_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
    const client = new MongoClient(url!);
    try {
      const members = client.db(dbName).collection<{ _id: string; collaborationId: string; userId: string; role: string; addedAt: string; addedBy: string | null }>('members');
      const addedAt = new Date().toISOString();
      await members.createIndexes([
        { name: 'members_one_role_per_user_and_collab', key: { userId: 1, collaborationId: 1 }, unique: true },
        { name: 'members_by_collab', key: { collaborationId: 1, userId: 1 } },
      ]);
      await members.insertOne({ _id: 'col_1:u_1', collaborationId: 'col_1', userId: 'u_1', role: 'owner', addedAt, addedBy: null });
      // Opened twice, as several processes starting at once would.
      const [a, b] = await Promise.all([createMongoStore({ url: url!, dbName }), createMongoStore({ url: url!, dbName })]);
      await Promise.all([a.close(), b.close()]);
      const names = (await members.listIndexes().toArray()).map((ix) => String(ix['name'])).sort();
      expect(names).toEqual(['_id_', 'members_by_user', 'members_one_role_per_collab_and_user']);
      // The invariant holds on the new index: the same person and collaboration under another _id is refused.
      await expect(members.insertOne({ _id: 'other', collaborationId: 'col_1', userId: 'u_1', role: 'viewer', addedAt, addedBy: null })).rejects.toMatchObject({ code: 11000 });
      const store = await createMongoStore({ url: url!, dbName });
      try {
        expect((await store.members.get('col_1', 'u_1'))?.role).toBe('owner');
      } finally {
        await store.close();
      }
    } finally {
      await client.db(dbName).dropDatabase().catch(() => undefined);
      await client.close();
    }
  }, 60_000);
});
