// The JSON projections of the documents this process changes (SPEC [S16]), refreshed in batches: a
// document is projected PROJECTION_DELAY_MS after its first change since its last projection (up to
// SWEEP_MS later), and the projections due at one sweep are stored in one write — one message to the
// SQLite write thread and one transaction, not one of each per document (a sweep longer than
// SLICE_MS is cut into slices, a write each, with other work between them). With a hundred busy
// documents, per-document writes were a hundred commits (and wake-ups of the write thread) every
// two seconds beside the updates' own group commits.
import type { Logger } from '@trellis/runtime';
import type { CollaborationProjection } from '@trellis/schema';

export const PROJECTION_DELAY_MS = 2_000;
/** Sweeps are at least this far apart: projections due within it are stored together. */
export const SWEEP_MS = 250;
/**
 * A sweep projects for at most about this long before it lets other work run: documents changed
 * together stay due together, and a hundred of them at once took 2–3.5 ms in one piece.
 */
export const SLICE_MS = 1;

export interface ProjectionRefreshDeps {
  /** The document's projection now, or null when it is no longer loaded here. */
  project: (id: string) => CollaborationProjection | null;
  put: (projections: CollaborationProjection[]) => Promise<void>;
  logger: Logger;
}

export class ProjectionRefresh {
  /** Documents waiting for a projection, in the order they became due (equal delays). */
  private readonly due = new Map<string, number>();
  /** The next sweep or slice, while one is scheduled. */
  private scheduled: { cancel: () => void } | null = null;
  /** Writes under way: a stop waits for them before the store closes. */
  private readonly writing = new Set<Promise<void>>();
  /** After flushAll: nothing more is scheduled (what is stored later is projected at the next load). */
  private stopped = false;

  constructor(private readonly deps: ProjectionRefreshDeps) {}

  /** The document changed here: project it when its delay is up, unless already waiting. */
  changed(id: string): void {
    if (this.stopped || this.due.has(id)) return;
    this.due.set(id, performance.now() + PROJECTION_DELAY_MS);
    if (!this.scheduled) this.arm();
  }

  /** The document is leaving: store its waiting projection now. Resolves true if there was one. */
  async flush(id: string): Promise<boolean> {
    if (!this.due.delete(id)) return false;
    const p = this.project(id);
    if (p) await this.store([p]);
    return true;
  }

  /** Stopping: every waiting projection is stored now, in one write, and every write under way is done. */
  async flushAll(): Promise<void> {
    this.stopped = true;
    this.scheduled?.cancel();
    this.scheduled = null;
    const batch: CollaborationProjection[] = [];
    for (const id of this.due.keys()) {
      const p = this.project(id);
      if (p) batch.push(p);
    }
    this.due.clear();
    if (batch.length > 0) void this.store(batch);
    await Promise.all(this.writing);
  }

  private arm(): void {
    const first = this.due.values().next();
    if (first.done) return;
    const timer = setTimeout(() => this.sweep(), Math.max(SWEEP_MS, Math.ceil(first.value - performance.now())));
    timer.unref();
    this.scheduled = { cancel: () => clearTimeout(timer) };
  }

  private sweep(): void {
    this.scheduled = null;
    const now = performance.now();
    const batch: CollaborationProjection[] = [];
    let sliceFull = false;
    for (const [id, at] of this.due) {
      if (at > now) break;
      if (batch.length > 0 && performance.now() - now >= SLICE_MS) {
        sliceFull = true;
        break;
      }
      this.due.delete(id);
      const p = this.project(id);
      if (p) batch.push(p);
    }
    if (batch.length > 0) void this.store(batch);
    if (!sliceFull) return this.arm();
    // The rest of this sweep after whatever else is waiting (each slice is one write).
    const slice = setImmediate(() => this.sweep());
    slice.unref();
    this.scheduled = { cancel: () => clearImmediate(slice) };
  }

  /** The document's projection; a document that cannot be projected is logged and skipped, not left to stop the sweeps. */
  private project(id: string): CollaborationProjection | null {
    try {
      return this.deps.project(id);
    } catch (err) {
      this.deps.logger.warn({ err, collaborationId: id }, 'projection failed');
      return null;
    }
  }

  private store(batch: CollaborationProjection[]): Promise<void> {
    const write = this.deps.put(batch).catch((err: unknown) => {
      // The next change of each document projects it again.
      this.deps.logger.warn({ err, collaborations: batch.length }, 'projections not stored');
    });
    this.writing.add(write);
    void write.then(() => this.writing.delete(write));
    return write;
  }
}
