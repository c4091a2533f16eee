// Several processes opening a brand-new DATA_DIR at once migrate it exactly once (a migration's
// ALTER TABLE applied twice would kill the loser: seen as a server whose write thread died).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
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

  it('[D20] migration 4 gives kv rows written before expiry existed their family\'s retention; other keys stay forever', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trellis-migrate-'));
    try {
      // A database as the previous release left it: migrations 1–3 and some kv rows.
      const old = new Database(join(dir, 'trellis.db'));
      for (const m of MIGRATIONS.slice(0, 3)) old.exec(m);
      old.pragma('user_version = 3');
      const keys = ['idem:abc', 'ai-reply-slot:c:m', 'mention:c:m:u', 'aiReply:c:m', 'ai-reply-rate:c:1:0', 'housekeeping:1', 'changes.pruned_upto', 'custom'];
      for (const k of keys) old.prepare('INSERT INTO kv (key, value) VALUES (?, ?)').run(k, '1');
      old.close();
      const before = Date.now();
      const store = createSqliteStore({ dataDir: dir });
      const day = 86_400_000;
      try {
        const db = new Database(join(dir, 'trellis.db'), { readonly: true });
        const rows = Object.fromEntries((db.prepare('SELECT key, expires_at FROM kv').all() as { key: string; expires_at: number | null }[]).map((r) => [r.key, r.expires_at]));
        db.close();
        const near = (v: number | null | undefined, ms: number) => expect(Math.abs(v! - (before + ms))).toBeLessThan(5_000);
        near(rows['idem:abc'], 7 * day);
        near(rows['ai-reply-slot:c:m'], 7 * day);
        near(rows['mention:c:m:u'], 30 * day);
        near(rows['aiReply:c:m'], 30 * day);
        near(rows['ai-reply-rate:c:1:0'], day);
        near(rows['housekeeping:1'], day);
        expect(rows['changes.pruned_upto']).toBeNull();
        expect(rows['custom']).toBeNull();
        expect(await store.kv.pruneExpired(before + 365 * day)).toBe(6);
        expect(await store.kv.get('custom')).toBe('1');
        expect(await store.kv.get('changes.pruned_upto')).toBe('1');
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
