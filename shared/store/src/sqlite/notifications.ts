// Per-user notifications with read state.
import { Notification } from '@trellis/schema';
import type { NotificationRepo } from '../types.ts';
import { parseRecord } from '../parse-record.ts';
import type { Db } from './db.ts';
import { stmt, writeTx } from './db.ts';
import { emitChange } from './emit.ts';
import { toPage } from '../page.ts';

interface Row { id: string; data: string; read_at: string | null }
const toNotification = (r: Row) => ({ ...parseRecord(Notification, JSON.parse(r.data), `notification ${r.id}`), readAt: r.read_at });

export function sqliteNotifications(db: Db): NotificationRepo {
  return {
    async create(n) {
      writeTx(db, () => {
        stmt(db, 'INSERT INTO notifications (id, user_id, read_at, data) VALUES (?, ?, ?, ?)').run(n.id, n.userId, n.readAt, JSON.stringify(n));
        emitChange(db, { type: 'notification', userId: n.userId, notificationId: n.id });
      });
    },
    async list(userId, page) {
      const rows = db
        .prepare(
          `SELECT id, data, read_at FROM notifications WHERE user_id = ? AND (? = 0 OR read_at IS NULL) AND (? = '' OR id < ?) ORDER BY id DESC LIMIT ?`,
        )
        .all(userId, page.unreadOnly ? 1 : 0, page.cursor ?? '', page.cursor ?? '', page.limit + 1) as Row[];
      return toPage(rows, page.limit, toNotification, (r) => r.id);
    },
    async markRead(userId, ids, at) {
      if (ids.length === 0) return 0;
      return writeTx(db, () => {
        const marks = ids.map(() => '?').join(',');
        const changed = db
          .prepare(`UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL AND id IN (${marks}) RETURNING id`)
          .all(at, userId, ...ids) as { id: string }[];
        for (const { id } of changed) emitChange(db, { type: 'notification', userId, notificationId: id });
        return changed.length;
      });
    },
    async unreadCount(userId) {
      return (stmt(db, 'SELECT COUNT(*) AS n FROM notifications WHERE user_id = ? AND read_at IS NULL').get(userId) as { n: number }).n;
    },
  };
}
