// The job types and their payloads: written by the server and the engine, run by the worker, parsed
// at the edge on both sides (a job record is input).
import { idString } from './ids.ts';
import { z } from 'zod';

export const JOB_TYPES = ['checkin-scan', 'checkin-batch', 'checkin', 'aiReply', 'aiReplyWatch'] as const;
export type JobType = (typeof JOB_TYPES)[number];

const localDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const JobPayloads = {
  'checkin-scan': z.object({}),
  'checkin-batch': z.object({ items: z.array(z.object({ collaborationId: idString, localDay, checkinId: idString })).min(1).max(20) }),
  /** Run one collaboration's check-in now; `fresh` supersedes a digest already done today.
   *  `localDay` is the day it runs for (the one the owner was told), also when a retry comes after
   *  that day's midnight (SPEC [W11]); jobs queued without it run for the day of each attempt. */
  checkin: z.object({ collaborationId: idString, force: z.boolean().default(true), fresh: z.boolean().default(false), localDay: localDay.optional() }),
  aiReply: z.object({ collaborationId: idString, messageId: z.string().min(1).max(128) }),
  /** Finish the `@ai` reply to this message if the job streaming it stopped for good mid-stream. */
  aiReplyWatch: z.object({ collaborationId: idString, messageId: z.string().min(1).max(128) }),
} as const;

export type JobPayload<T extends JobType> = z.infer<(typeof JobPayloads)[T]>;

export function isJobType(t: string): t is JobType {
  return (JOB_TYPES as readonly string[]).includes(t);
}
