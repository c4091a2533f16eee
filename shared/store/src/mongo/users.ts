// Users mirrored on first sight.
import { User } from '@trellis/schema';
import type { UserRepo } from '../types.ts';
import { parseRecord } from '../parse-record.ts';
import type { Ctx, Stored } from './db.ts';
import { withoutId } from './db.ts';

const toUser = (d: Stored<User>) => parseRecord(User, withoutId(d), `user ${d._id}`);

export function mongoUsers({ c }: Ctx): UserRepo {
  return {
    async upsert(u) {
      // Upsert on _id (unique), so concurrent first sightings cannot create duplicates;
      // createdAt is kept from the first sighting, email/displayName refreshed.
      await c.users.updateOne(
        { _id: u.id },
        { $set: { email: u.email, displayName: u.displayName }, $setOnInsert: { id: u.id, createdAt: u.createdAt } },
        { upsert: true },
      );
      const d = await c.users.findOne({ _id: u.id });
      if (!d) throw new Error(`user ${u.id} vanished after upsert`);
      return toUser(d);
    },
    async get(id) {
      const d = await c.users.findOne({ _id: id });
      return d ? toUser(d) : null;
    },
    async findByEmail(email) {
      // The collation matches the index `users_by_email`: case-insensitive, as SQLite's lower(email).
      const d = await c.users.find({ email }, { collation: { locale: 'en', strength: 2 } }).sort({ createdAt: 1, _id: 1 }).limit(1).next();
      return d ? toUser(d) : null;
    },
  };
}
