// Invites by email and by link. Taking a use is one conditional UPDATE, so concurrent accepts of a
// single-use link (in any process sharing the file) succeed exactly once ([D40]); in the same
// transaction the use becomes the taker's claim (`invite_claims`) until their join settles it.
import { Invite } from '@trellis/schema';
import type { InviteRepo } from '../types.ts';
import { parseRecord } from '../parse-record.ts';
import type { Db } from './db.ts';
import { stmt, writeTx } from './db.ts';
import { toPage } from '../page.ts';

interface Row {
  id: string; collab_id: string; kind: string; role: string; email: string | null; token_hash: string | null; created_by: string;
  created_at: string; expires_at: string | null; max_uses: number; uses: number; revoked_at: string | null;
}

const toInvite = (r: Row) =>
  parseRecord(Invite, {
    id: r.id, collaborationId: r.collab_id, kind: r.kind, role: r.role, email: r.email, tokenHash: r.token_hash, createdBy: r.created_by,
    createdAt: r.created_at, expiresAt: r.expires_at, maxUses: r.max_uses, uses: r.uses, revokedAt: r.revoked_at,
  }, `invite ${r.id}`);

export function sqliteInvites(db: Db): InviteRepo {
  const byId = (id: string) => stmt(db, 'SELECT * FROM invites WHERE id = ?').get(id) as Row | undefined;
  return {
    async create(i) {
      stmt(db,
        `INSERT INTO invites (id, collab_id, kind, role, email, token_hash, created_by, created_at, expires_at, max_uses, uses, revoked_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(i.id, i.collaborationId, i.kind, i.role, i.email, i.tokenHash, i.createdBy, i.createdAt, i.expiresAt, i.maxUses, i.uses, i.revokedAt);
    },
    async get(id) {
      const r = byId(id);
      return r ? toInvite(r) : null;
    },
    async findByTokenHash(tokenHash) {
      const r = stmt(db, 'SELECT * FROM invites WHERE token_hash = ?').get(tokenHash) as Row | undefined;
      return r ? toInvite(r) : null;
    },
    async listForCollaboration(collaborationId, page) {
      const rows = stmt(db, `SELECT * FROM invites WHERE collab_id = ? AND (? = '' OR id < ?) ORDER BY id DESC LIMIT ?`)
        .all(collaborationId, page.cursor ?? '', page.cursor ?? '', page.limit + 1) as Row[];
      return toPage(rows, page.limit, toInvite, (r) => r.id);
    },
    async listOpenForEmail(email) {
      const rows = stmt(db, `SELECT * FROM invites WHERE email = ? AND revoked_at IS NULL
         AND (uses < max_uses OR EXISTS (SELECT 1 FROM invite_claims WHERE invite_id = invites.id)) ORDER BY id LIMIT 100`).all(email) as Row[];
      return rows.map(toInvite);
    },
    async revoke(collaborationId, id, at) {
      return writeTx(db, () => {
        const res = stmt(db, 'UPDATE invites SET revoked_at = ? WHERE id = ? AND collab_id = ? AND revoked_at IS NULL').run(at, id, collaborationId);
        const r = byId(id);
        return r && r.collab_id === collaborationId ? { invite: toInvite(r), revokedNow: res.changes === 1 } : null;
      });
    },
    async use(id, now, userId) {
      return writeTx(db, () => {
        const held = byId(id);
        const claimed = stmt(db, 'SELECT 1 FROM invite_claims WHERE invite_id = ? AND user_id = ?').get(id, userId) !== undefined;
        if (held && claimed && held.revoked_at === null && (held.expires_at === null || held.expires_at > now)) return { ok: true as const, invite: toInvite(held) };
        const res = stmt(db,
          `UPDATE invites SET uses = uses + 1
           WHERE id = ? AND revoked_at IS NULL AND uses < max_uses AND (expires_at IS NULL OR expires_at > ?)`,
        ).run(id, now);
        const r = byId(id);
        if (!r) return { ok: false as const, reason: 'absent' as const };
        if (res.changes !== 1) return { ok: false as const, reason: refusalOf(r, now) };
        stmt(db, 'INSERT OR IGNORE INTO invite_claims (invite_id, user_id, claimed_at) VALUES (?, ?, ?)').run(id, userId, now);
        return { ok: true as const, invite: toInvite(r) };
      });
    },
    async settle(id, userId) {
      stmt(db, 'DELETE FROM invite_claims WHERE invite_id = ? AND user_id = ?').run(id, userId);
    },
  };
}

function refusalOf(r: Row, now: string): 'revoked' | 'expired' | 'used_up' {
  if (r.revoked_at !== null) return 'revoked';
  if (r.expires_at !== null && r.expires_at <= now) return 'expired';
  return 'used_up';
}
