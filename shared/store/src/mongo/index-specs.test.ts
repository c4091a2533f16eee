// The MongoDB index plan, checked without MongoDB: unique indexes stay enforceable on a sharded
// cluster, and the members index migration retires only what it replaced.
import { describe, expect, it } from 'vitest';
import { INDEXES, indexesToRetire, RETIRED_INDEXES, SHARD_KEYS, uniqueIndexesNotLedByShardKey } from './index-specs.ts';
import type { CollectionName } from './index-specs.ts';

describe('mongo index plan', () => {
  it('[D42] every unique index of a collection with a shard key starts with that shard key', () => {
    expect(uniqueIndexesNotLedByShardKey()).toEqual([]);
    expect(SHARD_KEYS.members).toEqual({ collaborationId: 1 });
    const unique = INDEXES.members?.find((ix) => ix.unique);
    expect(unique).toMatchObject({ name: 'members_one_role_per_collab_and_user', key: { collaborationId: 1, userId: 1 } });
  });

  it('[D42] index names are unique and no retired name is created again', () => {
    for (const [collection, specs] of Object.entries(INDEXES) as [CollectionName, NonNullable<(typeof INDEXES)[CollectionName]>][]) {
      const names = specs.map((s) => s.name);
      expect(new Set(names).size, collection).toBe(names.length);
      for (const retired of RETIRED_INDEXES[collection] ?? []) expect(names, collection).not.toContain(retired);
    }
  });

  it('[D42] an existing deployment drops the old members indexes it has, a fresh one has nothing to drop', () => {
    const before = ['_id_', 'members_one_role_per_user_and_collab', 'members_by_collab', 'members_one_role_per_collab_and_user', 'members_by_user'];
    expect(indexesToRetire('members', before)).toEqual(['members_one_role_per_user_and_collab', 'members_by_collab']);
    expect(indexesToRetire('members', ['_id_', 'members_one_role_per_collab_and_user', 'members_by_user'])).toEqual([]);
    expect(indexesToRetire('updates', ['_id_', 'updates_one_per_doc_and_seq'])).toEqual([]);
  });
});
