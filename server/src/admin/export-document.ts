// Composition root of `npm run export-document -- <collaborationId>` (dist/export-document.js in an
// image): an operator's way to read a stored document the server refuses to serve (SPEC [H15],
// [H8]) — integrated here, in this process only, with no deadline — and print it as JSON
// ({collaborationId, seq, messages, activities, notes}) on stdout. It opens the store as a server
// does (a store left by an older version is migrated first) and writes nothing else.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as Y from 'yjs';
import { idString, parseEnv } from '@trellis/schema';
import { applyLoaded, loadedBytes, openStore } from '@trellis/store';
import { orExit } from '@trellis/runtime';

const id = orExit(() => {
  const parsed = idString.safeParse(process.argv[2]);
  if (!parsed.success) throw new Error('usage: export-document <collaborationId>');
  return parsed.data;
});
const env = orExit(() => {
  const parsed = parseEnv(process.env);
  // Opening the embedded store creates it: a mistyped DATA_DIR would get a new, empty one.
  if (parsed.STORE === 'sqlite' && !existsSync(join(parsed.DATA_DIR, 'trellis.db'))) throw new Error(`no store in DATA_DIR ${parsed.DATA_DIR} (no trellis.db there)`);
  return parsed;
});
const store = await openStore(env);
try {
  if (!(await store.collaborations.get(id))) throw new Error(`no collaboration ${id} in this store`);
  const stored = await store.docs.load(id);
  const doc = new Y.Doc();
  applyLoaded(doc, stored);
  const incomplete = doc.store.pendingStructs !== null || doc.store.pendingDs !== null;
  const out = {
    collaborationId: id,
    seq: stored.lastSeq,
    storedBytes: loadedBytes(stored),
    // Content waiting for a dependency the log lacks is not in the arrays below ([H8]).
    incomplete,
    messages: doc.getArray('messages').toJSON(),
    activities: doc.getArray('activities').toJSON(),
    notes: doc.getText('notes').toString(),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
} catch (err) {
  process.stderr.write(`export-document: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
} finally {
  await store.close();
}
