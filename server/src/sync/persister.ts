// Group commit of CRDT updates (SPEC [S5], [S7]): updates from every loaded document queue here and
// are written in one store call per flush (one fsync for SQLite), commits at least COMMIT_SPACING_MS
// apart while updates keep coming, at most MAX_BATCH_UPDATES /
// MAX_BATCH_BYTES at a time (a backlog after an outage is written in bounded batches, not one
// ever-growing write). A failed write keeps the queue in memory and retries with backoff; callers'
// promises resolve only once their update is durable. Past OVERLOAD_BYTES queued, `overloaded` is
// set (and exported as a metric) until the queue drains below half of it, for the connection layer
// to push back on writers.
import type { Logger, Metrics } from '@trellis/runtime';
import { backoffMs } from '@trellis/runtime';
import type { Attribution } from '@trellis/schema';
import type { DocRepo } from '@trellis/store';

/** Where batches go: the store's appendBatch, or a threaded SQLite writer with the same contract. */
export type AppendBatch = DocRepo['appendBatch'];

export const MAX_BATCH_UPDATES = 2_000;
/**
 * Commits start at least this far apart while updates keep coming (a full batch does not wait); the
 * first update after a quiet spell is written at once. A commit's cost (transaction, WAL append,
 * fsync, waking the write thread) barely depends on its size: at 1,000 edits/s, 10 ms cut the SQLite
 * write thread's CPU from 10–12 % to 7 % of a core and 25 ms to about 5 %, for acks up to this much
 * later under sustained load (BENCHMARKS.md).
 */
export const COMMIT_SPACING_MS = 25;
export const MAX_BATCH_BYTES = 8 * 1024 * 1024;
export const OVERLOAD_BYTES = 64 * 1024 * 1024;

interface Pending {
  collaborationId: string;
  update: Uint8Array;
  attribution: Attribution | undefined;
  resolve: (seq: number) => void;
}

export class Persister {
  private queue: Pending[] = [];
  private queuedBytes = 0;
  private overload = false;
  private flushing = false;
  private failures = 0;
  private lastCommitAt = -Infinity;
  private idleWaiters: (() => void)[] = [];
  private readonly latency;
  private readonly failuresTotal;
  private readonly bytesTotal;

  constructor(private readonly append: AppendBatch, private readonly origin: string, private readonly logger: Logger, metrics: Metrics, private readonly overloadBytes = OVERLOAD_BYTES) {
    this.latency = metrics.histogram('trellis_persist_seconds', 'Time to durably store a batch of updates');
    this.failuresTotal = metrics.counter('trellis_persist_failures_total', 'Failed store writes (retried)');
    this.bytesTotal = metrics.counter('trellis_persisted_bytes_total', 'Bytes of CRDT updates stored');
    metrics.gauge('trellis_persist_queue', 'Updates waiting to be stored').set(() => this.queue.length);
    metrics.gauge('trellis_persist_queue_bytes', 'Bytes of updates waiting to be stored').set(() => this.queuedBytes);
    metrics.gauge('trellis_persist_overloaded', '1 while the persist queue is over its bound (writers should be slowed)').set(() => (this.overload ? 1 : 0));
  }

  /** True from OVERLOAD_BYTES queued until the queue drains below half of that. */
  get overloaded(): boolean {
    return this.overload;
  }

  private account(delta: number): void {
    this.queuedBytes += delta;
    if (!this.overload && this.queuedBytes > this.overloadBytes) {
      this.overload = true;
      this.logger.warn({ bytes: this.queuedBytes }, 'persist queue over its bound; the store is not keeping up');
    } else if (this.overload && this.queuedBytes < this.overloadBytes / 2) {
      this.overload = false;
      this.logger.info({ bytes: this.queuedBytes }, 'persist queue drained below half its bound');
    }
  }

  /** Resolves with the stored sequence number once the update is durable; stored with who made it (SPEC [A1]). */
  enqueue(collaborationId: string, update: Uint8Array, attribution?: Attribution): Promise<number> {
    return new Promise((resolve) => {
      this.queue.push({ collaborationId, update, attribution, resolve });
      this.account(update.byteLength);
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Resolves when everything queued so far is stored. */
  idle(): Promise<void> {
    if (!this.flushing && this.queue.length === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const wait = this.lastCommitAt + COMMIT_SPACING_MS - performance.now();
      // Timers count whole milliseconds: a fractional wait rounded down would start the commit early.
      if (wait > 0 && this.queue.length < MAX_BATCH_UPDATES) await new Promise((r) => setTimeout(r, Math.ceil(wait)));
      this.lastCommitAt = performance.now();
      let take = 0;
      let bytes = 0;
      while (take < this.queue.length && take < MAX_BATCH_UPDATES) {
        const size = this.queue[take]!.update.byteLength;
        if (take > 0 && bytes + size > MAX_BATCH_BYTES) break;
        bytes += size;
        take++;
      }
      const batch = this.queue.slice(0, take);
      this.queue = this.queue.slice(take);
      // One entry per update keeps per-document order and lets each caller learn its sequence.
      const entries = batch.map((p) => ({ collaborationId: p.collaborationId, updates: [p.update], origin: this.origin, ...(p.attribution ? { attribution: p.attribution } : {}) }));
      const started = performance.now();
      try {
        const results = await this.append(entries);
        this.latency.observe((performance.now() - started) / 1000);
        this.failures = 0;
        this.account(-bytes);
        batch.forEach((p, i) => {
          this.bytesTotal.inc(p.update.length);
          p.resolve(results[i]!.firstSeq);
        });
      } catch (err) {
        this.failures++;
        this.failuresTotal.inc();
        this.logger.error({ err, updates: batch.length, attempt: this.failures }, 'storing updates failed; keeping them in memory and retrying');
        this.queue = batch.concat(this.queue);
        await new Promise((r) => setTimeout(r, backoffMs(this.failures, 100, 5_000)));
      }
    }
    this.flushing = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
