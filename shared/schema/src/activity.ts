// An activity in the `activities` root.
import { z } from 'zod';

export const ActivityStatus = z.enum(['proposed', 'scheduled', 'done', 'cancelled']);
export type ActivityStatus = z.infer<typeof ActivityStatus>;

export const Activity = z.object({
  id: z.string(),
  title: z.string(),
  status: ActivityStatus,
  proposedBy: z.string().optional(),
  createdAt: z.string().optional(),
  at: z.string().optional(),
  notes: z.string().optional(),
  cancelReason: z.string().optional(),
  updatedAt: z.string().optional(),
});
export type Activity = z.infer<typeof Activity>;
