// Memberships and "my collaborations" (documents keyed by memberKey, see db.ts).
import { randomUUID } from 'node:crypto';
import { Membership } from '@trellis/schema';
import type { Collaboration, Role } from '@trellis/schema';
import type { MemberRepo } from '../types.ts';
import { parseRecord } from '../parse-record.ts';
import { toCollaboration } from './collaborations.ts';
import type { Ctx, Stored } from './db.ts';
import { isDuplicateKey, memberKey, retryUpsertRace, withoutId } from './db.ts';
import { toPage } from '../page.ts';

const toMembership = (d: Stored<Membership>) => parseRecord(Membership, withoutId(d), `membership ${d._id}`);

type Guarded = 'ok' | 'absent' | 'last_owner';

/** One membership, by `_id` and by the shard key too, so a sharded `members` routes it to one
 *  shard (an upsert there must name the shard key). */
const memberFilter = (collaborationId: string, userId: string) => ({ _id: memberKey(collaborationId, userId), collaborationId });

/** kv document every transaction that may demote or remove an owner of the collaboration writes. */
const ownerGuardKey = (collaborationId: string) => `owner-guard:${collaborationId}`;

export function mongoMembers({ c, tx }: Ctx): MemberRepo {
  return {
    async get(collaborationId, userId) {
      const d = await c.members.findOne(memberFilter(collaborationId, userId));
      return d ? toMembership(d) : null;
    },
    async add(m) {
      // One insert on the membership's _id: a duplicate is E11000, never an overwrite of the role.
      // Its insert event is the `membership` change.
      try {
        await c.members.insertOne({ _id: memberKey(m.collaborationId, m.userId), ...m });
        return true;
      } catch (err) {
        if (isDuplicateKey(err)) return false;
        throw err;
      }
    },
    async put(m) {
      // Whole-document replace, upsert on _id (taken from the filter): its insert/replace event carries the new role.
      await c.members.replaceOne(memberFilter(m.collaborationId, m.userId), m, { upsert: true });
    },
    async remove(collaborationId, userId) {
      const res = await c.members.deleteOne(memberFilter(collaborationId, userId));
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
    async changeGuarded(collaborationId, userId, role) {
      const one = memberFilter(collaborationId, userId);
      return retryUpsertRace(() =>
        tx<Guarded>(async (session) => {
          const d = await c.members.findOne(one, { session });
          if (!d) return 'absent';
          const m = toMembership(d);
          if (m.role === 'owner' && role !== 'owner') {
            // Snapshot isolation alone allows write skew: demoting owner A and removing owner B touch
            // different documents, so both could count two owners and commit. Every transaction that
            // may lower the owner count therefore also writes one guard document per collaboration
            // (kv: no change event); concurrent ones write-conflict, and withTransaction retries the
            // loser on a fresh snapshot, where it counts again. A real change (fresh value) is needed:
            // a no-op update writes nothing and would not conflict.
            await c.kv.updateOne({ _id: ownerGuardKey(collaborationId) }, { $set: { value: randomUUID() } }, { upsert: true, session });
            if ((await c.members.countDocuments({ collaborationId, role: 'owner' }, { session })) <= 1) return 'last_owner';
          }
          // The delete / replace event is the `membership` change, as for remove / put.
          if (role === null) await c.members.deleteOne(one, { session });
          else await c.members.replaceOne(one, { ...m, role }, { session });
          return 'ok';
        }),
      );
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
