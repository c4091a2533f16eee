// Conformance for what operating several processes relies on (readiness, claims, membership
// inserts): run by runStoreConformance for every adapter. Rule ids refer to DATA_MODEL.md.
import { describe, expect, it } from 'vitest';
import { eachStore, textUpdate as update, until } from './each-store.ts';
import { compactStored } from '../compact-stored.ts';
import { claimCompaction, COMPACTION_CLAIM_MS, releaseCompaction } from '../compaction-claim.ts';
import type { Store } from '../types.ts';
import type { ConformanceSetup } from './suite.ts';
import { collab } from './suite.ts';

export function runOperationsConformance(name: string, setup: () => Promise<ConformanceSetup>): void {
  describe(`store conformance (operations): ${name}`, () => {
    let store!: Store;
    eachStore(setup, (opened) => {
      store = opened.store;
    });

    it('[D30] a tail reports when it is current: idle, and again only after the batch before it was accepted', async () => {
      const ac = new AbortController();
      const caughtUp: number[] = [];
      const log: string[] = [];
      let release: () => void = () => undefined;
      const gate = new Promise<void>((r) => (release = r));
      const tail = store.changes.tail({
        from: await store.changes.head(),
        signal: ac.signal,
        async onBatch(b) {
          if (b.changes.some((c) => c.type === 'update')) {
            log.push('batch');
            await gate; // a consumer stuck in its side effect
          }
        },
        async onResync() {
          log.push('resync');
        },
        onCaughtUp(at) {
          caughtUp.push(at);
          log.push('caught-up');
        },
      });
      try {
        // Idle: reported within a couple of seconds, never ahead of the clock.
        await until(() => caughtUp.length > 0, 5000, 'onCaughtUp while idle');
        expect(caughtUp[0]!).toBeLessThanOrEqual(Date.now());
        const written = Date.now();
        await store.docs.append(`col_ready_${name}`, [update('x')], 'another-process');
        await until(() => log.includes('batch'), 10_000, 'the update batch');
        // While the consumer holds the batch, nothing claims the feed is current past the write.
        const before = caughtUp.length;
        await new Promise((r) => setTimeout(r, 1500));
        expect(caughtUp.slice(before).every((at) => at < written)).toBe(true);
        release();
        await until(() => caughtUp.some((at) => at >= written), 10_000, 'onCaughtUp after the batch');
        expect(log).not.toContain('resync');
      } finally {
        release();
        ac.abort();
        await tail;
      }
    });

    it('[D31] one process compacts a document at a time: the claim expires, and only its holder gives it back', async () => {
      const id = `col_claim_${name}`;
      const t0 = Date.now();
      expect(await claimCompaction(store.kv, id, 'proc-a', t0)).toBe(true);
      expect(await claimCompaction(store.kv, id, 'proc-b', t0 + 1000)).toBe(false);
      // Another document is independent; the holder may claim again (re-entrant).
      expect(await claimCompaction(store.kv, `${id}-other`, 'proc-b', t0)).toBe(true);
      expect(await claimCompaction(store.kv, id, 'proc-a', t0 + 2000)).toBe(true);
      // A crashed holder blocks others only until its claim expires.
      const later = t0 + 2000 + COMPACTION_CLAIM_MS + 1;
      expect(await claimCompaction(store.kv, id, 'proc-b', later)).toBe(true);
      // The old holder's release no longer frees it; the new holder's does.
      await releaseCompaction(store.kv, id, 'proc-a', later);
      expect(await claimCompaction(store.kv, id, 'proc-c', later + 1)).toBe(false);
      await releaseCompaction(store.kv, id, 'proc-b', later + 2);
      expect(await claimCompaction(store.kv, id, 'proc-c', later + 3)).toBe(true);

      // compactStored under a claim another process holds writes nothing, and succeeds once it is free.
      const doc = 'col_claimed_doc_' + name;
      await store.docs.append(doc, [update('a'), update('b')], 'p');
      expect(await claimCompaction(store.kv, doc, 'holder')).toBe(true);
      expect(await compactStored(store.docs, doc, { kv: store.kv, owner: 'other' })).toBe(false);
      expect((await store.docs.load(doc)).snapshotSeq).toBe(0);
      await releaseCompaction(store.kv, doc, 'holder');
      expect(await compactStored(store.docs, doc, { kv: store.kv, owner: 'other' })).toBe(true);
      const loaded = await store.docs.load(doc);
      expect(loaded.snapshotSeq).toBe(2);
      expect(loaded.updates).toEqual([]);
      // …and gives its claim back when done.
      expect(await claimCompaction(store.kv, doc, 'holder')).toBe(true);
    });

    it('[D34] a tail with excludeOrigin is not sent that origin\'s updates (filtered by the store), and still gets everyone else\'s', async () => {
      const ac = new AbortController();
      const seen: string[] = [];
      const tail = store.changes.tail({
        from: await store.changes.head(),
        signal: ac.signal,
        excludeOrigin: 'me',
        async onBatch(b) {
          for (const c of b.changes) if (c.type === 'update') seen.push(`${c.origin}:${c.collaborationId}`);
        },
        async onResync() {
          seen.push('resync');
        },
      });
      try {
        await store.docs.appendBatch([
          { collaborationId: 'col_mine', updates: [update('m1')], origin: 'me' },
          { collaborationId: 'col_theirs', updates: [update('t1')], origin: 'them' },
        ]);
        await store.docs.append('col_mine', [update('m2')], 'me');
        await store.docs.append('col_mine', [update('t2')], 'them');
        await until(() => seen.length >= 2, 10_000, 'the other origin\'s updates');
        await new Promise((r) => setTimeout(r, 500));
        expect(seen.sort()).toEqual(['them:col_mine', 'them:col_theirs']);
      } finally {
        ac.abort();
        await tail;
      }
    });

    it('[D32] adding a member is an insert: a duplicate is refused whatever its role, concurrent adds insert once, one change each', async () => {
      const c = collab('alice');
      await store.collaborations.create(c);
      const head = await store.changes.head();
      const m = (userId: string, role: 'owner' | 'editor' | 'viewer') => ({ collaborationId: c.id, userId, role, addedAt: new Date().toISOString(), addedBy: 'alice' });
      // The owner cannot be overwritten by an add.
      expect(await store.members.add(m('alice', 'viewer'))).toBe(false);
      expect((await store.members.get(c.id, 'alice'))?.role).toBe('owner');
      expect(await store.members.add(m('bob', 'editor'))).toBe(true);
      expect(await store.members.add(m('bob', 'owner'))).toBe(false);
      expect((await store.members.get(c.id, 'bob'))?.role).toBe('editor');
      const roles = ['viewer', 'editor', 'owner', 'viewer'] as const;
      const results = await Promise.all(roles.map((role) => store.members.add(m('carol', role))));
      expect(results.filter(Boolean)).toHaveLength(1);
      const carol = await store.members.get(c.id, 'carol');
      expect(carol?.role).toBe(roles[results.indexOf(true)]);

      const seen: string[] = [];
      const ac = new AbortController();
      const tail = store.changes.tail({
        from: head,
        signal: ac.signal,
        async onBatch(b) {
          for (const ch of b.changes) if (ch.type === 'membership') seen.push(`${ch.userId}:${ch.role}`);
        },
        async onResync() {
          seen.push('resync');
        },
      });
      await until(() => seen.length >= 2, 10_000, 'membership changes');
      await new Promise((r) => setTimeout(r, 300));
      ac.abort();
      await tail;
      expect(seen).toEqual(['bob:editor', `carol:${carol?.role}`]);
    });
  });
}
