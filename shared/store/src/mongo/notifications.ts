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
      // Each replaced document's event is a `notification` change, carrying its userId with no
      // lookup (change-events.ts); ids already read (or someone else's) are not written and emit
      // nothing. Each replace matches only while still unread, so a racing markRead counts it once.
      const unread = await c.notifications.find({ userId, readAt: null, _id: { $in: ids } }).toArray();
      if (unread.length === 0) return 0;
      const res = await c.notifications.bulkWrite(
        unread.map((d) => ({ replaceOne: { filter: { _id: d._id, userId, readAt: null }, replacement: { ...withoutId(d), readAt: at } } })),
        { ordered: false },
      );
      return res.modifiedCount;
    },
    async unreadCount(userId) {
      return c.notifications.countDocuments({ userId, readAt: null });
    },
  };
}
