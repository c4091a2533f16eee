// A second OS process for the conformance suite: appends to a document, or tails the change feed
// persisting its cursor, so the suite can test cross-process behaviour and kill -9 recovery.
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as Y from 'yjs';
import { openStore } from '../open-store.ts';

const env = process.env;
const store = await openStore({
  STORE: env['STORE'] === 'mongo' ? 'mongo' : 'sqlite',
  DATA_DIR: env['DATA_DIR'] ?? './data',
  MONGODB_URL: env['MONGODB_URL'],
  MONGO_DB_NAME: env['MONGO_DB_NAME'],
});
const [cmd, ...args] = process.argv.slice(2);

/** Persist a cursor atomically: a SIGKILL mid-write must leave the previous cursor, not an empty file. */
function saveCursor(file: string, cursor: string): void {
  writeFileSync(`${file}.tmp`, cursor);
  renameSync(`${file}.tmp`, file);
}

if (cmd === 'append') {
  const [docId, countStr, tag] = args as [string, string, string];
  const doc = new Y.Doc();
  for (let i = 0; i < Number(countStr); i++) {
    const before = Y.encodeStateVector(doc);
    doc.getArray<string>('log').push([`${tag}-${i}`]);
    await store.docs.append(docId, [Y.encodeStateAsUpdate(doc, before)], tag);
  }
  await store.close();
  process.stdout.write('done\n');
} else if (cmd === 'tail') {
  const [cursorFile, outFile] = args as [string, string];
  // Starting fresh: take the head and persist it before announcing readiness, so every change
  // committed after "ready" is delivered.
  let from = existsSync(cursorFile) ? readFileSync(cursorFile, 'utf8') : undefined;
  if (from === undefined) {
    from = await store.changes.head();
    saveCursor(cursorFile, from);
  }
  const ac = new AbortController();
  process.on('SIGTERM', () => ac.abort());
  process.stdout.write('ready\n');
  await store.changes.tail({
    from,
    signal: ac.signal,
    async onBatch({ changes, cursor }) {
      const lines = changes.filter((c) => c.type === 'update').map((c) => `${c.seq}\n`).join('');
      if (lines) appendFileSync(outFile, lines);
      // Persist after the side effect: at-least-once, never a gap.
      saveCursor(cursorFile, cursor);
    },
    async onResync(cursor) {
      appendFileSync(outFile, 'resync\n');
      saveCursor(cursorFile, cursor);
    },
  });
  await store.close();
} else {
  process.stderr.write(`unknown command ${String(cmd)}\n`);
  process.exit(2);
}
