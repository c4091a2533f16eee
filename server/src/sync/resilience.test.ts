// [S6] a failed load refuses the connection; [S7] a failed store keeps updates in memory, retries,
// and acknowledges only once stored; [S8] graceful shutdown stores pending writes and closes with 1012.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { WebsocketProvider } from 'y-websocket';
import { notesOf } from '@trellis/schema';
import { connect, createCollaboration, holdWriteLock, login, metric, startTestServer, storedDoc, synced, waitFor, recordAcks } from '../testing/harness.ts';

const providers: WebsocketProvider[] = [];
afterEach(() => {
  for (const p of providers.splice(0)) p.destroy();
});

describe('resilience', () => {
  it('[S6] a document whose stored state is corrupt is refused (1011), never served empty or overwritten', async () => {
    const server = await startTestServer();
    try {
      const owner = await login(server.url, 'o@r.io');
      const collab = await createCollaboration(server.url, owner);
      const writer = connect(server.url, collab, owner.token);
      providers.push(writer);
      await synced(writer);
      notesOf(writer.doc).insert(0, 'precious');
      await waitFor(async () => (await server.store.docs.load(collab)).lastSeq > 0, 5000, 'stored');
      writer.destroy();
      await waitFor(() => server.sync.registry.get(collab) === undefined, 5000, 'unloaded');
      const db = new Database(join(server.dataDir, 'trellis.db'));
      db.pragma('busy_timeout = 5000');
      db.prepare("UPDATE updates SET data = X'00ff' WHERE collab_id = ?").run(collab);
      db.close();
      const reader = connect(server.url, collab, owner.token);
      providers.push(reader);
      const codes: number[] = [];
      reader.on('connection-close', (ev: { code: number } | null) => codes.push(ev?.code ?? 0));
      await waitFor(() => codes.includes(1011), 5000, 'close 1011');
      expect(reader.synced).toBe(false);
      // The corrupt record is still there (loudly failing), not replaced by an empty document.
      await expect(server.store.docs.load(collab)).rejects.toThrow(/corrupt/);
    } finally {
      await server.stop();
    }
  });

  it('[S5][S7] while the store is unavailable edits still reach others live, the ack waits, and the retry stores them', async () => {
    const server = await startTestServer();
    try {
      const owner = await login(server.url, 'o@s.io');
      const collab = await createCollaboration(server.url, owner);
      const writer = connect(server.url, collab, owner.token, { ack: true });
      const reader = connect(server.url, collab, owner.token);
      providers.push(writer, reader);
      const acks = recordAcks(writer);
      await Promise.all([synced(writer), synced(reader)]);
      // Another connection holds the write lock longer than the writer's lock wait: appends fail.
      const lock = holdWriteLock(server.dataDir);
      let clock = 0;
      try {
        notesOf(writer.doc).insert(0, 'during outage');
        clock = Y.getState(writer.doc.store, writer.doc.clientID);
        await waitFor(() => notesOf(reader.doc).toString() === 'during outage', 5000, 'live despite the outage');
        await waitFor(async () => (await metric(server.url, 'trellis_persist_failures_total')) > 0, 30_000, 'a failed store attempt');
        expect(acks.ownClock).toBeLessThan(clock);
      } finally {
        lock.release();
      }
      await waitFor(() => acks.ownClock >= clock, 20_000, 'ack after the retry');
      expect(notesOf(await storedDoc(server.dataDir, collab)).toString()).toBe('during outage');
    } finally {
      await server.stop();
    }
  }, 90_000);

  it('[S8] graceful shutdown stores pending writes and closes sockets with 1012', async () => {
    const server = await startTestServer();
    const owner = await login(server.url, 'o@g.io');
    const collab = await createCollaboration(server.url, owner);
    const p = connect(server.url, collab, owner.token);
    providers.push(p);
    await synced(p);
    const codes: number[] = [];
    p.on('connection-close', (ev: { code: number } | null) => codes.push(ev?.code ?? 0));
    notesOf(p.doc).insert(0, 'last words');
    await waitFor(() => server.sync.registry.get(collab)?.doc.getText('notes').toString() === 'last words', 5000, 'applied');
    await server.stop();
    expect(codes[0]).toBe(1012);
    p.disconnect();
    expect(notesOf(await storedDoc(server.dataDir, collab)).toString()).toBe('last words');
  });
});

describe('compaction', () => {
  it('[S6] compacts in the background past the threshold; the document reloads intact after unload', async () => {
    const server = await startTestServer({ limits: { compactAfterUpdates: 20, unloadDelayMs: 100 } });
    try {
      const owner = await login(server.url, 'o@c.io');
      const collab = await createCollaboration(server.url, owner);
      const p = connect(server.url, collab, owner.token);
      providers.push(p);
      await synced(p);
      for (let i = 0; i < 60; i++) notesOf(p.doc).insert(notesOf(p.doc).length, String(i % 10));
      const expected = notesOf(p.doc).toString();
      await waitFor(async () => (await server.store.docs.load(collab)).snapshotSeq > 0, 10_000, 'a snapshot');
      p.destroy();
      await waitFor(() => server.sync.registry.get(collab) === undefined, 5000, 'unloaded');
      const loaded = await server.store.docs.load(collab);
      expect(loaded.updates.length).toBeLessThan(60);
      const again = connect(server.url, collab, owner.token);
      providers.push(again);
      await synced(again);
      expect(notesOf(again.doc).toString()).toBe(expected);
    } finally {
      await server.stop();
    }
  });
});
