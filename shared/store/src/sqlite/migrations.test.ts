// Several processes opening a brand-new DATA_DIR at once migrate it exactly once (a migration's
// ALTER TABLE applied twice would kill the loser: seen as a server whose write thread died).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnChild, waitExit } from '../conformance/spawn-child.ts';
import { createSqliteStore } from './index.ts';
import { MIGRATIONS } from './migrations.ts';

describe('sqlite migrations', () => {
  it('[D19] concurrent first opens from several processes migrate once and all succeed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trellis-migrate-'));
    try {
      const children = [0, 1, 2, 3, 4].map((i) => spawnChild({ STORE: 'sqlite', DATA_DIR: dir }, ['append', 'doc', '1', `p${i}`]));
      expect(await Promise.all(children.map(waitExit))).toEqual([0, 0, 0, 0, 0]);
      const store = createSqliteStore({ dataDir: dir });
      expect((await store.docs.load('doc')).updates.map((u) => u.seq)).toEqual([1, 2, 3, 4, 5]);
      await store.close();
      expect(MIGRATIONS.length).toBeGreaterThan(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
