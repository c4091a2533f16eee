// Domain events derived from a change to a collaboration document, whoever made it (a client's CRDT
// update, an action, the AI). Rules, mention notifications and `@ai` replies react to these.
import { z } from 'zod';
import { ActivityStatus } from './activity.ts';

export const DocEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('messageCreated'), messageId: z.string(), authorId: z.string(), body: z.string(), kind: z.string() }),
  z.object({ type: z.literal('activityCreated'), activityId: z.string(), title: z.string() }),
  z.object({ type: z.literal('activityStatusChanged'), activityId: z.string(), title: z.string(), from: ActivityStatus.nullable(), to: ActivityStatus }),
]);
export type DocEvent = z.infer<typeof DocEvent>;
