// Several processes opening a brand-new DATA_DIR at once migrate it exactly once (a migration's
// ALTER TABLE applied twice would kill the loser: seen as a server whose write thread died).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import * as Y from 'yjs';
import { checksum } from '../checksum.ts';
import { compactStored } from '../compact-stored.ts';
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
  it('[A4] migration 5: a document stored before history was kept loads as before; its earlier changes are unattributed, its snapshot is where the history starts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trellis-migrate-'));
    try {
      // A database as the previous release left it: a compacted document with updates after its snapshot.
      const old = new Database(join(dir, 'trellis.db'));
      for (const m of MIGRATIONS.slice(0, 4)) old.exec(m);
      old.pragma('user_version = 4');
      const doc = new Y.Doc();
      const edit = (t: string) => {
        const sv = Y.encodeStateVector(doc);
        doc.getArray<string>('log').push([t]);
        return Y.encodeStateAsUpdate(doc, sv);
      };
      edit('a');
      edit('b');
      const snap = Y.encodeStateAsUpdate(doc);
      const later = edit('c');
      old.prepare('INSERT INTO docs (collab_id, last_seq, snapshot_seq) VALUES (?, ?, ?)').run('legacy', 3, 2);
      old.prepare('INSERT INTO snapshots (collab_id, seq, data, hash) VALUES (?, ?, ?, ?)').run('legacy', 2, snap, checksum(snap));
      old.prepare('INSERT INTO updates (collab_id, seq, data, hash) VALUES (?, ?, ?, ?)').run('legacy', 3, later, checksum(later));
      old.close();
      let store = createSqliteStore({ dataDir: dir });
      try {
        const loaded = await store.docs.load('legacy');
        expect([loaded.snapshotSeq, loaded.updates.map((u) => u.seq)]).toEqual([2, [3]]);
        const h = await store.docs.loadHistory('legacy');
        expect(h.baseSeq).toBe(2);
        expect(h.updates.map((u) => [u.seq, u.attribution, u.at])).toEqual([[3, null, null]]);
        await store.docs.append('legacy', [edit('d')], 'p', { actor: { kind: 'user', id: 'alice' } });
        // Compaction keeps the base the history starts from, and the history after it.
        expect(await compactStored(store.docs, 'legacy')).toBe(true);
        await store.close();
        store = createSqliteStore({ dataDir: dir });
        const after = await store.docs.loadHistory('legacy');
        expect(after.baseSeq).toBe(2);
        expect(after.updates.map((u) => u.seq)).toEqual([3, 4]);
        const replayed = new Y.Doc();
        Y.applyUpdate(replayed, after.base!);
        for (const u of after.updates) Y.applyUpdate(replayed, u.data);
        expect(replayed.getArray('log').toArray()).toEqual(['a', 'b', 'c', 'd']);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
