// Memberships and "my collaborations".
import { Membership, Role } from '@trellis/schema';
import type { MemberRepo } from '../types.ts';
import { parseRecord } from '../parse-record.ts';
import { parseCollaboration } from './collaborations.ts';
import type { Db } from './db.ts';
import { stmt, writeTx } from './db.ts';
import { emitChange } from './emit.ts';
import { toPage } from '../page.ts';

interface Row { collab_id: string; user_id: string; data: string }

const toMembership = (r: Row) => parseRecord(Membership, JSON.parse(r.data), `membership ${r.collab_id}/${r.user_id}`);

export function sqliteMembers(db: Db): MemberRepo {
  return {
    async get(collaborationId, userId) {
      const r = stmt(db, 'SELECT * FROM members WHERE collab_id = ? AND user_id = ?').get(collaborationId, userId) as Row | undefined;
      return r ? toMembership(r) : null;
    },
    async add(m) {
      // One INSERT: no read-then-write window in which two adds both succeed or one overwrites a role.
      return writeTx(db, () => {
        const res = stmt(db, 'INSERT INTO members (collab_id, user_id, role, data) VALUES (?, ?, ?, ?) ON CONFLICT (collab_id, user_id) DO NOTHING').run(
          m.collaborationId, m.userId, m.role, JSON.stringify(m),
        );
        if (res.changes === 0) return false;
        emitChange(db, { type: 'membership', collaborationId: m.collaborationId, userId: m.userId, role: m.role });
        return true;
      });
    },
    async put(m) {
      writeTx(db, () => {
        stmt(db, 
          `INSERT INTO members (collab_id, user_id, role, data) VALUES (?, ?, ?, ?)
           ON CONFLICT (collab_id, user_id) DO UPDATE SET role = excluded.role, data = excluded.data`,
        ).run(m.collaborationId, m.userId, m.role, JSON.stringify(m));
        emitChange(db, { type: 'membership', collaborationId: m.collaborationId, userId: m.userId, role: m.role });
      });
    },
    async remove(collaborationId, userId) {
      return writeTx(db, () => {
        const res = stmt(db, 'DELETE FROM members WHERE collab_id = ? AND user_id = ?').run(collaborationId, userId);
        if (res.changes > 0) emitChange(db, { type: 'membership', collaborationId, userId, role: null });
        return res.changes > 0;
      });
    },
    async list(collaborationId, page) {
      const rows = db
        .prepare('SELECT * FROM members WHERE collab_id = ? AND user_id > ? ORDER BY user_id LIMIT ?')
        .all(collaborationId, page.cursor ?? '', page.limit + 1) as Row[];
      return toPage(rows, page.limit, toMembership, (r) => r.user_id);
    },
    async countOwners(collaborationId) {
      const r = stmt(db, "SELECT COUNT(*) AS n FROM members WHERE collab_id = ? AND role = 'owner'").get(collaborationId) as { n: number };
      return r.n;
    },
    async changeGuarded(collaborationId, userId, role) {
      // One BEGIN IMMEDIATE transaction: the write lock is taken before the owner count is read, so
      // check and change are atomic across connections and OS processes sharing the database.
      return writeTx(db, () => {
        const r = stmt(db, 'SELECT * FROM members WHERE collab_id = ? AND user_id = ?').get(collaborationId, userId) as Row | undefined;
        if (!r) return 'absent';
        const m = toMembership(r);
        if (m.role === 'owner' && role !== 'owner') {
          const owners = stmt(db, "SELECT COUNT(*) AS n FROM members WHERE collab_id = ? AND role = 'owner'").get(collaborationId) as { n: number };
          if (owners.n <= 1) return 'last_owner';
        }
        if (role === null) {
          stmt(db, 'DELETE FROM members WHERE collab_id = ? AND user_id = ?').run(collaborationId, userId);
        } else {
          const next: Membership = { ...m, role };
          stmt(db, 'UPDATE members SET role = ?, data = ? WHERE collab_id = ? AND user_id = ?').run(role, JSON.stringify(next), collaborationId, userId);
        }
        emitChange(db, { type: 'membership', collaborationId, userId, role });
        return 'ok';
      });
    },
    async listForUser(userId, page) {
      const rows = db
        .prepare(
          `SELECT m.role AS role, c.id AS id, c.data AS data FROM members m JOIN collaborations c ON c.id = m.collab_id
           WHERE m.user_id = ? AND (? = '' OR m.collab_id < ?) ORDER BY m.collab_id DESC LIMIT ?`,
        )
        .all(userId, page.cursor ?? '', page.cursor ?? '', page.limit + 1) as { role: string; id: string; data: string }[];
      return toPage(rows, page.limit, (r) => ({ collaboration: parseCollaboration(r), role: Role.parse(r.role) }), (r) => r.id);
    },
  };
}
