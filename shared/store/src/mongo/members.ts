// Memberships and "my collaborations" (documents keyed by memberKey, see db.ts).
import { Membership } from '@trellis/schema';
import type { Collaboration, Role } from '@trellis/schema';
import type { MemberRepo } from '../types.ts';
import { parseRecord } from '../parse-record.ts';
import { toCollaboration } from './collaborations.ts';
import type { Ctx, Stored } from './db.ts';
import { memberKey, withoutId } from './db.ts';
import { toPage } from './page.ts';

const toMembership = (d: Stored<Membership>) => parseRecord(Membership, withoutId(d), `membership ${d._id}`);

export function mongoMembers({ c }: Ctx): MemberRepo {
  return {
    async get(collaborationId, userId) {
      const d = await c.members.findOne({ _id: memberKey(collaborationId, userId) });
      return d ? toMembership(d) : null;
    },
    async put(m) {
      // Whole-document replace, upsert on _id (taken from the filter): its insert/replace event carries the new role.
      await c.members.replaceOne({ _id: memberKey(m.collaborationId, m.userId) }, m, { upsert: true });
    },
    async remove(collaborationId, userId) {
      const res = await c.members.deleteOne({ _id: memberKey(collaborationId, userId) });
      return res.deletedCount > 0;
    },
    async list(collaborationId, page) {
      const rows = await c.members
        .find({ collaborationId, userId: { $gt: page.cursor ?? '' } })
        .sort({ userId: 1 })
        .limit(page.limit + 1)
        .toArray();
      return toPage(rows, page.limit, toMembership, (d) => d.userId);
    },
    async countOwners(collaborationId) {
      return c.members.countDocuments({ collaborationId, role: 'owner' });
    },
    async listForUser(userId, page) {
      // Inner join before the limit (as SQLite's JOIN ... LIMIT): memberships whose collaboration
      // is missing are skipped without shortening the page.
      const rows = await c.members
        .aggregate<Stored<Membership> & { collab: Stored<Collaboration> }>([
          { $match: { userId, ...(page.cursor ? { collaborationId: { $lt: page.cursor } } : {}) } },
          { $sort: { collaborationId: -1 } },
          { $lookup: { from: 'collaborations', localField: 'collaborationId', foreignField: '_id', as: 'collab' } },
          { $unwind: '$collab' },
          { $limit: page.limit + 1 },
        ])
        .toArray();
      return toPage(
        rows,
        page.limit,
        ({ collab, ...m }): { collaboration: Collaboration; role: Role } => ({ collaboration: toCollaboration(collab), role: toMembership(m).role }),
        (r) => r.collaborationId,
      );
    },
  };
}
