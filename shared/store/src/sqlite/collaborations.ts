// Collaborations; creation also writes the owner membership in the same transaction.
import { Collaboration } from '@trellis/schema';
import type { CollaborationRepo } from '../types.ts';
import { parseRecord } from '../parse-record.ts';
import type { Db } from './db.ts';
import { stmt, writeTx } from './db.ts';
import { emitChange } from './emit.ts';
import { toPage } from '../page.ts';

interface Row { id: string; data: string }

export function parseCollaboration(r: Row): Collaboration {
  let json: unknown;
  try {
    json = JSON.parse(r.data);
  } catch (err) {
    return parseRecord(Collaboration, undefined, `collaboration ${r.id} (${String(err)})`);
  }
  return parseRecord(Collaboration, json, `collaboration ${r.id}`);
}

export function sqliteCollaborations(db: Db): CollaborationRepo {
  return {
    async create(c) {
      writeTx(db, () => {
        stmt(db, 'INSERT INTO collaborations (id, data, checkins_on, updated_at) VALUES (?, ?, ?, ?)').run(
          c.id, JSON.stringify(c), c.settings.aiCheckins && !c.archived ? 1 : 0, c.updatedAt,
        );
        const m = { collaborationId: c.id, userId: c.ownerId, role: 'owner', addedAt: c.createdAt, addedBy: null };
        stmt(db, 'INSERT INTO members (collab_id, user_id, role, data) VALUES (?, ?, ?, ?)').run(c.id, c.ownerId, 'owner', JSON.stringify(m));
        emitChange(db, { type: 'membership', collaborationId: c.id, userId: c.ownerId, role: 'owner' });
      });
    },
    async get(id) {
      const r = stmt(db, 'SELECT id, data FROM collaborations WHERE id = ?').get(id) as Row | undefined;
      return r ? parseCollaboration(r) : null;
    },
    async update(id, patch) {
      return writeTx(db, () => {
        const r = stmt(db, 'SELECT id, data FROM collaborations WHERE id = ?').get(id) as Row | undefined;
        if (!r) return null;
        const next: Collaboration = { ...parseCollaboration(r), ...patch, updatedAt: new Date().toISOString() };
        Collaboration.parse(next);
        stmt(db, 'UPDATE collaborations SET data = ?, checkins_on = ?, updated_at = ? WHERE id = ?').run(
          JSON.stringify(next), next.settings.aiCheckins && !next.archived ? 1 : 0, next.updatedAt, id,
        );
        emitChange(db, { type: 'collaboration', collaborationId: id });
        return next;
      });
    },
    async listCheckinEnabled(page) {
      const rows = db
        .prepare('SELECT id, data FROM collaborations WHERE checkins_on = 1 AND id > ? ORDER BY id LIMIT ?')
        .all(page.cursor ?? '', page.limit + 1) as Row[];
      return toPage(rows, page.limit, parseCollaboration, (r) => r.id);
    },
  };
}
