// The caller's notifications (optionally unread only) and marking them read; read state lives in
// the store, so every device of the user sees it.
import type { Express } from 'express';
import { z } from 'zod';
import { idString } from '@trellis/schema';
import type { HttpDeps } from '../deps.ts';
import { userOf } from '../request-user.ts';
import { body, pageShape, query } from '../validate.ts';

export const ListQuery = z.strictObject({ ...pageShape, unread: z.enum(['0', '1', 'true', 'false']).optional() });
export const ReadBody = z.strictObject({ ids: z.array(idString).min(1).max(100) });

export function notificationRoutes(app: Express, { store }: HttpDeps): void {
  app.get('/api/notifications', async (req, res) => {
    const q = query(req, ListQuery);
    const unreadOnly = q.unread === '1' || q.unread === 'true';
    const page = await store.notifications.list(userOf(req).id, { cursor: q.cursor, limit: q.limit, unreadOnly });
    res.json(page);
  });

  app.post('/api/notifications/read', async (req, res) => {
    const { ids } = body(req, ReadBody);
    const user = userOf(req);
    const updated = await store.notifications.markRead(user.id, ids, new Date().toISOString());
    res.json({ updated, unread: await store.notifications.unreadCount(user.id) });
  });
}
