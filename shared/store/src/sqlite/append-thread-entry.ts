// Worker-thread side of the threaded appender: owns its own SQLite connection and runs group
// commits (including the fsync) off the server's event loop. Lock waits: SQLite's default busy
// handler sleeps 1–100 ms between tries, which becomes fan-out latency when several processes share
// a file; this thread may block, so it retries on a sub-millisecond schedule instead.
import { parentPort, workerData } from 'node:worker_threads';
import type { AppendEntry } from '../types.ts';
import { openDb } from './db.ts';
import { sqliteDocs } from './docs.ts';

interface Request {
  id: number;
  entries: AppendEntry[];
}

const LOCK_WAIT_MS = 10_000;
const db = openDb((workerData as { dataDir: string }).dataDir);
db.pragma('busy_timeout = 0');
const docs = sqliteDocs(db);
const pause = new Int32Array(new SharedArrayBuffer(4));

async function append(entries: AppendEntry[]) {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      return await docs.appendBatch(entries);
    } catch (err) {
      const busy = (err as { code?: string }).code === 'SQLITE_BUSY';
      if (!busy || Date.now() > deadline) throw err;
      Atomics.wait(pause, 0, 0, Math.min(2, 0.05 * 2 ** attempt));
    }
  }
}

parentPort!.on('message', (req: Request | 'close') => {
  if (req === 'close') {
    db.close();
    parentPort!.close();
    return;
  }
  append(req.entries).then(
    (results) => parentPort!.postMessage({ id: req.id, results }),
    (err: unknown) => parentPort!.postMessage({ id: req.id, error: err instanceof Error ? err.message : String(err) }),
  );
});
