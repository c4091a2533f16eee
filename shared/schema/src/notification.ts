// A notification for one user; read state syncs across that user's devices through the store.
import { z } from 'zod';
import { idString } from './ids.ts';

export const Notification = z.object({
  id: idString,
  userId: idString,
  collaborationId: idString,
  kind: z.enum(['approval', 'mention', 'checkin', 'membership']),
  title: z.string(),
  ref: z.string().nullable(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});
export type Notification = z.infer<typeof Notification>;
