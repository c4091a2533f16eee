// Worker-thread side of the SQLite write thread: owns its own connection and runs the sync path's
// writes (update group commits, presence, projections, edit audits, compactions) off the server's
// event loop. Posts 'ready' once its connection is open (write-thread.ts waits for it after a restart).
// Lock waits: SQLite's default busy handler sleeps 1–100 ms between tries, which becomes fan-out
// latency when several processes share a file; this thread may block, so it retries on a
// sub-millisecond schedule instead.
import { parentPort, workerData } from 'node:worker_threads';
import { openDb } from './db.ts';
import { lowerThisThreadPriority } from './thread-priority.ts';
import type { WriteRequest } from './write-requests.ts';
import { writeRunner } from './write-requests.ts';

const LOCK_WAIT_MS = 10_000;
lowerThisThreadPriority();
const db = openDb((workerData as { dataDir: string }).dataDir);
db.pragma('busy_timeout = 0');
const run = writeRunner(db);
const pause = new Int32Array(new SharedArrayBuffer(4));

async function withLockRetry(req: WriteRequest): Promise<unknown> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      return await run(req);
    } catch (err) {
      const busy = (err as { code?: string }).code === 'SQLITE_BUSY';
      if (!busy || Date.now() > deadline) throw err;
      Atomics.wait(pause, 0, 0, Math.min(2, 0.05 * 2 ** attempt));
    }
  }
}

parentPort!.on('message', (msg: { id: number; req: WriteRequest } | 'close') => {
  if (msg === 'close') {
    db.close();
    parentPort!.close();
    return;
  }
  withLockRetry(msg.req).then(
    (result) => parentPort!.postMessage({ id: msg.id, result }),
    (err: unknown) => parentPort!.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) }),
  );
});
parentPort!.postMessage('ready');
