// The worker as a Service: run() until stop(). A scheduler tick (once on start for catch-up, then
// every minute) enqueues the single check-in scan job; the job loop runs scans, batches, forced
// check-ins and @ai replies; job counts are refreshed into the metrics.
import type { Logger } from '@trellis/runtime';
import { sleep } from '@trellis/runtime';
import type { Store } from '@trellis/store';
import type { WorkerMetrics } from './metrics.ts';
import type { HandlerDeps } from './jobs/handlers.ts';
import { createHandlers } from './jobs/handlers.ts';
import { JobLoop } from './jobs/loop.ts';
import type { RetryPolicy } from './jobs/retry.ts';

export interface ServiceOptions {
  deps: HandlerDeps;
  owner: string;
  concurrency?: number;
  tickMs?: number;
  pollMs?: number;
  visibilityMs?: number;
  retry?: RetryPolicy;
  graceMs?: number;
}

export class WorkerService {
  private readonly stopped = new AbortController();
  private readonly loop: JobLoop;
  private readonly store: Store;
  private readonly log: Logger;
  private readonly metrics: WorkerMetrics;

  constructor(private readonly o: ServiceOptions) {
    this.store = o.deps.store;
    this.log = o.deps.logger;
    this.metrics = o.deps.metrics;
    this.loop = new JobLoop({
      store: o.deps.store, handlers: createHandlers(o.deps), owner: o.owner, logger: o.deps.logger, metrics: o.deps.metrics,
      ...(o.concurrency !== undefined ? { concurrency: o.concurrency } : {}),
      ...(o.pollMs !== undefined ? { pollMs: o.pollMs } : {}),
      ...(o.visibilityMs !== undefined ? { visibilityMs: o.visibilityMs } : {}),
      ...(o.retry !== undefined ? { retry: o.retry } : {}),
      ...(o.graceMs !== undefined ? { graceMs: o.graceMs } : {}),
    });
  }

  get signal(): AbortSignal {
    return this.stopped.signal;
  }

  async run(): Promise<void> {
    this.log.info({ owner: this.o.owner, provider: this.o.deps.provider.name, model: this.o.deps.provider.model }, 'worker started');
    await Promise.all([this.loop.run(), this.ticker(), this.countJobs()]);
    this.log.info('worker stopped');
  }

  stop(): void {
    if (this.stopped.signal.aborted) return;
    this.stopped.abort();
    this.loop.stop();
  }

  /** Enqueue the scan now and every tick; the dedupe key keeps one live scan across all workers. */
  async tick(): Promise<void> {
    await this.store.jobs.enqueue({ type: 'checkin-scan', payload: {}, dedupeKey: 'checkin-scan', maxAttempts: 1 }, { maxQueued: this.o.deps.maxQueued });
  }

  private async ticker(): Promise<void> {
    while (!this.stopped.signal.aborted) {
      try {
        await this.tick();
      } catch (err) {
        this.log.error({ err }, 'scheduler tick failed');
      }
      await sleep(this.o.tickMs ?? 60_000, this.stopped.signal);
    }
  }

  private async countJobs(): Promise<void> {
    while (!this.stopped.signal.aborted) {
      try {
        this.metrics.setJobCounts(await this.store.jobs.counts());
      } catch (err) {
        this.log.warn({ err }, 'reading job counts failed');
      }
      await sleep(5_000, this.stopped.signal);
    }
  }
}
