// Invites by email and by link. Taking a use is one conditional findOneAndUpdate, so concurrent
// accepts of a single-use link (from any server) succeed exactly once ([D40]); the same update
// records the taker's claim (`claims`) until their join settles it.
import { Invite } from '@trellis/schema';
import type { InviteRepo } from '../types.ts';
import { parseRecord } from '../parse-record.ts';
import type { Ctx, Stored } from './db.ts';
import { withoutId } from './db.ts';
import { toPage } from '../page.ts';

const toInvite = (d: Stored<Invite>) => parseRecord(Invite, withoutId(d), `invite ${d._id}`);

export function mongoInvites({ c }: Ctx): InviteRepo {
  return {
    async create(i) {
      await c.invites.insertOne({ ...i, _id: i.id });
    },
    async get(id) {
      const d = await c.invites.findOne({ _id: id });
      return d ? toInvite(d) : null;
    },
    async findByTokenHash(tokenHash) {
      const d = await c.invites.findOne({ tokenHash });
      return d ? toInvite(d) : null;
    },
    async listForCollaboration(collaborationId, page) {
      const rows = await c.invites
        .find({ collaborationId, ...(page.cursor ? { _id: { $lt: page.cursor } } : {}) })
        .sort({ _id: -1 })
        .limit(page.limit + 1)
        .toArray();
      return toPage(rows, page.limit, toInvite, (d) => d._id);
    },
    async listOpenForEmail(email) {
      const rows = await c.invites.find({ email, revokedAt: null, $or: [{ $expr: { $lt: ['$uses', '$maxUses'] } }, { 'claims.0': { $exists: true } }] }).sort({ _id: 1 }).limit(100).toArray();
      return rows.map(toInvite);
    },
    async revoke(collaborationId, id, at) {
      const res = await c.invites.updateOne({ _id: id, collaborationId, revokedAt: null }, { $set: { revokedAt: at } });
      const d = await c.invites.findOne({ _id: id, collaborationId });
      return d ? { invite: toInvite(d), revokedNow: res.modifiedCount === 1 } : null;
    },
    async use(id, now, userId) {
      const d = await c.invites.findOneAndUpdate(
        { _id: id, revokedAt: null, claims: { $ne: userId }, $expr: { $lt: ['$uses', '$maxUses'] }, $or: [{ expiresAt: null }, { expiresAt: { $gt: now } }] },
        { $inc: { uses: 1 }, $push: { claims: userId } },
        { returnDocument: 'after' },
      );
      if (d) return { ok: true, invite: toInvite(d) };
      const cur = await c.invites.findOne({ _id: id });
      if (!cur) return { ok: false, reason: 'absent' };
      if (cur.revokedAt !== null) return { ok: false, reason: 'revoked' };
      if (cur.expiresAt !== null && cur.expiresAt <= now) return { ok: false, reason: 'expired' };
      if (cur.claims?.includes(userId)) return { ok: true, invite: toInvite(cur) };
      return { ok: false, reason: 'used_up' };
    },
    async settle(id, userId) {
      await c.invites.updateOne({ _id: id }, { $pull: { claims: userId } });
    },
  };
}
