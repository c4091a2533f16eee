// Collections and indexes, created at start (idempotent). Each unique index is named after the
// invariant it protects, with the same names as the SQLite migrations (see DATA_MODEL.md).
import type { Db, IndexDescription } from 'mongodb';
import { MongoServerError } from 'mongodb';
import type { Collections } from './db.ts';
import { COLLECTION_NAMES } from './db.ts';

const INDEXES: { [K in keyof Collections]?: IndexDescription[] } = {
  collaborations: [{ name: 'collaborations_checkins', key: { 'settings.aiCheckins': 1, archived: 1, _id: 1 } }],
  members: [
    { name: 'members_one_role_per_user_and_collab', key: { userId: 1, collaborationId: 1 }, unique: true },
    { name: 'members_by_collab', key: { collaborationId: 1, userId: 1 } },
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

const NAMESPACE_EXISTS = 48;

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
    if (specs && specs.length > 0) await db.collection(name).createIndexes(specs);
  }
}
