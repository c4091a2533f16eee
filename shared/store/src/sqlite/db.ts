// Opening the embedded database: WAL, full sync (a write that returned is on disk), busy timeout so
// several OS processes (server instances, worker) share the same files safely.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MIGRATIONS } from './migrations.ts';

export type Db = Database.Database;

export function openDb(dataDir: string): Db {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, 'trellis.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 10000');
  db.pragma('foreign_keys = ON');
  // An up-to-date file needs no write lock to open (a writer may hold it for a while). Otherwise
  // re-read the version inside the write transaction: processes and threads opening a new file at
  // once must not both apply a migration (ALTER TABLE is not idempotent).
  const current = () => db.pragma('user_version', { simple: true }) as number;
  while (current() < MIGRATIONS.length) {
    db.transaction(() => {
      const version = current();
      if (version >= MIGRATIONS.length) return;
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
  return db;
}

/** Run fn in a write transaction that takes the lock up front (no upgrade deadlocks across processes). */
export function writeTx<T>(db: Db, fn: () => T): T {
  return db.transaction(fn).immediate();
}

const statementCaches = new WeakMap<Db, Map<string, Database.Statement<unknown[]>>>();

/** A prepared statement, cached per connection (preparing costs more than running a small query). */
export function stmt(db: Db, sql: string): Database.Statement<unknown[]> {
  let cache = statementCaches.get(db);
  if (!cache) {
    cache = new Map();
    statementCaches.set(db, cache);
  }
  let s = cache.get(sql);
  if (!s) {
    // Statements with IN (?, ?, …) lists vary in shape: bound the cache.
    if (cache.size > 500) cache.clear();
    s = db.prepare<unknown[]>(sql);
    cache.set(sql, s);
  }
  return s;
}
