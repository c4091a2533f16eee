// The sync path's SQLite writes on a worker thread: the server's event loop keeps forwarding updates
// while SQLite writes, waits for locks and fsyncs. Same semantics as the store methods it stands in
// for (durable when the promise resolves).
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AuditEntry, CollaborationProjection } from '@trellis/schema';
import type { AppendEntry, PresenceEntry } from '../types.ts';

export type WriteRequest =
  | { kind: 'append'; entries: AppendEntry[] }
  | { kind: 'presence'; entries: PresenceEntry[] }
  | { kind: 'projection'; projection: CollaborationProjection }
  | { kind: 'audit'; entries: AuditEntry[] }
  | { kind: 'compact'; collaborationId: string };

type AppendResult = { firstSeq: number; lastSeq: number }[];

export interface SqliteWriteThread {
  appendBatch(entries: AppendEntry[]): Promise<AppendResult>;
  publishPresence(entries: PresenceEntry[]): Promise<void>;
  putProjection(projection: CollaborationProjection): Promise<void>;
  appendAudit(entries: AuditEntry[]): Promise<void>;
  /** Compaction from the store (see compactStored); resolves true if a snapshot was written. */
  compact(collaborationId: string): Promise<boolean>;
  close(): Promise<void>;
}

export function createSqliteWriteThread(dataDir: string): SqliteWriteThread {
  // The entry is TypeScript source: register tsx's loader in the thread, then import it.
  const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const entry = new URL('./write-thread-entry.ts', import.meta.url).href;
  const bootstrap = `import { register } from ${JSON.stringify(tsxApi)}; register(); await import(${JSON.stringify(entry)});`;
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), { workerData: { dataDir } });
  const pending = new Map<number, { resolve: (r: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let failed: Error | null = null;
  worker.on('message', (msg: { id: number; result?: unknown; error?: string }) => {
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (msg.error !== undefined) p.reject(new Error(msg.error));
    else p.resolve(msg.result);
  });
  const failAll = (err: Error) => {
    failed = err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`write thread exited (${code})`)));
  const send = (req: WriteRequest): Promise<unknown> => {
    if (failed) return Promise.reject(failed);
    return new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, req });
    });
  };
  return {
    appendBatch: (entries) => send({ kind: 'append', entries }) as Promise<AppendResult>,
    publishPresence: async (entries) => void (await send({ kind: 'presence', entries })),
    putProjection: async (projection) => void (await send({ kind: 'projection', projection })),
    appendAudit: async (entries) => void (await send({ kind: 'audit', entries })),
    compact: (collaborationId) => send({ kind: 'compact', collaborationId }) as Promise<boolean>,
    async close() {
      if (failed) return;
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage('close');
      await exited;
    },
  };
}
