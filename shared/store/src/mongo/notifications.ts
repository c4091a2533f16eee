// Per-user notifications with read state (synced across the user's devices via the change feed).
import { Notification } from '@trellis/schema';
import type { NotificationRepo } from '../types.ts';
import { parseRecord } from '../parse-record.ts';
import type { Ctx, Stored } from './db.ts';
import { withoutId } from './db.ts';
import { toPage } from '../page.ts';

const toNotification = (d: Stored<Notification>) => parseRecord(Notification, withoutId(d), `notification ${d._id}`);

export function mongoNotifications({ c }: Ctx): NotificationRepo {
  return {
    async create(n) {
      // The insert event is the `notification` change.
      await c.notifications.insertOne({ ...n, _id: n.id });
    },
    async list(userId, page) {
      const rows = await c.notifications
        .find({ userId, ...(page.unreadOnly ? { readAt: null } : {}), ...(page.cursor ? { _id: { $lt: page.cursor } } : {}) })
        .sort({ _id: -1 })
        .limit(page.limit + 1)
        .toArray();
      return toPage(rows, page.limit, toNotification, (d) => d._id);
    },
    async markRead(userId, ids, at) {
      if (ids.length === 0) return 0;
      // Each modified document's update event is a `notification` change; ids that were already
      // read (or belong to someone else) are not written and so emit nothing.
      const res = await c.notifications.updateMany({ userId, readAt: null, _id: { $in: ids } }, { $set: { readAt: at } });
      return res.modifiedCount;
    },
    async unreadCount(userId) {
      return c.notifications.countDocuments({ userId, readAt: null });
    },
  };
}
