// The job loop: several slots claim jobs with a short lease, renew it while the handler runs
// (heartbeat), and complete or fail it under that claim's lease id (a stale slot cannot finish another
// claim's lease): retry with backoff, dead letter after the last attempt. A job whose worker died on
// every attempt is dead-lettered by the claim itself (JobRepo.claim). One failed job never stops it.
import { setMaxListeners } from 'node:events';
import type { Job } from '@trellis/schema';
import type { Logger } from '@trellis/runtime';
import { sleep } from '@trellis/runtime';
import type { Store } from '@trellis/store';
import type { WorkerMetrics } from '../metrics.ts';
import type { RetryPolicy } from './retry.ts';
import { DEFAULT_RETRY, describeError, retryDelayMs } from './retry.ts';

export interface JobContext {
  log: Logger;
  /** Aborted when shutdown's grace period ends: the handler should stop and throw. */
  signal: AbortSignal;
  /** This is the job's last attempt. */
  final: boolean;
}

export type JobHandler = (job: Job, ctx: JobContext) => Promise<void>;

export interface JobLoopOptions {
  store: Store;
  handlers: Readonly<Record<string, JobHandler>>;
  owner: string;
  logger: Logger;
  metrics: WorkerMetrics;
  concurrency?: number;
  /** Lease length; renewed every third of it while the job runs, so a dead worker's job is retried soon. */
  visibilityMs?: number;
  pollMs?: number;
  retry?: RetryPolicy;
  /** How long in-flight jobs may run on after stop() before they are aborted and released. */
  graceMs?: number;
  now?: () => number;
}

export class JobLoop {
  private readonly stopping = new AbortController();
  private readonly abortJobs = new AbortController();
  private readonly o: Required<Omit<JobLoopOptions, 'retry'>> & { retry: RetryPolicy };

  constructor(opts: JobLoopOptions) {
    // Every in-flight LLM call and every idle slot's sleep listens on the shared signals.
    setMaxListeners(0, this.abortJobs.signal);
    setMaxListeners(0, this.stopping.signal);
    this.o = { concurrency: 4, visibilityMs: 30_000, pollMs: 500, graceMs: 8_000, now: Date.now, retry: DEFAULT_RETRY, ...opts };
  }

  async run(): Promise<void> {
    await Promise.all(Array.from({ length: this.o.concurrency }, (_, i) => this.slot(i)));
  }

  /** Stop claiming; let running jobs finish within the grace period, then abort them. */
  stop(): void {
    this.stopping.abort();
    setTimeout(() => this.abortJobs.abort(), this.o.graceMs).unref();
  }

  private async slot(i: number): Promise<void> {
    const types = Object.keys(this.o.handlers);
    while (!this.stopping.signal.aborted) {
      let job: Job | null = null;
      try {
        job = await this.o.store.jobs.claim(types, `${this.o.owner}`, this.o.visibilityMs, this.o.now());
      } catch (err) {
        this.o.logger.error({ err, slot: i }, 'claiming a job failed');
      }
      if (!job) {
        await sleep(this.o.pollMs, this.stopping.signal);
        continue;
      }
      await this.runOne(job);
    }
  }

  /** Run one job; public so tests and the benchmark can drive single steps. */
  async runOne(job: Job): Promise<'done' | 'retry' | 'dead' | 'lost'> {
    const log = this.o.logger.child({ jobId: job.id, jobType: job.type, attempt: job.attempts });
    const handler = this.o.handlers[job.type];
    const started = this.o.now();
    const lease = job.leaseId ?? '';
    const beat = this.heartbeat(job, log);
    try {
      if (!handler) throw new Error(`no handler for job type ${job.type}`);
      await handler(job, { log, signal: this.abortJobs.signal, final: job.attempts >= job.maxAttempts });
      await beat.stop();
      const ok = await this.o.store.jobs.complete(job.id, lease);
      this.o.metrics.jobRuns.inc(1, { type: job.type, result: ok ? 'done' : 'lost' });
      log.info({ ms: this.o.now() - started }, ok ? 'job done' : 'job done but its lease was lost');
      return ok ? 'done' : 'lost';
    } catch (err) {
      await beat.stop();
      const delay = this.abortJobs.signal.aborted ? 0 : retryDelayMs(err, job.attempts, this.o.retry);
      const reason = this.abortJobs.signal.aborted ? 'released on shutdown' : describeError(err);
      let next: Job | null = null;
      try {
        next = await this.o.store.jobs.fail(job.id, lease, reason, this.o.now() + delay);
      } catch (storeErr) {
        log.error({ err: storeErr }, 'recording the job failure failed; the lease will expire');
      }
      const result = next === null ? 'lost' : next.status === 'dead' ? 'dead' : 'retry';
      this.o.metrics.jobRuns.inc(1, { type: job.type, result });
      log[result === 'dead' ? 'error' : 'warn']({ err: reason, retryInMs: result === 'retry' ? delay : undefined, result }, 'job failed');
      return result;
    }
  }

  /** Renews the lease every third of it while the job runs; logs once if the lease was lost. */
  private heartbeat(job: Job, log: Logger): { stop(): Promise<void> } {
    let chain: Promise<void> = Promise.resolve();
    let lost = false;
    const beat = async () => {
      if (lost || !job.leaseId) return;
      try {
        if (!(await this.o.store.jobs.extend(job.id, job.leaseId, this.o.now() + this.o.visibilityMs))) {
          lost = true;
          log.warn('job lease lost (another worker took it over); this run will not complete it');
        }
      } catch (err) {
        log.warn({ err }, 'renewing the job lease failed');
      }
    };
    const timer = setInterval(() => {
      chain = chain.then(beat);
    }, Math.max(10, Math.floor(this.o.visibilityMs / 3)));
    timer.unref();
    return {
      async stop() {
        clearInterval(timer);
        await chain;
      },
    };
  }
}
