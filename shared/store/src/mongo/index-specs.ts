// The indexes every collection has, the shard key each collection may be sharded on, and the
// indexes earlier versions created that start-up retires. Pure data and planning: indexes.ts
// applies it. Each unique index is named after the invariant it protects (see DATA_MODEL.md).
import type { IndexDescription } from 'mongodb';
import type { Collections } from './db.ts';

export type CollectionName = keyof Collections;

export const INDEXES: { readonly [K in CollectionName]?: readonly IndexDescription[] } = {
  collaborations: [{ name: 'collaborations_checkins', key: { 'settings.aiCheckins': 1, archived: 1, _id: 1 } }],
  members: [
    // Led by the shard key, so it stays enforceable on a sharded `members`; it also serves the
    // per-collaboration list and owner count.
    { name: 'members_one_role_per_collab_and_user', key: { collaborationId: 1, userId: 1 }, unique: true },
    // "My collaborations" (by user, newest collaboration first).
    { name: 'members_by_user', key: { userId: 1, collaborationId: 1 } },
  ],
  // Email lookups ignore case, as the SQLite index on lower(email) does.
  users: [{ name: 'users_by_email', key: { email: 1 }, collation: { locale: 'en', strength: 2 } }],
  invites: [
    { name: 'invites_by_collab', key: { collaborationId: 1, _id: -1 } },
    { name: 'invites_one_per_token', key: { tokenHash: 1 }, unique: true, partialFilterExpression: { tokenHash: { $type: 'string' } } },
    { name: 'invites_open_by_email', key: { email: 1, revokedAt: 1 } },
  ],
  updates: [{ name: 'updates_one_per_doc_and_seq', key: { collaborationId: 1, seq: 1 }, unique: true }],
  // snapshotId: each compaction attempt writes its own chunks, so a crashed or losing attempt at the
  // same seq can never collide with (or be mistaken for) the one that commits.
  snapshots: [
    { name: 'snapshots_one_chunk_per_snapshot_and_index', key: { collaborationId: 1, seq: 1, snapshotId: 1, chunk: 1 }, unique: true },
  ],
  approvals: [
    { name: 'approvals_by_collab', key: { collaborationId: 1, _id: -1 } },
    { name: 'approvals_by_status_collab', key: { status: 1, collaborationId: 1, _id: -1 } },
  ],
  checkins: [
    { name: 'checkins_one_per_collab_and_local_day', key: { collaborationId: 1, localDay: 1 }, unique: true },
    { name: 'checkins_by_collab_status_day', key: { collaborationId: 1, status: 1, localDay: -1 } },
  ],
  audit: [{ name: 'audit_by_collab', key: { collaborationId: 1, _id: -1 } }],
  // Presence is ephemeral: relayed through the change stream, then expired.
  presence: [{ name: 'presence_expiry', key: { at: 1 }, expireAfterSeconds: 300 }],
  // A server process's peer record lives while it renews it ([D45]); the TTL monitor drops a dead one.
  peers: [{ name: 'peers_expiry', key: { expiresAt: 1 }, expireAfterSeconds: 0 }],
  // Expiring kv rows ([D20]): housekeeping prunes them explicitly; the TTL monitor is the backstop.
  kv: [{ name: 'kv_expiry', key: { expiresAt: 1 }, expireAfterSeconds: 0 }],
  notifications: [
    { name: 'notifications_by_user', key: { userId: 1, _id: -1 } },
    { name: 'notifications_unread_by_user', key: { userId: 1, readAt: 1, _id: -1 } },
  ],
  jobs: [
    { name: 'jobs_runnable', key: { status: 1, type: 1, runAt: 1 } },
    { name: 'jobs_lease_expiry', key: { status: 1, type: 1, leaseUntil: 1 } },
    { name: 'jobs_by_status_id', key: { status: 1, _id: 1 } },
    // Only live jobs with a key take part: done/dead jobs and jobs without a dedupe key never collide.
    // ($in in a partial filter needs MongoDB ≥ 6.0.)
    {
      name: 'jobs_one_live_job_per_dedupe_key',
      key: { dedupeKey: 1 },
      unique: true,
      partialFilterExpression: { dedupeKey: { $type: 'string' }, status: { $in: ['queued', 'leased'] } },
    },
  ],
};

/** The shard key of each collection an operator may shard (`sh.shardCollection`), or null: stays
 *  unsharded (DATA_MODEL.md says why for each). Every unique index of a sharded collection must
 *  start with its shard key, or MongoDB cannot enforce it across shards. */
export const SHARD_KEYS: { readonly [K in CollectionName]: Readonly<Record<string, 1>> | null } = {
  updates: { collaborationId: 1, seq: 1 },
  snapshots: { collaborationId: 1, seq: 1 },
  audit: { collaborationId: 1, _id: 1 },
  members: { collaborationId: 1 },
  checkins: { collaborationId: 1 },
  notifications: { userId: 1, _id: 1 },
  docs: null,
  projections: null,
  collaborations: null,
  users: null,
  invites: null,
  approvals: null,
  jobs: null,
  kv: null,
  presence: null,
  peers: null,
};

/** Indexes earlier versions created, dropped at start once their replacements above exist:
 *  `members_one_role_per_user_and_collab` (userId, collaborationId) was not led by the shard key;
 *  `members_by_collab` (collaborationId, userId) is the new unique index's key without uniqueness. */
export const RETIRED_INDEXES: { readonly [K in CollectionName]?: readonly string[] } = {
  members: ['members_one_role_per_user_and_collab', 'members_by_collab'],
};

/** The retired indexes of a collection that still exist, given the names it has now. */
export function indexesToRetire(name: CollectionName, existing: readonly string[]): string[] {
  const retired = RETIRED_INDEXES[name] ?? [];
  return retired.filter((n) => existing.includes(n));
}

/** Unique indexes that a sharded collection could not enforce: not led by its shard key's fields, in order. */
export function uniqueIndexesNotLedByShardKey(): { collection: CollectionName; index: string }[] {
  const out: { collection: CollectionName; index: string }[] = [];
  for (const [collection, shardKey] of Object.entries(SHARD_KEYS) as [CollectionName, Record<string, 1> | null][]) {
    if (!shardKey) continue;
    const prefix = Object.keys(shardKey);
    for (const spec of INDEXES[collection] ?? []) {
      if (!spec.unique) continue;
      const fields = Object.keys(spec.key);
      if (!prefix.every((f, i) => fields[i] === f)) out.push({ collection, index: spec.name ?? fields.join('_') });
    }
  }
  return out;
}
