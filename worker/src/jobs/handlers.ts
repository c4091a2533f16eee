// The handler for each job type: parse the payload at the edge, then hand typed values to the
// check-in and chat modules.
import { newId } from '@trellis/schema';
import type { Job } from '@trellis/schema';
import type { AiReplyDeps } from '../chat/ai-reply.ts';
import { runAiReply } from '../chat/ai-reply.ts';
import { runReplyWatch } from '../chat/reply-watch.ts';
import { localDay } from '../checkins/local-day.ts';
import type { CheckinDeps } from '../checkins/run-checkins.ts';
import { runCheckins } from '../checkins/run-checkins.ts';
import { scanDue } from '../checkins/scan.ts';
import { AiPresence } from '../presence/ai-presence.ts';
import { withMetering } from '../providers/metered.ts';
import { housekeeping } from './housekeeping.ts';
import type { JobHandler } from './loop.ts';
import type { JobType } from '@trellis/schema';
import { JobPayloads } from '@trellis/schema';

export interface HandlerDeps extends CheckinDeps, AiReplyDeps {
  cron: string;
  maxQueued: number;
}

function payload<T extends JobType>(type: T, job: Job) {
  const parsed = JobPayloads[type].safeParse(job.payload);
  if (!parsed.success) throw new Error(`bad ${type} payload: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data as ReturnType<(typeof JobPayloads)[T]['parse']>;
}

/** Check-in record id owned by a forced job: derived from the job id so its retries resume it. */
function forcedCheckinId(jobId: string): string {
  return `ci_${jobId}`.slice(0, 64);
}

export function createHandlers(given: HandlerDeps): Record<JobType, JobHandler> {
  // Every model call any handler makes is metered once, here (providers/metered.ts).
  const deps: HandlerDeps = {
    ...given, provider: withMetering(given.provider, given.metrics),
    presence: given.presence ?? new AiPresence(given.store, `worker:${workerId()}`, given.logger),
  };
  return {
    'checkin-scan': async (_job, { log }) => {
      const res = await scanDue(deps.store, log, { cron: deps.cron, now: deps.now(), maxQueued: deps.maxQueued });
      if (res.requeued > 0) deps.metrics.checkinRequeues.inc(res.requeued);
      if (res.batches > 0) log.info(res, 'check-ins enqueued');
      await housekeeping(deps.store, deps.now(), log);
    },
    'checkin-batch': async (job, { log, signal, final }) => {
      const { items } = payload('checkin-batch', job);
      const res = await runCheckins({ ...deps, logger: log }, items, { jobId: job.id, force: false, final, signal });
      log.info({ done: res.done.length, skipped: res.skipped, failed: res.failed, llmCalls: res.llmCalls }, 'check-in batch finished');
    },
    checkin: async (job, { log, signal, final }) => {
      const p = payload('checkin', job);
      const collab = await deps.store.collaborations.get(p.collaborationId);
      if (!collab) return;
      // The day the owner was told, not today's: a retry after midnight resumes the check-in it began.
      const item = { collaborationId: collab.id, localDay: p.localDay ?? localDay(deps.now(), collab.settings.timeZone), checkinId: forcedCheckinId(job.id) };
      const res = await runCheckins({ ...deps, logger: log.child({ collaborationId: collab.id }) }, [item], { jobId: job.id, force: p.force, fresh: p.fresh, final, signal });
      log.info({ collaborationId: collab.id, localDay: item.localDay, checkinId: res.done[0]?.id ?? null, skipped: res.skipped }, 'forced check-in finished');
    },
    aiReply: async (job, { log, signal }) => {
      const p = payload('aiReply', job);
      const res = await runAiReply(deps, { ...p, jobId: job.id }, log.child({ collaborationId: p.collaborationId, messageId: p.messageId }), signal);
      log.info({ collaborationId: p.collaborationId, result: res }, '@ai reply handled');
    },
    aiReplyWatch: async (job, { log }) => {
      const p = payload('aiReplyWatch', job);
      const res = await runReplyWatch(deps, p, log.child({ collaborationId: p.collaborationId, messageId: p.messageId }));
      log.debug({ collaborationId: p.collaborationId, result: res }, '@ai reply watch done');
    },
  };
}

/** A fresh id for one scheduler instance (lease owner). */
export function workerId(): string {
  return newId('wrk');
}
