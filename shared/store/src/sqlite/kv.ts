// Small durable values (change-feed cursors, idempotency results).
import type { KeyValueRepo } from '../types.ts';
import type { Db } from './db.ts';
import { stmt } from './db.ts';

export function sqliteKv(db: Db): KeyValueRepo {
  return {
    async get(key) {
      const r = stmt(db, 'SELECT value FROM kv WHERE key = ?').get(key) as { value: string } | undefined;
      return r?.value ?? null;
    },
    async set(key, value) {
      stmt(db, 'INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
    },
    async setIfAbsent(key, value) {
      return stmt(db, 'INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT DO NOTHING').run(key, value).changes === 1;
    },
  };
}
