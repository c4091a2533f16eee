// SQLite schema. Each unique index is named after the invariant it protects (see DATA_MODEL.md).
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY, email TEXT, display_name TEXT NOT NULL, created_at TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS collaborations (
    id TEXT PRIMARY KEY, data TEXT NOT NULL, checkins_on INTEGER NOT NULL, updated_at TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS collaborations_checkins ON collaborations (checkins_on, id);
  CREATE TABLE IF NOT EXISTS members (
    collab_id TEXT NOT NULL, user_id TEXT NOT NULL, role TEXT NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (collab_id, user_id)
  ) WITHOUT ROWID;
  CREATE UNIQUE INDEX IF NOT EXISTS members_one_role_per_user_and_collab ON members (user_id, collab_id);
  CREATE TABLE IF NOT EXISTS docs (
    collab_id TEXT PRIMARY KEY, last_seq INTEGER NOT NULL, snapshot_seq INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS updates (
    collab_id TEXT NOT NULL, seq INTEGER NOT NULL, data BLOB NOT NULL, hash TEXT NOT NULL,
    PRIMARY KEY (collab_id, seq)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS snapshots (
    collab_id TEXT NOT NULL, seq INTEGER NOT NULL, data BLOB NOT NULL, hash TEXT NOT NULL,
    PRIMARY KEY (collab_id, seq)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS approvals (
    id TEXT PRIMARY KEY, collab_id TEXT NOT NULL, status TEXT NOT NULL, data TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS approvals_by_collab_status ON approvals (collab_id, status, id);
  CREATE TABLE IF NOT EXISTS checkins (
    id TEXT PRIMARY KEY, collab_id TEXT NOT NULL, local_day TEXT NOT NULL, status TEXT NOT NULL, data TEXT NOT NULL
  );
  CREATE UNIQUE INDEX IF NOT EXISTS checkins_one_per_collab_and_local_day ON checkins (collab_id, local_day);
  CREATE TABLE IF NOT EXISTS audit (
    id TEXT PRIMARY KEY, collab_id TEXT NOT NULL, data TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS audit_by_collab ON audit (collab_id, id);
  CREATE TABLE IF NOT EXISTS notifications (
    id TEXT PRIMARY KEY, user_id TEXT NOT NULL, read_at TEXT, data TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS notifications_by_user ON notifications (user_id, id);
  CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY, type TEXT NOT NULL, status TEXT NOT NULL, run_at INTEGER NOT NULL,
    lease_until INTEGER, dedupe_key TEXT, data TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS jobs_runnable ON jobs (status, type, run_at);
  CREATE UNIQUE INDEX IF NOT EXISTS jobs_one_live_job_per_dedupe_key ON jobs (dedupe_key) WHERE status IN ('queued', 'leased');
  CREATE TABLE IF NOT EXISTS kv (
    key TEXT PRIMARY KEY, value TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT, type TEXT NOT NULL, payload TEXT NOT NULL, data BLOB, at INTEGER NOT NULL
  );
  `,
  // 2: the origin of update changes as a column, so a tailing process can skip its own writes in SQL.
  `
  ALTER TABLE changes ADD COLUMN origin TEXT;
  `,
  // 3: JSON projections of collaboration documents.
  `
  CREATE TABLE IF NOT EXISTS projections (
    collab_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, data TEXT NOT NULL
  );
  `,
  // 4: kv rows may expire (ms since epoch, NULL = kept forever); housekeeping prunes them ([D20]).
  // Rows written before this migration get their family's retention counted from now (DATA_MODEL.md);
  // every other key (change-feed marks, unknown keys) stays forever.
  `
  ALTER TABLE kv ADD COLUMN expires_at INTEGER;
  CREATE INDEX IF NOT EXISTS kv_expiry ON kv (expires_at) WHERE expires_at IS NOT NULL;
  UPDATE kv SET expires_at = CAST(strftime('%s', 'now') AS INTEGER) * 1000 + CASE
      WHEN key GLOB 'idem:*' OR key GLOB 'ai-reply-slot:*' THEN 7 * 86400000
      WHEN key GLOB 'mention:*' OR key GLOB 'aiReply:*' THEN 30 * 86400000
      WHEN key GLOB 'ai-reply-rate:*' OR key GLOB 'housekeeping:*' THEN 86400000
    END
    WHERE key GLOB 'idem:*' OR key GLOB 'ai-reply-slot:*' OR key GLOB 'mention:*' OR key GLOB 'aiReply:*'
      OR key GLOB 'ai-reply-rate:*' OR key GLOB 'housekeeping:*';
  `,
  // 5: attribution of every stored update (SPEC [A1]) and the start of each document's history
  // (DATA_MODEL.md "History"). Rows stored before this have no attribution: they are the one group
  // "before history was kept". A compacted document's history starts at its snapshot, which
  // compaction keeps from now on.
  `
  ALTER TABLE updates ADD COLUMN attribution TEXT;
  ALTER TABLE updates ADD COLUMN at INTEGER;
  ALTER TABLE docs ADD COLUMN history_seq INTEGER NOT NULL DEFAULT 0;
  UPDATE docs SET history_seq = snapshot_seq;
  `,
  // 6: invites by email and by link (SPEC [I1]–[I4]); a link's token is stored only as its hash.
  // Users are found by email (any case) to add an existing person or claim an email invite.
  `
  CREATE TABLE IF NOT EXISTS invites (
    id TEXT PRIMARY KEY, collab_id TEXT NOT NULL, kind TEXT NOT NULL, role TEXT NOT NULL, email TEXT,
    token_hash TEXT, created_by TEXT NOT NULL, created_at TEXT NOT NULL, expires_at TEXT,
    max_uses INTEGER NOT NULL, uses INTEGER NOT NULL, revoked_at TEXT
  );
  CREATE INDEX IF NOT EXISTS invites_by_collab ON invites (collab_id, id);
  CREATE UNIQUE INDEX IF NOT EXISTS invites_one_per_token ON invites (token_hash) WHERE token_hash IS NOT NULL;
  CREATE INDEX IF NOT EXISTS invites_open_by_email ON invites (email) WHERE email IS NOT NULL AND revoked_at IS NULL;
  CREATE INDEX IF NOT EXISTS users_by_email ON users (lower(email));
  `,
  // 7: the registry of server processes that link up over TCP (SPEC [S14], DATA_MODEL.md [D45]).
  `
  CREATE TABLE IF NOT EXISTS peers (
    instance_id TEXT PRIMARY KEY, address TEXT NOT NULL, expires_at INTEGER NOT NULL
  );
  `,
  // 8: an invite use taken and not yet settled by the join it was for (DATA_MODEL.md [D40]): a
  // crash between the two must not cost the person their invite.
  `
  CREATE TABLE IF NOT EXISTS invite_claims (
    invite_id TEXT NOT NULL, user_id TEXT NOT NULL, claimed_at TEXT NOT NULL,
    PRIMARY KEY (invite_id, user_id)
  ) WITHOUT ROWID;
  `,
];
