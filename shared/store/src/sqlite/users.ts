// Users mirrored on first sight.
import { User } from '@trellis/schema';
import type { UserRepo } from '../types.ts';
import { parseRecord } from '../parse-record.ts';
import type { Db } from './db.ts';
import { stmt } from './db.ts';

interface Row { id: string; email: string | null; display_name: string; created_at: string }

export function sqliteUsers(db: Db): UserRepo {
  const toUser = (r: Row) => parseRecord(User, { id: r.id, email: r.email, displayName: r.display_name, createdAt: r.created_at }, `user ${r.id}`);
  return {
    async upsert(u) {
      stmt(db, 
        `INSERT INTO users (id, email, display_name, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET email = excluded.email, display_name = excluded.display_name`,
      ).run(u.id, u.email, u.displayName, u.createdAt);
      return toUser(stmt(db, 'SELECT * FROM users WHERE id = ?').get(u.id) as Row);
    },
    async get(id) {
      const r = stmt(db, 'SELECT * FROM users WHERE id = ?').get(id) as Row | undefined;
      return r ? toUser(r) : null;
    },
    async findByEmail(email) {
      const r = stmt(db, 'SELECT * FROM users WHERE lower(email) = lower(?) ORDER BY created_at, id LIMIT 1').get(email) as Row | undefined;
      return r ? toUser(r) : null;
    },
  };
}
