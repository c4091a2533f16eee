// The scheduler's scan: page through collaborations with check-ins on (memory flat in their number),
// find those whose cron fired today in their own time zone and that have no check-in for that local
// day, and enqueue them in batches of up to 20. Claims are taken right after the enqueue, so the next
// scan skips them; a crash in between leaves a job that claims for itself when it runs. A failed day
// never blocks the scan: a check-in left running by a dead job is marked failed, and a failed one is
// re-queued (at most twice, 45 minutes after it failed) later the same local day, resuming from its
// stored answer if the model had answered.
import { newId } from '@trellis/schema';
import type { Checkin } from '@trellis/schema';
import type { Logger } from '@trellis/runtime';
import type { Store } from '@trellis/store';
import type { CheckinItem } from './claim.ts';
import { CHECKIN_BATCH_ATTEMPTS } from '../jobs/retry.ts';
import { runningCheckin } from './claim.ts';
import { DueClock, localDay } from './local-day.ts';

export const BATCH_SIZE = 20;
export const REQUEUE_AFTER_MS = 45 * 60_000;
export const MAX_REQUEUES = 2;

export interface ScanOptions {
  cron: string;
  now: Date;
  batchSize?: number;
  pageSize?: number;
  /** Backpressure: stop enqueueing when this many jobs are queued or leased. */
  maxQueued?: number;
}

export interface ScanResult {
  batches: number;
  collaborations: number;
  /** The queue was full; the rest waits for the next scan. */
  throttled: boolean;
  /** Failed check-ins of today put in a batch again. */
  requeued: number;
}

export async function scanDue(store: Store, log: Logger, opts: ScanOptions): Promise<ScanResult> {
  const clock = new DueClock(opts.cron, opts.now);
  const size = Math.min(opts.batchSize ?? BATCH_SIZE, BATCH_SIZE);
  const result: ScanResult = { batches: 0, collaborations: 0, throttled: false, requeued: 0 };
  const retrying = new Map<string, Checkin>();
  let buffer: CheckinItem[] = [];
  const flush = async (): Promise<boolean> => {
    if (buffer.length === 0) return true;
    const items = buffer;
    buffer = [];
    const job = await store.jobs.enqueue(
      { type: 'checkin-batch', payload: { items }, dedupeKey: `checkin-batch:${items[0]!.collaborationId}:${items[0]!.localDay}`, maxAttempts: CHECKIN_BATCH_ATTEMPTS },
      opts.maxQueued === undefined ? {} : { maxQueued: opts.maxQueued },
    );
    if (!job) return false;
    for (const item of items) {
      const failed = retrying.get(item.checkinId);
      if (!failed) await store.checkins.claim(runningCheckin(item, opts.now, job.id));
      else {
        // Handed to the new job (acquire resumes it by its jobId), with its stored answer if any.
        await store.checkins.save({ ...failed, status: 'running', jobId: job.id, requeues: failed.requeues + 1, completedAt: null });
        result.requeued++;
      }
    }
    result.batches++;
    result.collaborations += items.length;
    return true;
  };
  let cursor: string | undefined;
  do {
    const page = await store.collaborations.listCheckinEnabled({ cursor, limit: opts.pageSize ?? 200 });
    for (const c of page.items) {
      const tz = c.settings.timeZone;
      if (!clock.firedToday(tz)) continue;
      const day = localDay(opts.now, tz);
      const cur = await store.checkins.get(c.id, day);
      if (cur) {
        if (await orphaned(store, cur)) {
          await store.checkins.save({ ...cur, status: 'failed', summary: 'The AI check-in failed: its job stopped without finishing it (the worker died on every attempt).', completedAt: opts.now.toISOString() });
          log.warn({ collaborationId: c.id, localDay: day, jobId: cur.jobId }, 'check-in left running by a dead job marked failed');
          continue;
        }
        if (!requeueDue(cur, opts.now)) continue;
        retrying.set(cur.id, cur);
        buffer.push({ collaborationId: c.id, localDay: day, checkinId: cur.id });
        if (buffer.length >= size && !(await flush())) {
          result.throttled = true;
          log.warn(result, 'job queue full; the remaining check-ins wait for the next scan');
          return result;
        }
        continue;
      }
      buffer.push({ collaborationId: c.id, localDay: day, checkinId: newId('ci') });
      if (buffer.length >= size && !(await flush())) {
        result.throttled = true;
        log.warn(result, 'job queue full; the remaining check-ins wait for the next scan');
        return result;
      }
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  if (!(await flush())) result.throttled = true;
  return result;
}

/** A failed check-in of today gets another run a while after it failed, a bounded number of times. */
function requeueDue(c: Checkin, now: Date): boolean {
  return c.status === 'failed' && c.requeues < MAX_REQUEUES && c.completedAt !== null && now.getTime() - Date.parse(c.completedAt) >= REQUEUE_AFTER_MS;
}

/** A running check-in whose job is gone, dead-lettered or finished will never be finished by it. */
async function orphaned(store: Store, c: Checkin): Promise<boolean> {
  if (c.status !== 'running' || !c.jobId) return false;
  const job = await store.jobs.get(c.jobId);
  return !job || job.status === 'dead' || job.status === 'done';
}
