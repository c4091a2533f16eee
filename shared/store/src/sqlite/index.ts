// The embedded store: one SQLite file under DATA_DIR, shared safely by several processes.
import type { Store } from '../types.ts';
import { sqliteApprovals } from './approvals.ts';
import { sqliteAudit } from './audit.ts';
import { sqliteChanges } from './changes.ts';
import { sqliteCheckins } from './checkins.ts';
import { sqliteCollaborations } from './collaborations.ts';
import { openDb } from './db.ts';
import { sqliteDocs } from './docs.ts';
import { sqliteInvites } from './invites.ts';
import { sqliteJobs } from './jobs.ts';
import { sqliteKv } from './kv.ts';
import { sqliteMembers } from './members.ts';
import { sqliteNotifications } from './notifications.ts';
import { sqlitePeers } from './peers.ts';
import { sqlitePresence } from './presence.ts';
import { sqliteProjections } from './projections.ts';
import { sqliteUsers } from './users.ts';

export interface SqliteStoreOptions {
  dataDir: string;
  /** How often the change feed polls for new rows. */
  pollMs?: number;
}

export function createSqliteStore(opts: SqliteStoreOptions): Store {
  const db = openDb(opts.dataDir);
  return {
    kind: 'sqlite',
    users: sqliteUsers(db),
    collaborations: sqliteCollaborations(db),
    members: sqliteMembers(db),
    invites: sqliteInvites(db),
    docs: sqliteDocs(db),
    approvals: sqliteApprovals(db),
    checkins: sqliteCheckins(db),
    audit: sqliteAudit(db),
    notifications: sqliteNotifications(db),
    jobs: sqliteJobs(db),
    kv: sqliteKv(db),
    presence: sqlitePresence(db),
    peers: sqlitePeers(db),
    projections: sqliteProjections(db),
    changes: sqliteChanges(db, opts.pollMs ?? 10),
    async close() {
      db.close();
    },
  };
}
