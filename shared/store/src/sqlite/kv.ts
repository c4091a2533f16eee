// Small durable values (change-feed cursors, idempotency results, markers), optionally expiring.
import type { KeyValueRepo } from '../types.ts';
import type { Db } from './db.ts';
import { stmt } from './db.ts';

/** Rows deleted per statement: a big backlog is pruned without holding the write lock for long. */
const PRUNE_BATCH = 1000;

export function sqliteKv(db: Db): KeyValueRepo {
  return {
    async get(key) {
      const r = stmt(db, 'SELECT value FROM kv WHERE key = ?').get(key) as { value: string } | undefined;
      return r?.value ?? null;
    },
    async set(key, value, opts) {
      stmt(db, 'INSERT INTO kv (key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at')
        .run(key, value, opts?.expiresAt ?? null);
    },
    async setIfAbsent(key, value, opts) {
      return stmt(db, 'INSERT INTO kv (key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(key, value, opts?.expiresAt ?? null).changes === 1;
    },
    async compareAndSet(key, expected, value, opts) {
      return stmt(db, 'UPDATE kv SET value = ?, expires_at = ? WHERE key = ? AND value = ?').run(value, opts?.expiresAt ?? null, key, expected).changes === 1;
    },
    async pruneExpired(now) {
      let total = 0;
      for (;;) {
        const n = stmt(db, 'DELETE FROM kv WHERE key IN (SELECT key FROM kv WHERE expires_at <= ? LIMIT ?)').run(now, PRUNE_BATCH).changes;
        total += n;
        if (n < PRUNE_BATCH) return total;
      }
    },
  };
}
