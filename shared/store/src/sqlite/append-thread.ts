// Group commits on a worker thread: the server's event loop keeps forwarding updates while SQLite
// writes and fsyncs. Same semantics as DocRepo.appendBatch (durable when the promise resolves).
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AppendEntry } from '../types.ts';

type Result = { firstSeq: number; lastSeq: number }[];

export interface ThreadedAppender {
  appendBatch(entries: AppendEntry[]): Promise<Result>;
  close(): Promise<void>;
}

export function createSqliteAppendThread(dataDir: string): ThreadedAppender {
  // The entry is TypeScript source: register tsx's loader in the thread, then import it.
  const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const entry = new URL('./append-thread-entry.ts', import.meta.url).href;
  const bootstrap = `import { register } from ${JSON.stringify(tsxApi)}; register(); await import(${JSON.stringify(entry)});`;
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), { workerData: { dataDir } });
  const pending = new Map<number, { resolve: (r: Result) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let failed: Error | null = null;
  worker.on('message', (msg: { id: number; results?: Result; error?: string }) => {
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (msg.error !== undefined) p.reject(new Error(msg.error));
    else p.resolve(msg.results!);
  });
  const failAll = (err: Error) => {
    failed = err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`append thread exited (${code})`)));
  return {
    appendBatch(entries) {
      if (failed) return Promise.reject(failed);
      return new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, entries });
      });
    },
    async close() {
      if (failed) return;
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage('close');
      await exited;
    },
  };
}
