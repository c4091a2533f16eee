// [S6] A member who leaves and comes back again and again cannot keep the process loading a large
// document: after its last client leaves, a document stays loaded for 100 times what its load cost.
import { expect, it } from 'vitest';
import WebSocket from 'ws';
import { notesOf } from '@trellis/schema';
import { createSqliteStore } from '@trellis/store';
import { editHeavyNotes } from './gate/testing/crafted.ts';
import { connect, createCollaboration, login, metric, startTestServer, synced, tempDir, waitFor } from '../testing/harness.ts';

const loads = (base: string) => metric(base, 'trellis_document_load_seconds_count');
const loaded = (base: string) => metric(base, 'trellis_documents_loaded');

it('[S6] leaving and rejoining a large document at once does not load it again: it stays loaded for 100 times its load time, then is unloaded', async () => {
  const dataDir = tempDir();
  // Unloaded 50 ms after the last client leaves, were it not for what its load cost.
  const srv = await startTestServer({ dataDir, limits: { unloadDelayMs: 50 } });
  try {
    const boss = await login(srv.url, 'hold@load.io');
    const id = await createCollaboration(srv.url, boss, 'Large');
    // Honest, edit-heavy notes (≈ 70 KB): tens of ms to load.
    const store = createSqliteStore({ dataDir });
    await store.docs.append(id, [editHeavyNotes(4_000)], 'test');
    await store.close();

    const before = await loads(srv.url);
    let length = -1;
    for (let i = 0; i < 5; i++) {
      const p = connect(srv.url, id, boss.token);
      await synced(p);
      length = notesOf(p.doc).length;
      p.destroy();
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(length).toBeGreaterThan(0);
    // Five visits, each 100 ms after the last (twice the unload delay; the five in well under a
    // second, while the hold is 100 × its load time): loaded once.
    const loadMs = (await metric(srv.url, 'trellis_document_load_seconds_sum')) * 1000;
    expect(loadMs, 'the document must take some time to load for this test to mean anything').toBeGreaterThan(10);
    expect(await loads(srv.url)).toBe(before + 1);
    // Then unloaded once the hold has passed.
    await waitFor(async () => (await loaded(srv.url)) === 0, 100 * loadMs + 10_000, 'unloaded after the hold');
  } finally {
    await srv.stop();
  }
});

it('[S6] a socket that closes while its document loads leaves nothing loaded: the document is unloaded as if its client had left', async () => {
  const dataDir = tempDir();
  const srv = await startTestServer({ dataDir, limits: { unloadDelayMs: 50 } });
  try {
    const boss = await login(srv.url, 'leak@load.io');
    const ids: string[] = [];
    const store = createSqliteStore({ dataDir });
    for (let i = 0; i < 3; i++) {
      const id = await createCollaboration(srv.url, boss, `Large ${i}`);
      // Large enough to be tried on the pre-flight thread first: the load takes a while.
      await store.docs.append(id, [editHeavyNotes(4_000, i + 1)], 'test');
      ids.push(id);
    }
    await store.close();
    const before = await loads(srv.url);
    // Each socket is gone as soon as it opens, before its document has loaded.
    await Promise.all(
      ids.map(
        (id) =>
          new Promise<void>((resolve, reject) => {
            const ws = new WebSocket(`${srv.url.replace('http', 'ws')}/sync/${id}?token=${boss.token}`);
            ws.on('open', () => {
              ws.terminate();
              resolve();
            });
            ws.on('error', reject);
          }),
      ),
    );
    await waitFor(async () => (await loads(srv.url)) === before + 3, 20_000, 'the three loads finished');
    const loadMs = (await metric(srv.url, 'trellis_document_load_seconds_sum')) * 1000;
    await waitFor(async () => (await loaded(srv.url)) === 0, 100 * loadMs + 10_000, 'all three unloaded');
  } finally {
    await srv.stop();
  }
});
