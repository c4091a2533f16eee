// Worker-thread side of the threaded appender: owns its own SQLite connection and runs group
// commits (including the fsync) off the server's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import type { AppendEntry } from '../types.ts';
import { openDb } from './db.ts';
import { sqliteDocs } from './docs.ts';

interface Request {
  id: number;
  entries: AppendEntry[];
}

const db = openDb((workerData as { dataDir: string }).dataDir);
const docs = sqliteDocs(db);

parentPort!.on('message', (req: Request | 'close') => {
  if (req === 'close') {
    db.close();
    parentPort!.close();
    return;
  }
  docs.appendBatch(req.entries).then(
    (results) => parentPort!.postMessage({ id: req.id, results }),
    (err: unknown) => parentPort!.postMessage({ id: req.id, error: err instanceof Error ? err.message : String(err) }),
  );
});
