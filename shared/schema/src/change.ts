// The change feed: what one process committed, for every other process to apply.
import { z } from 'zod';

export const Change = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('update'), collaborationId: z.string(), seq: z.number().int(), origin: z.string(), data: z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected bytes'),
    /** Commit time (ms since epoch) when the adapter knows it: fan-out lag. */
    at: z.number().optional(),
  }),
  z.object({ type: z.literal('collaboration'), collaborationId: z.string() }),
  /** Presence (y-protocols awareness update) relayed between server processes; ephemeral. */
  z.object({ type: z.literal('awareness'), collaborationId: z.string(), origin: z.string(), data: z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected bytes') }),
  z.object({ type: z.literal('membership'), collaborationId: z.string(), userId: z.string(), role: z.string().nullable() }),
  z.object({ type: z.literal('approval'), collaborationId: z.string(), approvalId: z.string(), status: z.string() }),
  z.object({ type: z.literal('notification'), userId: z.string(), notificationId: z.string() }),
  z.object({ type: z.literal('checkin'), collaborationId: z.string(), checkinId: z.string() }),
]);
export type Change = z.infer<typeof Change>;
export type ChangeType = Change['type'];
