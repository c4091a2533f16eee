// Store conformance for the attributed history (SPEC [A1]–[A3], DATA_MODEL.md "History"): every
// adapter stores who made each update, keeps the attributed log through compaction, and replays it
// to the same state the document loads as.
import { describe, expect, it } from 'vitest';
import { loadStoredDoc } from '../apply-loaded.ts';
import { eachStore } from './each-store.ts';
import * as Y from 'yjs';
import type { Attribution } from '@trellis/schema';
import { compactStored, historyCut } from '../compact-stored.ts';
import type { DocHistory, Store } from '../types.ts';
import type { ConformanceSetup } from './suite.ts';

const alice: Attribution = { actor: { kind: 'user', id: 'alice' } };
const aiRun: Attribution = { actor: { kind: 'ai', id: 'ai' }, runId: 'run_1', proposalId: 'apr_1' };

function edit(doc: Y.Doc, text: string): Uint8Array {
  const sv = Y.encodeStateVector(doc);
  doc.getArray<string>('log').push([text]);
  return Y.encodeStateAsUpdate(doc, sv);
}

function replay(h: DocHistory, uptoSeq = Infinity): string[] {
  const doc = new Y.Doc();
  doc.transact(() => {
    if (h.base) Y.applyUpdate(doc, h.base);
    for (const u of h.updates) if (u.seq <= uptoSeq) Y.applyUpdate(doc, u.data);
  });
  return doc.getArray<string>('log').toArray();
}

async function loaded(store: Store, id: string): Promise<string[]> {
  return (await loadStoredDoc(store, id)).getArray<string>('log').toArray();
}

export function runHistoryConformance(name: string, setup: () => Promise<ConformanceSetup>): void {
  describe(`store conformance (history): ${name}`, () => {
    let s!: ConformanceSetup;
    let store!: Store;
    eachStore(setup, (opened) => {
      s = opened;
      store = opened.store;
    });

    it('[A1] every stored update keeps its attribution and time, in one append and in a group commit', async () => {
      const doc = new Y.Doc();
      const before = Date.now();
      await store.docs.append('h', [edit(doc, 'a')], 'p', alice);
      await store.docs.appendBatch([
        { collaborationId: 'h', updates: [edit(doc, 'b'), edit(doc, 'c')], origin: 'p', attribution: aiRun },
        { collaborationId: 'other', updates: [edit(new Y.Doc(), 'x')], origin: 'p', attribution: alice },
        { collaborationId: 'h', updates: [edit(doc, 'd')], origin: 'p' },
      ]);
      const h = await store.docs.loadHistory('h');
      expect(h.base).toBeNull();
      expect(h.updates.map((u) => [u.seq, u.attribution])).toEqual([[1, alice], [2, aiRun], [3, aiRun], [4, null]]);
      expect(h.updates.every((u) => u.at !== null && u.at >= before - 1000 && u.at <= Date.now() + 1000)).toBe(true);
      expect(replay(h)).toEqual(['a', 'b', 'c', 'd']);
      store = await s.reopen();
      expect((await store.docs.loadHistory('h')).updates.map((u) => u.attribution)).toEqual([alice, aiRun, aiRun, null]);
      expect(await store.docs.loadHistory('nope')).toEqual({ base: null, baseSeq: 0, updates: [], lastSeq: 0 });
    });

    it('[A2] compaction keeps the attributed history beside the snapshot; the log replays to the loaded state', async () => {
      const doc = new Y.Doc();
      for (let i = 0; i < 10; i++) await store.docs.append('c', [edit(doc, `u${i}`)], 'p', i % 2 ? aiRun : alice);
      expect(await compactStored(store.docs, 'c')).toBe(true);
      await store.docs.append('c', [edit(doc, 'after')], 'p', alice);
      expect(await compactStored(store.docs, 'c')).toBe(true);
      const l = await store.docs.load('c');
      expect(l.snapshotSeq).toBe(11);
      expect(l.updates).toEqual([]);
      const h = await store.docs.loadHistory('c');
      expect(h.baseSeq).toBe(0);
      expect(h.updates.map((u) => u.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      expect(replay(h)).toEqual(await loaded(store, 'c'));
      expect(replay(h, 3)).toEqual(['u0', 'u1', 'u2']);
      store = await s.reopen();
      expect(replay(await store.docs.loadHistory('c'))).toEqual(doc.getArray('log').toArray());
    });

    it('[A3] a retention cut moves where the history starts: older updates fold into its base, later ones stay attributed', async () => {
      const doc = new Y.Doc();
      for (let i = 0; i < 6; i++) await store.docs.append('r', [edit(doc, `u${i}`)], 'p', aiRun);
      // Everything stored so far is older than "now + 1 s": the cut takes all six.
      const cut = await historyCut(store.docs, 'r', 4, Date.now() + 1000);
      expect(cut?.seq).toBe(4);
      const l = await store.docs.load('r');
      const state = new Y.Doc();
      for (const u of l.updates) Y.applyUpdate(state, u.data);
      await store.docs.compact('r', Y.encodeStateAsUpdate(state), l.lastSeq, cut);
      await store.docs.append('r', [edit(doc, 'later')], 'p', alice);
      const h = await store.docs.loadHistory('r');
      expect(h.baseSeq).toBe(4);
      expect(h.updates.map((u) => [u.seq, u.attribution])).toEqual([[5, aiRun], [6, aiRun], [7, alice]]);
      expect(replay(h)).toEqual(await loaded(store, 'r'));
      expect(replay(h, 4)).toEqual(['u0', 'u1', 'u2', 'u3']);
      // A retention that keeps everything recent cuts nothing; compaction through compactStored with it.
      expect(await compactStored(store.docs, 'r', undefined, { historyRetentionMs: 3_600_000 })).toBe(true);
      expect((await store.docs.loadHistory('r')).baseSeq).toBe(4);
      expect(await compactStored(store.docs, 'r', undefined, { historyRetentionMs: 1, now: Date.now() + 10_000 })).toBe(false);
      await store.docs.append('r', [edit(doc, 'last')], 'p', alice);
      expect(await compactStored(store.docs, 'r', undefined, { historyRetentionMs: 1, now: Date.now() + 10_000 })).toBe(true);
      const after = await store.docs.loadHistory('r');
      expect(after.baseSeq).toBe(8);
      expect(after.updates).toEqual([]);
      expect(replay(after)).toEqual(doc.getArray('log').toArray());
      store = await s.reopen();
      expect(await loaded(store, 'r')).toEqual(doc.getArray('log').toArray());
    });
  });
}
