// Why a job was dead-lettered at claim time: its last attempt's lease ran out (the worker died).
import type { Job } from '@trellis/schema';

/** The dead letter's reason for a job whose every attempt ended with its lease running out. */
export function exhaustedError(job: Pick<Job, 'attempts' | 'lastError'>): string {
  const last = job.lastError ? ` (earlier: ${job.lastError})` : '';
  return `attempts exhausted: the worker stopped while running it ${job.attempts} time(s)${last}`.slice(0, 2000);
}
