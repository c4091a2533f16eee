// The sync path's SQLite writes on a worker thread: the server's event loop keeps forwarding updates
// while SQLite writes, waits for locks and fsyncs. Same semantics as the store methods it stands in
// for (durable when the promise resolves).
//
// When the thread dies (an uncaught error, out of memory, terminated), writes neither hang nor keep
// failing:
// - Requests the dead thread had been given are rejected with WriteThreadDiedError. It may or may not
//   have committed them, so they are not silently repeated: the caller decides. The persister keeps
//   the updates in memory and retries the append (SPEC [S7]; storing a Yjs update twice is harmless);
//   presence is republished by the next change or renewal, a projection by the next refresh, a
//   compaction by the next threshold; an edit-audit batch is logged as not stored.
// - A new thread is started after a backoff (100 ms doubling up to 5 s; reset by the first write a
//   thread completes).
// - From the death until a new thread reports 'ready', requests run on the main thread through the same
//   repositories (writeRunner) on a connection opened for the purpose (busy_timeout 10 s): it blocks
//   the event loop while it writes, but every write is stored. A thread that keeps dying while it
//   starts leaves the writer in this mode rather than failing writes.
// The first thread is trusted from its start (requests wait in its port until it is up), so a normal
// start never opens the main-thread connection.
import { Worker } from 'node:worker_threads';
import type { AuditEntry, CollaborationProjection } from '@trellis/schema';
import type { Logger } from '@trellis/runtime';
import { backoffMs, threadEntryUrl } from '@trellis/runtime';
import type { AppendEntry, PresenceEntry } from '../types.ts';
import type { CompactOptions } from '../compact-stored.ts';
import type { Db } from './db.ts';
import { openDb } from './db.ts';
import type { WriteRequest } from './write-requests.ts';
import { writeRunner } from './write-requests.ts';

export type { WriteRequest } from './write-requests.ts';

type AppendResult = { firstSeq: number; lastSeq: number }[];

/** The thread died holding this write: it may or may not be stored. Retrying is the caller's call. */
export class WriteThreadDiedError extends Error {
  override readonly name = 'WriteThreadDiedError';
}

export interface WriteThreadStatus {
  /** Where writes go now: the thread, or the main thread while none is available. */
  mode: 'thread' | 'main';
  /** Threads started after a death. */
  restarts: number;
  /** Writes run on the main thread so far. */
  mainThreadWrites: number;
}

export interface SqliteWriteThread {
  appendBatch(entries: AppendEntry[]): Promise<AppendResult>;
  publishPresence(entries: PresenceEntry[]): Promise<void>;
  /** Several projections in one transaction. */
  putProjections(projections: CollaborationProjection[]): Promise<void>;
  appendAudit(entries: AuditEntry[]): Promise<void>;
  /** A kv row kept forever (markers the sync path records). */
  setKv(key: string, value: string): Promise<void>;
  /** Compaction from the store (see compactStored); resolves true if a snapshot was written. */
  compact(collaborationId: string, opts?: CompactOptions): Promise<boolean>;
  status(): WriteThreadStatus;
  /** Kill the current thread as a crash would (tests); resolves once the death is handled. */
  killThread(): Promise<void>;
  close(): Promise<void>;
}

export interface WriteThreadOptions {
  /** Told when the thread dies and when a restarted one is up. */
  logger?: Pick<Logger, 'error' | 'info'>;
  /** Restart backoff (default 100 ms doubling up to 5 s). */
  restartBaseMs?: number;
  restartMaxMs?: number;
}

interface Thread {
  worker: Worker;
  pending: Map<number, { resolve: (r: unknown) => void; reject: (e: Error) => void }>;
  exited: Promise<void>;
}

type Reply = { id: number; result?: unknown; error?: string };

export function createSqliteWriteThread(dataDir: string, opts: WriteThreadOptions = {}): SqliteWriteThread {
  const entryUrl = threadEntryUrl(import.meta.url, './write-thread-entry.ts', 'write-thread.js');
  const log = opts.logger;

  let thread: Thread | null = null;
  /** False from a thread's death until its successor reports ready: meanwhile writes run here. */
  let trusted = true;
  let closed = false;
  let failures = 0;
  let restarts = 0;
  let mainThreadWrites = 0;
  let restartTimer: NodeJS.Timeout | null = null;
  let nextId = 1;
  let mainDb: Db | null = null;
  let runOnMain: ((req: WriteRequest) => Promise<unknown>) | null = null;
  const mainRunning = new Set<Promise<unknown>>();

  const start = () => {
    const worker = new Worker(entryUrl, { workerData: { dataDir } });
    let lastError: Error | null = null;
    const t: Thread = { worker, pending: new Map(), exited: new Promise((resolve) => worker.once('exit', () => resolve())) };
    worker.on('message', (msg: 'ready' | Reply) => {
      if (msg === 'ready') {
        if (thread === t && !trusted) {
          trusted = true;
          log?.info({ restarts }, 'SQLite write thread restarted; writes are off the main thread again');
        }
        return;
      }
      const p = t.pending.get(msg.id);
      if (!p) return;
      t.pending.delete(msg.id);
      if (msg.error !== undefined) return p.reject(new Error(msg.error));
      failures = 0;
      p.resolve(msg.result);
    });
    worker.on('error', (err) => {
      lastError = err;
    });
    worker.on('exit', (code) => died(t, lastError ?? new Error(`exit code ${code}`)));
    thread = t;
  };

  const died = (t: Thread, cause: Error) => {
    if (thread === t) thread = null;
    const err = closed
      ? new Error('write thread closed')
      : new WriteThreadDiedError(`SQLite write thread died (${cause.message}); this write may or may not be stored`, { cause });
    for (const p of t.pending.values()) p.reject(err);
    const lost = t.pending.size;
    t.pending.clear();
    if (closed) return;
    trusted = false;
    failures++;
    const delay = backoffMs(failures, opts.restartBaseMs ?? 100, opts.restartMaxMs ?? 5_000);
    log?.error({ err: cause, rejected: lost, restartInMs: delay }, 'SQLite write thread died; writing on the main thread until it is restarted');
    restartTimer = setTimeout(() => {
      restartTimer = null;
      if (closed) return;
      restarts++;
      start();
    }, delay);
    restartTimer.unref();
  };

  const onMainThread = (req: WriteRequest): Promise<unknown> => {
    mainThreadWrites++;
    const p = (async () => {
      if (!runOnMain) {
        mainDb = openDb(dataDir);
        runOnMain = writeRunner(mainDb);
      }
      return runOnMain(req);
    })();
    mainRunning.add(p);
    void p.then(() => mainRunning.delete(p), () => mainRunning.delete(p));
    return p;
  };

  const send = (req: WriteRequest): Promise<unknown> => {
    if (closed) return Promise.reject(new Error('write thread closed'));
    const t = thread;
    if (!t || !trusted) return onMainThread(req);
    return new Promise((resolve, reject) => {
      const id = nextId++;
      t.pending.set(id, { resolve, reject });
      t.worker.postMessage({ id, req });
    });
  };

  start();
  return {
    appendBatch: (entries) => send({ kind: 'append', entries }) as Promise<AppendResult>,
    publishPresence: async (entries) => void (await send({ kind: 'presence', entries })),
    putProjections: async (projections) => void (await send({ kind: 'projections', projections })),
    appendAudit: async (entries) => void (await send({ kind: 'audit', entries })),
    setKv: async (key, value) => void (await send({ kind: 'kv', key, value })),
    compact: (collaborationId, opts) => send({ kind: 'compact', collaborationId, historyRetentionMs: opts?.historyRetentionMs }) as Promise<boolean>,
    status: () => ({ mode: thread && trusted ? 'thread' : 'main', restarts, mainThreadWrites }),
    async killThread() {
      const t = thread;
      if (!t) return;
      await t.worker.terminate();
      await t.exited;
    },
    async close() {
      if (closed) return;
      closed = true;
      if (restartTimer) clearTimeout(restartTimer);
      const t = thread;
      if (t) {
        // A trusted thread finishes what it was given first; a restarted one not yet up has nothing.
        if (trusted) t.worker.postMessage('close');
        else void t.worker.terminate();
        await t.exited;
      }
      await Promise.allSettled(mainRunning);
      mainDb?.close();
    },
  };
}
