// Runs the shared conformance suite against the embedded SQLite store (a real file on disk).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runStoreConformance } from '../conformance/suite.ts';
import { createSqliteStore } from './index.ts';
import type { Store } from '../types.ts';

runStoreConformance('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'trellis-store-'));
  let store: Store = createSqliteStore({ dataDir: dir, pollMs: 5 });
  return {
    store,
    async reopen() {
      await store.close();
      store = createSqliteStore({ dataDir: dir, pollMs: 5 });
      return store;
    },
    async corruptUpdate(collaborationId, seq) {
      const db = new Database(join(dir, 'trellis.db'));
      db.pragma('busy_timeout = 5000');
      db.prepare("UPDATE updates SET data = X'00ff00ff' WHERE collab_id = ? AND seq = ?").run(collaborationId, seq);
      db.close();
    },
    async cleanup() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
    spawnEnv: { STORE: 'sqlite', DATA_DIR: dir },
  };
});
