// One appending process of the store benchmark: appends N small updates to a shared document and
// prints its per-append latencies as JSON.
import * as Y from 'yjs';
import { createSqliteStore } from '@trellis/store';

const [dataDir, countStr, doc] = process.argv.slice(2) as [string, string, string];
const store = createSqliteStore({ dataDir });
const ydoc = new Y.Doc();
const latencies: number[] = [];
for (let i = 0; i < Number(countStr); i++) {
  const sv = Y.encodeStateVector(ydoc);
  ydoc.getText('notes').insert(0, 'x');
  const u = Y.encodeStateAsUpdate(ydoc, sv);
  const t = performance.now();
  await store.docs.append(doc, [u], 'bench');
  latencies.push(performance.now() - t);
}
await store.close();
process.stdout.write(JSON.stringify(latencies));
