// Connecting to MongoDB and the typed collections every repository shares. A replica set or a
// sharded cluster is required (transactions and change streams need one: topology.ts); every write
// is majority-acknowledged and journaled, so a write that returned survives a primary failover.
import { Binary, MongoClient, MongoServerError, WriteConcern } from 'mongodb';
import type { ClientSession, Collection, Db, TransactionOptions } from 'mongodb';
import type { Approval, Attribution, AuditEntry, Checkin, Collaboration, CollaborationProjection, Invite, Job, Membership, Notification, User } from '@trellis/schema';
import { classifyHello, unsupportedTopology } from './topology.ts';

/** A record stored as a native document with `_id` = its id (`_id` is stripped before parsing). */
export type Stored<T> = T & { _id: string };

/** Per-document sequence head: the next seq comes from `$inc lastSeq`; snapshotSeq/snapshotId name the live snapshot. */
export interface DocHead {
  _id: string; lastSeq: number; snapshotSeq: number; snapshotId: string | null;
  /** Where the document's history starts (the snapshot it starts from); absent on documents stored
   *  before history was kept: then the live snapshot, until the next compaction records it. */
  historySeq?: number; historySnapshotId?: string | null;
}
/** One CRDT update; its insert event is also the `update` change (no separate changes collection).
 *  `attribution` and `at` are absent on updates stored before history was kept (and `attribution`
 *  on any stored without a known writer). */
export interface UpdateDoc { _id: string; collaborationId: string; seq: number; origin: string; data: Binary; hash: string; attribution?: Attribution; at?: Date }
/** One ≤ 8 MB piece of a snapshot; `hash` is the checksum of the whole reassembled state. */
export interface SnapshotChunkDoc {
  _id: string; collaborationId: string; seq: number; snapshotId: string; chunk: number; chunks: number; data: Binary; hash: string; createdAt: Date;
}
/** A kv value; `expiresAt` (absent = forever) is pruned by housekeeping and the TTL index `kv_expiry`. */
export interface KvDoc { _id: string; value: string; expiresAt?: Date }
/** A relayed presence (awareness) update; expires by TTL index, its insert event is the change. */
export interface PresenceDoc { _id: string; collaborationId: string; origin: string; data: Binary; at: Date }
/** A server process's peer listener (`_id` = its instance id); expires by TTL index unless renewed. */
export interface PeerDoc { _id: string; address: string; expiresAt: Date }

export interface Collections {
  users: Collection<Stored<User>>;
  collaborations: Collection<Stored<Collaboration>>;
  members: Collection<Stored<Membership>>;
  /** `claims`: users whose use is taken and not yet settled by their join ([D40]); never served. */
  invites: Collection<Stored<Invite> & { claims?: string[] }>;
  docs: Collection<DocHead>;
  updates: Collection<UpdateDoc>;
  snapshots: Collection<SnapshotChunkDoc>;
  approvals: Collection<Stored<Approval>>;
  checkins: Collection<Stored<Checkin>>;
  audit: Collection<Stored<AuditEntry>>;
  notifications: Collection<Stored<Notification>>;
  jobs: Collection<Stored<Job>>;
  kv: Collection<KvDoc>;
  presence: Collection<PresenceDoc>;
  peers: Collection<PeerDoc>;
  projections: Collection<Stored<CollaborationProjection>>;
}

const NAMES = [
  'users', 'collaborations', 'members', 'invites', 'docs', 'updates', 'snapshots', 'approvals', 'checkins', 'audit', 'notifications', 'jobs', 'kv', 'presence', 'peers', 'projections',
] as const satisfies readonly (keyof Collections)[];
/** Every collection of Collections, each named after its key (this fails to compile if one is missing). */
export const COLLECTION_NAMES: Exclude<keyof Collections, (typeof NAMES)[number]> extends never ? typeof NAMES : never = NAMES;

export interface Ctx {
  readonly client: MongoClient;
  readonly db: Db;
  readonly c: Collections;
  /** Aborted by store.close(), so running tails stop. */
  readonly closing: AbortSignal;
  /** Run fn in a multi-document transaction (retried by the driver on transient errors). */
  tx<T>(fn: (session: ClientSession) => Promise<T>): Promise<T>;
}

/** How long a write waits for the majority (and a commit for its acknowledgement) before it fails
 *  instead of hanging while a secondary is down or lagging: the caller keeps the data and retries
 *  (SPEC [S7]); a timed-out write may still commit, and a repeated Yjs update is harmless. */
export const WRITE_TIMEOUT_MS = 10_000;

// Transactions read a snapshot and commit majority + journaled; per-operation concerns are
// not allowed inside a transaction (the driver strips them), so they are set here once.
const TX_OPTIONS: TransactionOptions = {
  readConcern: { level: 'snapshot' },
  writeConcern: new WriteConcern('majority', WRITE_TIMEOUT_MS, true),
  readPreference: 'primary',
  maxCommitTimeMS: WRITE_TIMEOUT_MS,
};

/** Connect and insist on a replica set or a mongos: a standalone mongod has neither transactions nor change streams. */
export async function connect(url: string, dbName: string): Promise<{ client: MongoClient; db: Db }> {
  const client = new MongoClient(url, {
    writeConcern: { w: 'majority', journal: true, wtimeoutMS: WRITE_TIMEOUT_MS },
    readConcern: { level: 'majority' },
    readPreference: 'primary',
    // Optional record fields that are undefined must be left out (as JSON.stringify does in the
    // SQLite adapter), not stored as null, or the record would fail its schema on read.
    ignoreUndefined: true,
  });
  try {
    await client.connect();
    const refused = unsupportedTopology(classifyHello(await client.db('admin').command({ hello: 1 })));
    if (refused !== null) throw new Error(refused);
  } catch (err) {
    await client.close().catch(() => undefined);
    throw err;
  }
  return { client, db: client.db(dbName) };
}

export function makeCtx(client: MongoClient, db: Db, closing: AbortSignal): Ctx {
  // Each collection is named after its key; COLLECTION_NAMES' type checks that none is missing.
  const c = Object.fromEntries(COLLECTION_NAMES.map((name) => [name, db.collection(name)])) as unknown as Collections;
  return {
    client, db, c, closing,
    async tx(fn) {
      const session = client.startSession();
      try {
        return await session.withTransaction(() => fn(session), TX_OPTIONS);
      } finally {
        await session.endSession();
      }
    },
  };
}

/** E11000: a unique index (named after its invariant) refused the write. */
export function isDuplicateKey(err: unknown): boolean {
  return err instanceof MongoServerError && err.code === 11000;
}

/** Runs a transaction again when two first upserts of one document raced (a document head, an
 *  owner guard): outside a transaction the server retries such an upsert itself (SERVER-37124);
 *  inside one the loser can get E11000 instead of a transient write conflict. Its transaction was
 *  aborted whole, so running it again is safe. */
export async function retryUpsertRace<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isDuplicateKey(err) || attempt >= 3) throw err;
    }
  }
}

/** The record without Mongo's `_id`, ready for schema parsing. */
export function withoutId<T extends { _id: unknown }>(doc: T): Omit<T, '_id'> {
  const { _id, ...rest } = doc;
  return rest;
}

/** Members are keyed `${collaborationId}:${userId}` (ids never contain ':'), so a delete event's
 *  documentKey alone names both ids for the `membership` change. */
export const memberKey = (collaborationId: string, userId: string) => `${collaborationId}:${userId}`;
export const memberDoc = (m: Membership): Stored<Membership> => ({ ...m, _id: memberKey(m.collaborationId, m.userId) });

/** A copy of a stored blob as a plain Uint8Array (not a view into the driver's reply buffer). */
export function bytesOf(b: Binary): Uint8Array {
  return new Uint8Array(b.value());
}

export function toBinary(data: Uint8Array): Binary {
  return new Binary(data);
}
