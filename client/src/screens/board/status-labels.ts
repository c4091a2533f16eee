// How each activity status is named on the board.
import type { ActivityStatus } from '@trellis/schema';

export const STATUS_LABEL: Record<ActivityStatus, string> = { proposed: 'Proposed', scheduled: 'Scheduled', done: 'Done', cancelled: 'Cancelled' };
export const STATUSES: readonly ActivityStatus[] = ['proposed', 'scheduled', 'done', 'cancelled'];
