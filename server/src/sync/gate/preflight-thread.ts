// The pre-flight thread (SPEC [H13]): large updates are read here, off the event loop, before the
// gate decodes them on it — a crafted update costs this thread, not every member of every document.
// One thread, one update at a time, each under a deadline: past it the thread is replaced and the
// update refused as too costly. The thread starts with the first large update and ends after a quiet
// minute (an idle V8 isolate holds ~10 MB). If the thread cannot start, updates go straight to the gate (which
// checks everything anyway; the thread only keeps the cost of refusing off the event loop).
import { Worker } from 'node:worker_threads';
import type { Logger } from '@trellis/runtime';
import { threadEntryUrl } from '@trellis/runtime';
import type { PreflightLimits, PreflightResult } from './preflight-update.ts';

export type PreflightVerdict =
  | PreflightResult
  /** No thread to check on: the caller goes on without the check ([H13]: the gate checks updates anyway). */
  | { ok: true; unchecked: true }
  | { ok: false; code: 'busy'; message: string };

export interface PreflightOptions {
  limits: PreflightLimits;
  /** Wall time one update may take on the thread. */
  deadlineMs: number;
  /** Updates waiting for the thread past which more are turned away (the sender retries later). */
  maxQueued: number;
  logger: Logger;
}

/** What the sync path needs of a pre-flight: LiveDoc depends on this, not on the thread. */
export interface Preflight {
  /**
   * @param member whose update it is (connection.ts `memberKey`): one member may have only
   *   MAX_PER_MEMBER updates waiting, so no member can fill the queue for everyone else
   * @param cancelled true once nobody waits for the verdict (the connection closed): skipped
   */
  check(update: Uint8Array, member: string, cancelled?: () => boolean): Promise<PreflightVerdict>;
  /**
   * [H15] Integrate a stored document (its snapshot and updates, in order) on the thread, within
   * `deadlineMs`: too costly past it, so the event loop never pays for a pathological document.
   */
  checkLoad(parts: Uint8Array[], deadlineMs: number): Promise<PreflightVerdict>;
}

type Request = { kind: 'update'; update: Uint8Array } | { kind: 'load'; parts: Uint8Array[] };

interface Waiting {
  request: Request;
  deadlineMs: number;
  member: string;
  cancelled: () => boolean;
  resolve: (v: PreflightVerdict) => void;
}

/** Updates one member may have waiting or on the thread at once (a few tabs syncing together). */
export const MAX_PER_MEMBER = 2;

const UNCHECKED: PreflightVerdict = { ok: true, unchecked: true };
const BUSY: PreflightVerdict = { ok: false, code: 'busy', message: 'the server is busy: retry later' };
// Not a verdict on the update: it is sent back, to be sent again (several tabs of one member reconnecting together send theirs at once).
const TOO_MANY: PreflightVerdict = { ok: false, code: 'busy', message: 'too many large updates of yours at once: send this again shortly' };
const never = () => false;
/** Failed starts in a row after which updates skip the thread for the life of the process. */
const MAX_FAILED_STARTS = 3;
/** A thread with nothing to read for this long ends (the next large update starts another). */
const IDLE_MS = 60_000;

export class PreflightThread implements Preflight {
  private readonly entry = threadEntryUrl(import.meta.url, './preflight-thread-entry.ts', 'preflight-thread.js');
  private worker: Worker | null = null;
  private ready = false;
  private failedStarts = 0;
  private readonly queue: Waiting[] = [];
  /** Updates per member waiting or on the thread. */
  private readonly perMember = new Map<string, number>();
  private current: (Waiting & { id: number; timer: NodeJS.Timeout }) | null = null;
  private nextId = 1;
  private loads = 0;
  private closed = false;
  private idleTimer: NodeJS.Timeout | null = null;
  /** Threads replaced after a deadline or a crash. */
  restarts = 0;

  constructor(private readonly opts: PreflightOptions) {}

  check(update: Uint8Array, member: string, cancelled: () => boolean = never): Promise<PreflightVerdict> {
    return this.enqueue({ kind: 'update', update }, this.opts.deadlineMs, member, cancelled);
  }

  checkLoad(parts: Uint8Array[], deadlineMs: number): Promise<PreflightVerdict> {
    // Loads are not any member's: they share one slot per document load, under a key of their own.
    return this.enqueue({ kind: 'load', parts }, deadlineMs, `\u0000load:${++this.loads}`, never);
  }

  private enqueue(request: Request, deadlineMs: number, member: string, cancelled: () => boolean): Promise<PreflightVerdict> {
    if (this.closed) return Promise.resolve(BUSY);
    if (this.failedStarts >= MAX_FAILED_STARTS) return Promise.resolve(UNCHECKED);
    if ((this.perMember.get(member) ?? 0) >= MAX_PER_MEMBER) return Promise.resolve(TOO_MANY);
    // Loads are bounded by the documents being opened and each has someone waiting on it; turning one
    // away would refuse a document during a reconnect storm, so only updates count against the bound.
    if (request.kind === 'update' && this.queue.length >= this.opts.maxQueued) return Promise.resolve(BUSY);
    this.perMember.set(member, (this.perMember.get(member) ?? 0) + 1);
    return new Promise((resolve) => {
      const done = (v: PreflightVerdict) => {
        const left = (this.perMember.get(member) ?? 1) - 1;
        if (left > 0) this.perMember.set(member, left);
        else this.perMember.delete(member);
        resolve(v);
      };
      this.queue.push({ request, deadlineMs, member, cancelled, resolve: done });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    for (const w of this.queue.splice(0)) w.resolve(BUSY);
    this.finish(BUSY);
    const w = this.worker;
    this.worker = null;
    await w?.terminate();
  }

  private pump(): void {
    if (this.closed || this.current) return;
    if (this.queue.length === 0) return this.idleLater();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (!this.worker) this.spawn();
    if (!this.ready) return;
    const next = this.queue.shift()!;
    // Nobody waits for this verdict any more: not worth the thread's time.
    if (next.cancelled()) {
      next.resolve(BUSY);
      return this.pump();
    }
    const id = this.nextId++;
    const what = next.request.kind === 'load' ? 'a stored document' : 'an update';
    const timer = setTimeout(() => this.replace(`${what} took longer than ${next.deadlineMs} ms`, { ok: false, code: 'too_costly', message: `${what} too costly to check` }), next.deadlineMs);
    this.current = { ...next, id, timer };
    this.worker!.postMessage({ id, ...next.request });
  }

  private idleLater(): void {
    if (!this.worker || this.idleTimer) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.current || this.queue.length > 0 || !this.worker) return;
      const w = this.worker;
      this.worker = null;
      this.ready = false;
      void w.terminate();
    }, IDLE_MS);
    this.idleTimer.unref();
  }

  private finish(verdict: PreflightVerdict): void {
    const cur = this.current;
    if (!cur) return;
    this.current = null;
    clearTimeout(cur.timer);
    cur.resolve(verdict);
  }

  private spawn(): void {
    const w = new Worker(this.entry, { workerData: { limits: this.opts.limits } });
    w.unref();
    this.worker = w;
    this.ready = false;
    w.on('message', (msg: 'ready' | { id: number; result: PreflightResult }) => {
      if (w !== this.worker) return;
      if (msg === 'ready') {
        this.ready = true;
        this.failedStarts = 0;
      } else if (this.current?.id === msg.id) this.finish(msg.result);
      this.pump();
    });
    w.on('error', (err) => this.opts.logger.error({ err }, 'pre-flight thread failed'));
    w.on('exit', () => {
      if (w !== this.worker || this.closed) return;
      if (!this.ready) this.failedStarts++;
      this.replace('the pre-flight thread exited', { ok: false, code: 'too_costly', message: 'update too costly to check' });
    });
  }

  /** Drop the thread (its update is refused with `verdict`) and carry on with a new one. */
  private replace(why: string, verdict: PreflightVerdict): void {
    const w = this.worker;
    this.worker = null;
    this.ready = false;
    if (w) void w.terminate();
    this.restarts++;
    this.opts.logger.warn({ restarts: this.restarts }, `${why}; pre-flight thread replaced`);
    this.finish(verdict);
    // Without a thread that starts, updates go to the gate unchecked here (it checks them all anyway).
    if (this.failedStarts >= MAX_FAILED_STARTS) {
      this.opts.logger.error({ failedStarts: this.failedStarts }, 'the pre-flight thread does not start; large updates go straight to the gate');
      for (const q of this.queue.splice(0)) q.resolve(UNCHECKED);
      return;
    }
    this.pump();
  }
}
