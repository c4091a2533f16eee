// The MongoDB store: a replica set or a sharded cluster (transactions, change streams), majority + journaled writes.
// Same semantics as the SQLite adapter; both pass ../conformance/suite.ts.
import type { Store } from '../types.ts';
import { mongoApprovals } from './approvals.ts';
import { mongoAudit } from './audit.ts';
import { mongoChanges } from './changes.ts';
import { mongoCheckins } from './checkins.ts';
import { mongoCollaborations } from './collaborations.ts';
import { connect, makeCtx } from './db.ts';
import { mongoDocs } from './docs.ts';
import { ensureIndexes } from './indexes.ts';
import { mongoInvites } from './invites.ts';
import { mongoJobs } from './jobs.ts';
import { backfillKvExpiry, mongoKv } from './kv.ts';
import { mongoMembers } from './members.ts';
import { mongoNotifications } from './notifications.ts';
import { mongoPeers } from './peers.ts';
import { mongoPresence } from './presence.ts';
import { mongoProjections } from './projections.ts';
import { mongoUsers } from './users.ts';

export interface MongoStoreOptions {
  url: string;
  /** Database name (tests pass a fresh one). Default: the URL's database, else 'trellis'. */
  dbName?: string;
}

/** The URL's default database (`mongodb://host/<db>?...`), if it names one. */
function dbNameInUrl(url: string): string | undefined {
  const m = /^mongodb(?:\+srv)?:\/\/[^/?#]*\/([^?#]+)/.exec(url);
  return m?.[1] ? decodeURIComponent(m[1]) : undefined;
}

export async function createMongoStore(opts: MongoStoreOptions): Promise<Store> {
  const dbName = opts.dbName ?? dbNameInUrl(opts.url) ?? 'trellis';
  const { client, db } = await connect(opts.url, dbName);
  const closing = new AbortController();
  const ctx = makeCtx(client, db, closing.signal);
  try {
    await ensureIndexes(db);
    await backfillKvExpiry(ctx.c, Date.now());
  } catch (err) {
    await client.close().catch(() => undefined);
    throw err;
  }
  return {
    kind: 'mongo',
    users: mongoUsers(ctx),
    collaborations: mongoCollaborations(ctx),
    members: mongoMembers(ctx),
    invites: mongoInvites(ctx),
    docs: mongoDocs(ctx),
    approvals: mongoApprovals(ctx),
    checkins: mongoCheckins(ctx),
    audit: mongoAudit(ctx),
    notifications: mongoNotifications(ctx),
    jobs: mongoJobs(ctx),
    kv: mongoKv(ctx),
    presence: mongoPresence(ctx),
    peers: mongoPeers(ctx),
    projections: mongoProjections(ctx),
    changes: mongoChanges(ctx),
    async close() {
      // Stop running tails first, so they end instead of reporting a closed client.
      closing.abort();
      await client.close();
    },
  };
}
